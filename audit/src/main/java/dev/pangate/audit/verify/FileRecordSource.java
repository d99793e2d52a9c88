package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.file.SegmentFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The lines of the file sink: one file, or every {@code audit-NNNNNN.jsonl} file of a directory in
 * order. Files are read one at a time.
 */
public final class FileRecordSource implements RecordSource {

  private final Path path;
  private final List<Path> files;

  private FileRecordSource(Path path, List<Path> files) {
    this.path = path;
    this.files = files;
  }

  /**
   * The audit files at {@code fileOrDirectory}.
   *
   * @throws IOException when it does not exist or a directory holds no audit file
   */
  public static FileRecordSource of(Path fileOrDirectory) throws IOException {
    requireNonNull(fileOrDirectory, "fileOrDirectory is null");
    if (Files.isDirectory(fileOrDirectory)) {
      List<Path> files = SegmentFiles.list(fileOrDirectory);
      if (files.isEmpty()) {
        throw new NoSuchFileException(fileOrDirectory.toString(), null,
            "no audit files (audit-NNNNNN.jsonl) in this directory");
      }
      return new FileRecordSource(fileOrDirectory, files);
    }
    if (!Files.isRegularFile(fileOrDirectory)) {
      throw new NoSuchFileException(fileOrDirectory.toString(), null, "no such audit file or directory");
    }
    return new FileRecordSource(fileOrDirectory, List.of(fileOrDirectory));
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
          current = read(files.get(file));
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

  private static List<SourceLine> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String name = file.getFileName().toString();
    List<SourceLine> lines = new ArrayList<>();
    int start = 0;
    long number = 1;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
      lines.add(new SourceLine(name, number++, text.substring(start, i), false));
      start = i + 1;
    }
    if (start < text.length()) {
      lines.add(new SourceLine(name, number, text.substring(start), true));
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
