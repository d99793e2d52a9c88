package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.file.SegmentFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The lines of the file sink: one file, or every {@code audit-NNNNNN.jsonl} file of a directory in
 * order. Files are read one at a time.
 */
public final class FileRecordSource implements RecordSource {

  /** Told the bytes read from each file, exactly as they are verified. */
  @FunctionalInterface
  public interface ReadListener {
    /** {@code bytes} were read from {@code file} starting at byte {@code offset}. */
    void read(Path file, long offset, byte[] bytes);
  }

  private final Path path;
  private final List<Path> files;
  private final long firstOffset;
  private final long firstLineNumber;
  private final ReadListener listener;

  private FileRecordSource(Path path, List<Path> files, long firstOffset, long firstLineNumber,
      ReadListener listener) {
    this.path = path;
    this.files = files;
    this.firstOffset = firstOffset;
    this.firstLineNumber = firstLineNumber;
    this.listener = listener;
  }

  /**
   * The records of a directory after a verified prefix: the rest of the prefix's file from the byte
   * after its seal, then every later file. {@code listener} (may be null) is told the bytes read.
   *
   * @throws IOException when the directory cannot be listed
   */
  public static FileRecordSource after(Path directory, VerifiedPrefix prefix, ReadListener listener)
      throws IOException {
    requireNonNull(prefix, "prefix is null");
    return after(directory, prefix.segment(), prefix.lineNumber(), prefix.endOffset(), listener);
  }

  /**
   * The records of a directory after a position: the rest of file {@code segment} from byte {@code
   * endOffset} (just after line {@code lineNumber}), then every later file.
   *
   * @throws IOException when the directory cannot be listed
   */
  public static FileRecordSource after(Path directory, String segment, long lineNumber, long endOffset,
      ReadListener listener) throws IOException {
    requireNonNull(directory, "directory is null");
    requireNonNull(segment, "segment is null");
    if (endOffset < 0) {
      throw new IllegalArgumentException("the position has no byte offset");
    }
    long first = SegmentFiles.index(segment);
    List<Path> files = SegmentFiles.list(directory).stream()
        .filter(f -> SegmentFiles.index(f.getFileName().toString()) >= first).toList();
    boolean same = !files.isEmpty() && files.get(0).getFileName().toString().equals(segment);
    return new FileRecordSource(directory, files, same ? endOffset : 0, same ? lineNumber + 1 : 1, listener);
  }

  /**
   * The audit files at {@code fileOrDirectory}.
   *
   * @throws IOException when it does not exist or a directory holds no audit file
   */
  public static FileRecordSource of(Path fileOrDirectory) throws IOException {
    return of(fileOrDirectory, null);
  }

  /**
   * The audit files at {@code fileOrDirectory}; {@code listener} (may be null) is told the bytes read.
   *
   * @throws IOException when it does not exist or a directory holds no audit file
   */
  public static FileRecordSource of(Path fileOrDirectory, ReadListener listener) throws IOException {
    requireNonNull(fileOrDirectory, "fileOrDirectory is null");
    if (Files.isDirectory(fileOrDirectory)) {
      List<Path> files = SegmentFiles.list(fileOrDirectory);
      if (files.isEmpty()) {
        throw new NoSuchFileException(fileOrDirectory.toString(), null,
            "no audit files (audit-NNNNNN.jsonl) in this directory");
      }
      return new FileRecordSource(fileOrDirectory, files, 0, 1, listener);
    }
    if (!Files.isRegularFile(fileOrDirectory)) {
      throw new NoSuchFileException(fileOrDirectory.toString(), null, "no such audit file or directory");
    }
    return new FileRecordSource(fileOrDirectory, List.of(fileOrDirectory), 0, 1, listener);
  }

  @Override
  public Iterator<SourceLine> lines() {
    return new Iterator<>() {
      private int file = -1;
      private List<SourceLine> current = List.of();
      private int index;

      @Override
      public boolean hasNext() {
        while (index >= current.size()) {
          if (++file >= files.size()) {
            return false;
          }
          current = file == 0 ? read(files.get(0), firstOffset, firstLineNumber) : read(files.get(file), 0, 1);
          index = 0;
        }
        return true;
      }

      @Override
      public SourceLine next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.get(index++);
      }
    };
  }

  private List<SourceLine> read(Path file, long offset, long firstNumber) {
    byte[] bytes;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size - offset > Integer.MAX_VALUE - 16) {
        throw new IOException("the file is larger than 2 GiB");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, size - offset));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // read to the size seen at the start; a writer may append meanwhile (read next time)
      }
      bytes = Arrays.copyOf(buffer.array(), buffer.position());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (listener != null) {
      listener.read(file, offset, bytes);
    }
    String name = file.getFileName().toString();
    List<SourceLine> lines = new ArrayList<>();
    int start = 0;
    long number = firstNumber;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(new SourceLine(name, number++, new String(bytes, start, i - start, StandardCharsets.UTF_8),
            false, offset + i + 1));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      lines.add(new SourceLine(name, number, new String(bytes, start, bytes.length - start,
          StandardCharsets.UTF_8), true, -1));
    }
    return lines;
  }

  @Override
  public boolean segmented() {
    return true;
  }

  @Override
  public String describe() {
    return files.size() == 1 ? files.get(0).toString() : path + " (" + files.size() + " files)";
  }
}
