package dev.pangate.audit.file;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditSink;
import dev.pangate.audit.SegmentStart;
import dev.pangate.audit.SinkTail;
import dev.pangate.audit.record.ChainRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The default sink: JSON Lines files in one directory, one canonical record per line, rotated by
 * size or by UTC day. Each new file starts with a segment record that links to the last record of
 * the file before it. Files are only ever appended to; a record acknowledged by the log is in the
 * file (and, with {@link Durability#FSYNC_EACH_BATCH}, on disk).
 *
 * <p>On open it resumes the last file: a torn last line (a write that a crash interrupted, never
 * acknowledged) is cut off and reported in {@link SinkTail#tornBytesRemoved()}.
 */
public final class FileAuditSink implements AuditSink {

  /** When written records reach the disk. */
  public enum Durability {
    /** fsync after every batch, before its entries are acknowledged (group commit). */
    FSYNC_EACH_BATCH,
    /**
     * Written to the operating system before acknowledgement (survives a crash of the gateway
     * process), fsync at most {@link Options#fsyncInterval()} later (a power loss may lose that
     * much).
     */
    FSYNC_PERIODIC
  }

  /**
   * How the sink writes and rotates.
   *
   * @param durability when records reach the disk
   * @param fsyncInterval the longest delay before an fsync with {@link Durability#FSYNC_PERIODIC}
   * @param maxFileBytes start a new file once the current one is this large
   * @param rotateDaily start a new file when the UTC day changes
   */
  public record Options(Durability durability, Duration fsyncInterval, long maxFileBytes, boolean rotateDaily) {

    public Options {
      requireNonNull(durability, "durability is null");
      requireNonNull(fsyncInterval, "fsyncInterval is null");
      if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
        throw new IllegalArgumentException("fsyncInterval must be positive, got " + fsyncInterval);
      }
      if (maxFileBytes < 4096) {
        throw new IllegalArgumentException("maxFileBytes must be at least 4096, got " + maxFileBytes);
      }
    }

    /** fsync per batch, 64 MiB files, a new file every UTC day. */
    public static Options defaults() {
      return new Options(Durability.FSYNC_EACH_BATCH, Duration.ofMillis(5), 64L << 20, true);
    }

    public Options withDurability(Durability durability) {
      return new Options(durability, fsyncInterval, maxFileBytes, rotateDaily);
    }

    public Options withFsyncInterval(Duration fsyncInterval) {
      return new Options(durability, fsyncInterval, maxFileBytes, rotateDaily);
    }

    public Options withMaxFileBytes(long maxFileBytes) {
      return new Options(durability, fsyncInterval, maxFileBytes, rotateDaily);
    }

    public Options withRotateDaily(boolean rotateDaily) {
      return new Options(durability, fsyncInterval, maxFileBytes, rotateDaily);
    }
  }

  private static final byte NEWLINE = '\n';
  /** Seals are the only records whose first key (sorted) is checkpointMillis. */
  private static final String SEAL_PREFIX = "{\"checkpointMillis\":";

  private final Path directory;
  private final Options options;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
  private final WrittenBytes written = new WrittenBytes();

  private FileChannel channel;
  private Path current;
  private long currentIndex;
  private LocalDate currentDay;
  private long durableLength;
  private boolean dirty;
  private boolean unsynced;
  private long lastFsyncNanos = System.nanoTime();

  private FileAuditSink(Path directory, Options options) {
    this.directory = requireNonNull(directory, "directory is null").toAbsolutePath();
    this.options = requireNonNull(options, "options is null");
  }

  /** A sink writing into {@code directory} (created when missing); nothing is touched before open. */
  public static FileAuditSink create(Path directory, Options options) {
    return new FileAuditSink(directory, options);
  }

  @Override
  public SinkTail open() throws IOException {
    Files.createDirectories(directory);
    List<Path> files = SegmentFiles.list(directory);
    if (files.isEmpty()) {
      openNew(1);
      return new SinkTail(List.of(), 0, new SegmentStart(current.getFileName().toString(), null));
    }
    Path last = files.get(files.size() - 1);
    currentIndex = SegmentFiles.index(last.getFileName().toString());
    current = last;
    channel = FileChannel.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long torn = cutTornLine();
    currentDay = LocalDate.ofInstant(Files.getLastModifiedTime(last).toInstant(), ZoneOffset.UTC);
    byte[] existing = Files.readAllBytes(last);
    int kept = (int) Math.min(existing.length, durableLength);
    written.started(last.getFileName().toString(), existing, kept);
    List<String> lines = tail(lines(new String(existing, 0, kept, StandardCharsets.UTF_8)));
    if (lines.isEmpty()) {
      // A file created just before a crash, with no record yet: the chain ends in the one before.
      Path previous = files.size() > 1 ? files.get(files.size() - 2) : null;
      List<String> previousTail = previous == null ? List.of() : tail(readLines(previous));
      return new SinkTail(previousTail, torn, new SegmentStart(last.getFileName().toString(),
          previous == null ? null : previous.getFileName().toString()));
    }
    String lastLine = lines.get(lines.size() - 1);
    if (lastLine.startsWith(SEAL_PREFIX) && lastLine.contains("\"state\":\"rotate\"")) {
      // Crashed between sealing a file for rotation and creating the next one.
      return new SinkTail(lines, torn, startSegment(Instant.now()));
    }
    return new SinkTail(lines, torn, null);
  }

  /** Cuts bytes after the last line break (an interrupted, unacknowledged write); returns how many. */
  private long cutTornLine() throws IOException {
    long size = channel.size();
    long end = size;
    ByteBuffer one = ByteBuffer.allocate(8192);
    while (end > 0) {
      long from = Math.max(0, end - one.capacity());
      one.clear().limit((int) (end - from));
      channel.read(one, from);
      one.flip();
      for (int i = one.limit() - 1; i >= 0; i--) {
        if (one.get(i) == NEWLINE) {
          end = from + i + 1;
          return truncateTo(end, size);
        }
      }
      end = from;
    }
    return truncateTo(0, size);
  }

  private long truncateTo(long end, long size) throws IOException {
    if (end < size) {
      channel.truncate(end);
      channel.force(true);
    }
    channel.position(end);
    durableLength = end;
    return size - end;
  }

  private static List<String> readLines(Path file) throws IOException {
    return lines(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
      lines.add(text.substring(start, i));
      start = i + 1;
    }
    return lines;
  }

  /** The lines from the last seal on (all of them when there is no seal). */
  private static List<String> tail(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith(SEAL_PREFIX)) {
        return List.copyOf(lines.subList(i, lines.size()));
      }
    }
    return List.copyOf(lines);
  }

  private void openNew(long index) throws IOException {
    Path file = directory.resolve(SegmentFiles.name(index));
    FileChannel created = FileChannel.open(file,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    forceDirectory();
    channel = created;
    current = file;
    currentIndex = index;
    currentDay = null; // taken from the log's clock at the first batch
    durableLength = 0;
    dirty = false;
    written.started(file.getFileName().toString(), new byte[0], 0);
  }

  private void forceDirectory() throws IOException {
    // The new file's directory entry must be durable too, or a crash could lose the whole file.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  @Override
  public void write(List<ChainRecord> records) throws IOException {
    if (dirty) {
      discardFailedWrite();
    }
    buffer.reset();
    for (ChainRecord record : records) {
      buffer.write(record.line().getBytes(StandardCharsets.UTF_8));
      buffer.write(NEWLINE);
    }
    byte[] batch = buffer.toByteArray();
    ByteBuffer bytes = ByteBuffer.wrap(batch);
    dirty = true;
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    unsynced = true;
    if (options.durability() == Durability.FSYNC_EACH_BATCH
        || System.nanoTime() - lastFsyncNanos >= options.fsyncInterval().toNanos()) {
      force();
    }
    durableLength += bytes.limit();
    dirty = false;
    written.wrote(current.getFileName().toString(), batch, batch.length);
  }

  private void force() throws IOException {
    channel.force(false);
    unsynced = false;
    lastFsyncNanos = System.nanoTime();
  }

  @Override
  public void discardFailedWrite() throws IOException {
    if (channel == null || !channel.isOpen()) {
      channel = FileChannel.open(current, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    channel.truncate(durableLength);
    channel.position(durableLength);
    channel.force(false);
    dirty = false;
  }

  @Override
  public boolean wantsNewSegment(Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (currentDay == null) {
      currentDay = today;
    }
    return durableLength >= options.maxFileBytes() || options.rotateDaily() && !today.equals(currentDay);
  }

  @Override
  public SegmentStart startSegment(Instant now) throws IOException {
    String previous = current.getFileName().toString();
    if (channel.isOpen()) {
      force();
      channel.close();
    }
    openNew(currentIndex + 1);
    currentDay = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return new SegmentStart(current.getFileName().toString(), previous);
  }

  @Override
  public Duration syncInterval() {
    return options.durability() == Durability.FSYNC_PERIODIC ? options.fsyncInterval() : null;
  }

  @Override
  public void sync() throws IOException {
    if (unsynced && channel != null && channel.isOpen()) {
      force();
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null && channel.isOpen()) {
      try {
        channel.force(true);
      } finally {
        channel.close();
      }
    }
  }

  @Override
  public String describe() {
    return "file " + directory;
  }

  /**
   * What this sink has written into each file, for the gateway's own verification of the files
   * ({@code LogMonitor}).
   */
  public WrittenBytes writtenBytes() {
    return written;
  }

  /** The file being written, for operators and tests. */
  public Path currentFile() {
    return current;
  }
}
