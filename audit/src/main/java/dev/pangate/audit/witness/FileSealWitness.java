package dev.pangate.audit.witness;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.ChainRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A witness file: every seal's line appended to one JSON Lines file on another path than the audit
 * directory (another disk, an NFS mount of a log host, a directory with {@code chattr +a}), opened
 * for appending only and fsynced after each write.
 */
public final class FileSealWitness implements SealWitness {

  private static final int TAIL_BLOCK = 64 * 1024;

  private final Path file;
  private FileChannel channel;

  private FileSealWitness(Path file) {
    this.file = file.toAbsolutePath();
  }

  /** A witness appending to {@code file} (created, with its directory, when missing). */
  public static FileSealWitness create(Path file) {
    return new FileSealWitness(requireNonNull(file, "file is null"));
  }

  @Override
  public void append(List<ChainRecord> seals) throws IOException {
    if (channel == null || !channel.isOpen()) {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(seals.size() * 1024);
    for (ChainRecord seal : seals) {
      bytes.write(seal.line().getBytes(StandardCharsets.UTF_8));
      bytes.write('\n');
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      // Reopened on the next try; a partly written line is skipped by readers (not a seal).
      channel.close();
      throw e;
    }
  }

  @Override
  public String latest(String node) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try (FileChannel read = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = read.size();
      // The last complete lines are enough: the newest seal of a running node is near the end.
      long from = Math.max(0, end - TAIL_BLOCK);
      ByteBuffer block = ByteBuffer.allocate((int) (end - from));
      while (block.hasRemaining() && read.read(block, from + block.position()) > 0) {
        // read fully
      }
      String text = new String(block.array(), 0, block.position(), StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      String needle = "\"node\":\"" + node + "\"";
      for (int i = lines.length - 2; i >= (from == 0 ? 0 : 1); i--) {
        String line = lines[i];
        if (line.startsWith("{") && line.contains(needle)) {
          return line;
        }
      }
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public String describe() {
    return "witness file " + file;
  }

  /** The witness file. */
  public Path file() {
    return file;
  }
}
