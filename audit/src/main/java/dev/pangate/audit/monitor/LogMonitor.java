package dev.pangate.audit.monitor;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.file.ChunkDigest;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.file.WrittenBytes;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.KnownHead;
import dev.pangate.audit.verify.KnownSeals;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.verify.VerifiedPrefix;
import dev.pangate.audit.verify.Violation;
import dev.pangate.audit.verify.ViolationKind;
import dev.pangate.audit.witness.SealWitness;
import dev.pangate.masking.pan.PanScrubber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running gateway's own check of its audit files, every {@code interval}: PCI DSS 10.3.4 wants
 * changes to logs detected and alerted on, not only found when someone runs the verifier.
 *
 * <p>Each run
 *
 * <ol>
 *   <li>reads the last seal each witness holds and checks its signature;
 *   <li>checks that the bytes verified before are still there: every file still exists and is no
 *       shorter, a file whose modification time changed (any file but the one being appended to, or
 *       that one without growing) is read again whole, and up to {@code recheckBytes} more are
 *       read again in turn, so the whole log is re-read every {@code size / recheckBytes} runs;
 *       each 1 MiB chunk is compared with the SHA-256 it had when verified;
 *   <li>verifies the records written since the last verified seal, continuing its chain and Merkle
 *       tree ({@link AuditVerifier#verify(dev.pangate.audit.verify.RecordSource, Instant, boolean,
 *       List, VerifiedPrefix)}), against the witnesses' heads: a log re-sealed with the real key is
 *       caught at the first seal a witness holds. Given the writer's memory of its seals ({@link
 *       Builder#writtenSeals}), a seal read back byte for byte as the writer wrote it is not verified
 *       by its signature again, and one that differs from what was written is a break even when its
 *       signature verifies; every record's hash, every link and every tree head are still checked.
 *       Given also the writer's memory of the bytes it wrote ({@link Builder#writtenBytes}), the
 *       bytes written since the last run are read back and compared with it, a SHA-256 per MiB:
 *       the same bytes are the writer's own records, so only the last seal among them is parsed
 *       (and must be one the writer wrote, as must every witness's seal); different bytes, or a
 *       file shorter than was written, are a break. What that memory cannot vouch for (a file it
 *       did not write, bytes beyond what it wrote) is verified record by record.
 * </ol>
 *
 * <p>The first run verifies the whole log. A change to bytes verified before runs the full verifier
 * over the log to name the break; if the log verifies on its own again it was rewritten and sealed
 * again with the signing key, which is reported as such. A break stays reported (health, metrics,
 * the alert callback) until the gateway restarts: it is evidence, not a passing state.
 */
public final class LogMonitor implements AutoCloseable {

  /** The unit of re-reading: a chunk's SHA-256 is kept from when it was verified. */
  static final int CHUNK = ChunkDigest.CHUNK;

  /** Seals remembered to compare a lagging witness's latest seal with. */
  private static final int RECENT_SEALS = 1024;

  private final Path directory;
  private final String node;
  private final AuditVerifier verifier;
  private final List<SealWitness> witnesses;
  private final Duration interval;
  private final long recheckBytes;
  private final Clock clock;
  private final Consumer<String> alert;
  private final KnownSeals writtenSeals;
  private final WrittenBytes writtenBytes;
  private final TreeMap<String, FileDigest> files = new TreeMap<>();
  private final LinkedHashMap<Long, String> recentSeals = new LinkedHashMap<>(RECENT_SEALS, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
      return size() > RECENT_SEALS;
    }
  };
  private ScheduledExecutorService scheduler;

  // Guarded by this.
  private VerifiedPrefix prefix;
  private String recheckFile;
  private long recheckChunk;
  private long runs;
  private long failures;
  private Instant lastRun;
  private Instant lastVerified;
  private Violation violation;
  private Instant brokenSince;
  private String error;
  private long sealsChecked;
  private long sealsRecognized;
  private long readAsWritten;
  private volatile MonitorStatus status = MonitorStatus.off();

  private LogMonitor(Builder b) {
    this.directory = b.directory;
    this.node = b.node;
    this.verifier = b.verifier;
    this.witnesses = List.copyOf(b.witnesses);
    this.interval = b.interval;
    this.recheckBytes = b.recheckBytes;
    this.clock = b.clock;
    this.alert = b.alert;
    this.writtenSeals = b.writtenSeals;
    this.writtenBytes = b.writtenBytes;
  }

  /** Configures a monitor of the file sink's directory. */
  public static Builder forDirectory(Path directory, String node, AuditVerifier verifier) {
    return new Builder(directory, node, verifier);
  }

  /** Runs every interval on a thread of its own, the first run at once. */
  public LogMonitor start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "pangate-audit-monitor-" + node);
      thread.setDaemon(true);
      return thread;
    });
    status = snapshot(true);
    scheduler.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** What the monitor has found; cheap, for every health probe and scrape. */
  public MonitorStatus status() {
    return status;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (SealWitness witness : witnesses) {
      try {
        witness.close();
      } catch (IOException e) {
        // the monitor's own read connections; nothing was written through them
      }
    }
  }

  private void runQuietly() {
    try {
      run();
    } catch (RuntimeException | Error e) {
      // A run that throws must not end the schedule: the next run tries again.
      synchronized (this) {
        failures++;
        error = "the audit monitor failed: " + message(e);
        status = snapshot(true);
      }
    }
  }

  /** One run (the scheduled runs call this; tests may too). */
  public synchronized MonitorStatus run() {
    if (violation != null) {
      return status; // a break is final: the log is evidence now, not something to keep checking
    }
    Instant now = clock.instant();
    runs++;
    error = null;
    try {
      List<KnownHead> known = new ArrayList<>();
      List<String> witnessErrors = new ArrayList<>();
      if (!witnesses(known, witnessErrors)) {
        return finish(now);
      }
      String changed = prefix == null ? null : recheck();
      if (changed != null) {
        fullVerification(now, changed, known);
        return finish(now);
      }
      verifyNew(now, known);
      if (violation == null && !witnessErrors.isEmpty()) {
        error = String.join("; ", witnessErrors);
      }
    } catch (IOException | RuntimeException e) {
      error = "the audit files in " + directory + " could not be verified: " + message(e);
    }
    return finish(now);
  }

  private MonitorStatus finish(Instant now) {
    lastRun = now;
    if (violation != null || error != null) {
      failures++;
    } else {
      lastVerified = now;
    }
    status = snapshot(scheduler != null);
    return status;
  }

  private MonitorStatus snapshot(boolean running) {
    return new MonitorStatus(running, prefix == null ? -1 : prefix.size() - 1,
        prefix == null ? null : (prefix.size() - 1) + ":" + prefix.seal().treeHead(), lastRun,
        lastVerified, runs, failures, violation, brokenSince, error, sealsChecked, sealsRecognized);
  }

  /**
   * Reads each witness's last seal: a bad one is a break; one at or before what was verified must be
   * the log's seal there; a later one becomes a head the new records must reach with the same tree.
   *
   * @return false when a break was found
   */
  private boolean witnesses(List<KnownHead> known, List<String> errors) {
    for (SealWitness witness : witnesses) {
      String line;
      try {
        line = witness.latest(node);
      } catch (IOException | RuntimeException e) {
        errors.add(witness.describe() + " could not be read: " + message(e));
        continue;
      }
      if (line == null) {
        continue;
      }
      String bad = verifier.checkSeal(line);
      if (bad != null) {
        broken(new Violation(ViolationKind.MODIFIED, -1, witness.describe(), "the last seal the witness"
            + " holds is not good: " + bad + ". The witness copy was changed."));
        return false;
      }
      ParsedRecord seal;
      try {
        seal = ParsedRecord.parse(line);
      } catch (MalformedRecordException e) {
        throw new IllegalStateException(e); // checkSeal parsed it
      }
      if (seal.treeHead() == null) {
        continue;
      }
      long seq = seal.sequence();
      if (prefix == null || seq >= prefix.size()) {
        known.add(new KnownHead(seq, seal.treeHead(), witness.describe() + " (its last seal)", line));
      } else {
        String ours = recentSeals.get(seq);
        if (ours != null ? !ours.equals(line)
            : writtenSeals != null && writtenSeals.check(seq, line) == KnownSeals.Answer.OTHER) {
          broken(new Violation(ViolationKind.REWRITTEN, seq, witness.describe(), "the seal at seq " + seq
              + " verified in the log is not the one the witness holds: the log was sealed again after"
              + " it was witnessed"));
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Verifies what was written after the last verified seal: against the writer's memory of its
   * bytes when it can vouch for all of it, else record by record.
   */
  private void verifyNew(Instant now, List<KnownHead> known) throws IOException {
    if (!verifyAsWritten(now, known)) {
      verifyRecords(now, known);
    }
  }

  /**
   * Reads the bytes written since the last verified seal and compares them, a SHA-256 per MiB, with
   * the bytes this process's writer wrote there ({@link Builder#writtenBytes}); when they are the
   * same, the records are the writer's own, chained, hashed and sealed by it, and the last seal among
   * them (which the writer's memory of its seals must know, as must it every witness's seal) becomes
   * the verified prefix without parsing a record but that seal. Bytes that differ from what was
   * written, or a file shorter than was written, are a break (the records are then verified one by
   * one to name it).
   *
   * @return false when the writer's memory cannot vouch for everything new (no memory, a file it did
   *     not write, bytes beyond what it wrote, a seal or witnessed seal it does not know): the
   *     records are then verified one by one
   */
  private boolean verifyAsWritten(Instant now, List<KnownHead> known) throws IOException {
    if (writtenBytes == null || writtenSeals == null || prefix == null || prefix.endOffset() < 0) {
      return false;
    }
    long firstIndex = SegmentFiles.index(prefix.segment());
    List<WrittenBytes.File> written = null;
    List<Path> onDisk = null;
    for (int attempt = 0; written == null; attempt++) {
      if (attempt > 0) {
        if (attempt > SETTLE_ATTEMPTS) {
          return false; // bytes beyond what the writer wrote stayed there: read them record by record
        }
        pause();
      }
      List<WrittenBytes.File> all = writtenBytes.snapshot();
      int from = -1;
      for (int i = 0; i < all.size() && from < 0; i++) {
        if (all.get(i).name().equals(prefix.segment())) {
          from = i;
        }
      }
      if (from < 0) {
        return false;
      }
      List<WrittenBytes.File> mine = all.subList(from, all.size());
      List<Path> files = new ArrayList<>();
      for (Path file : SegmentFiles.list(directory)) {
        if (SegmentFiles.index(file.getFileName().toString()) >= firstIndex) {
          files.add(file);
        }
      }
      if (files.size() != mine.size()) {
        continue; // a file being started (or one the writer did not write): look again
      }
      boolean settled = true;
      for (int i = 0; i < files.size(); i++) {
        if (!files.get(i).getFileName().toString().equals(mine.get(i).name())) {
          return false;
        }
        long size = Files.size(files.get(i));
        long wrote = mine.get(i).digest().length();
        if (size < wrote) {
          notAsWritten(now, known, ViolationKind.TRUNCATED, "file " + files.get(i) + " is " + size
              + " bytes long, but this gateway wrote " + wrote + " bytes into it: records were cut off");
          return true;
        }
        settled &= size == wrote; // more: a write in progress, or bytes the writer did not write
      }
      if (settled) {
        written = mine;
        onDisk = files;
      }
    }
    List<ChunkDigest> grown = new ArrayList<>();
    int last = -1;
    byte[] lastBytes = null;
    long lastFrom = 0;
    for (int i = 0; i < onDisk.size(); i++) {
      Path file = onDisk.get(i);
      FileDigest verified = files.get(file.getFileName().toString());
      if (i == 0 ? verified == null || verified.length != prefix.endOffset() : verified != null) {
        return false;
      }
      long from = i == 0 ? verified.length : 0;
      ChunkDigest as = written.get(i).digest();
      if (as.length() < from || as.length() - from > Integer.MAX_VALUE) {
        return false;
      }
      byte[] bytes = read(file, from, (int) (as.length() - from));
      ChunkDigest read = i == 0 ? verified.digest.copy() : new ChunkDigest();
      if (bytes != null) {
        read.update(bytes, 0, bytes.length);
      }
      long differs = bytes == null ? from / CHUNK : read.firstDifference(as, from / CHUNK);
      if (differs >= 0) {
        notAsWritten(now, known, ViolationKind.MODIFIED, "bytes from " + differs * CHUNK + " of " + file
            + " are not the bytes this gateway wrote there: they were changed after they were written");
        return true;
      }
      grown.add(read);
      if (bytes.length > 0) {
        last = i;
        lastBytes = bytes;
        lastFrom = from;
      }
    }
    if (last < 0) {
      return true; // nothing new
    }
    int end = lastBytes.length - 1;
    if (lastBytes[end] != '\n') {
      return false;
    }
    int start = end;
    long lines = 0;
    for (int i = 0; i < lastBytes.length; i++) {
      if (lastBytes[i] == '\n') {
        lines++;
      }
    }
    while (start > 0 && lastBytes[start - 1] != '\n') {
      start--;
    }
    String line = new String(lastBytes, start, end - start, StandardCharsets.UTF_8);
    ParsedRecord seal;
    try {
      seal = ParsedRecord.parse(line);
    } catch (MalformedRecordException e) {
      return false;
    }
    if (!seal.isSeal() || seal.treeHead() == null || seal.treeFrontier() == null
        || seal.sequence() < prefix.size()
        || writtenSeals.check(seal.sequence(), line) != KnownSeals.Answer.WRITTEN) {
      return false;
    }
    for (KnownHead head : known) {
      if (head.size() < prefix.size() || head.size() > seal.sequence() || head.sealLine() == null
          || writtenSeals.check(head.size(), head.sealLine()) != KnownSeals.Answer.WRITTEN) {
        return false; // verified record by record, which names what is wrong
      }
    }
    TreeHasher hasher = new TreeHasher();
    CompactRange tree = CompactRange.of(seal.sequence(), seal.treeFrontier());
    tree.append(seal.leafHash(hasher), hasher);
    for (int i = 0; i <= last; i++) {
      Path file = onDisk.get(i);
      FileDigest digest = files.computeIfAbsent(file.getFileName().toString(), n -> new FileDigest(file));
      digest.replace(grown.get(i));
      digest.observe();
    }
    String segment = onDisk.get(last).getFileName().toString();
    prefix = new VerifiedPrefix(segment, (last == 0 ? prefix.lineNumber() : 0) + lines,
        lastFrom + lastBytes.length, line, tree);
    recentSeals.put(seal.sequence(), line);
    sealsChecked++;
    sealsRecognized++;
    readAsWritten++;
    return true;
  }

  /** Bytes differ from what the writer wrote: verified record by record to name the break. */
  private void notAsWritten(Instant now, List<KnownHead> known, ViolationKind kind, String what)
      throws IOException {
    verifyRecords(now, known);
    if (violation == null) {
      broken(new Violation(kind, -1, directory.toString(), what));
    }
  }

  /** {@code count} bytes of a file from {@code from}; null when the file has fewer. */
  private static byte[] read(Path file, long from, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
        // read all of it
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return buffer.hasRemaining() ? null : buffer.array();
  }

  private static void pause() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many times that many ms a write in progress is waited for before reading record by record. */
  private static final int SETTLE_ATTEMPTS = 5;
  private static final long SETTLE_MILLIS = 10;

  /** Runs that took what was new as the writer wrote it, without verifying records (for tests). */
  long readAsWritten() {
    synchronized (this) {
      return readAsWritten;
    }
  }

  /** Verifies the records after the last verified seal (all of them on the first run). */
  private void verifyRecords(Instant now, List<KnownHead> known) throws IOException {
    // Only the file being read is held: a file followed by another ends with its rotation seal, so
    // once the next one is read it was verified whole (a break found later ends the monitor anyway).
    Read[] pending = new Read[1];
    FileRecordSource.ReadListener listener = (file, offset, bytes) -> {
      if (pending[0] != null) {
        digest(pending[0], pending[0].bytes().length);
      }
      pending[0] = new Read(file, offset, bytes);
    };
    FileRecordSource source = prefix == null ? FileRecordSource.of(directory, listener)
        : FileRecordSource.after(directory, prefix, listener);
    VerificationReport report = verifier.verify(source, now, false, known, prefix,
        sealed -> recentSeals.put(sealed.size() - 1, sealed.sealLine()), writtenSeals);
    sealsChecked += report.checkpoints();
    sealsRecognized += report.sealsRecognized();
    if (!report.ok()) {
      broken(report.violation());
      return;
    }
    VerifiedPrefix next = report.verifiedPrefix();
    if (next == null) {
      error = "no seal with a Merkle tree head in " + directory + " yet";
      return;
    }
    Read read = pending[0];
    if (read != null) {
      long last = SegmentFiles.index(next.segment());
      long index = SegmentFiles.index(read.file().getFileName().toString());
      if (index < last) {
        digest(read, read.bytes().length);
      } else if (index == last) {
        digest(read, (int) Math.min(read.bytes().length, Math.max(0, next.endOffset() - read.offset())));
      } // else: a file after the last seal, not verified yet: read again next time
    }
    prefix = next;
  }

  private void digest(Read read, int length) {
    FileDigest digest = files.computeIfAbsent(read.file().getFileName().toString(),
        n -> new FileDigest(read.file()));
    digest.feed(read.offset(), read.bytes(), length);
    digest.observe();
  }

  /**
   * Compares bytes verified before with their digests.
   *
   * @return what changed, or null when nothing did
   */
  private String recheck() throws IOException {
    List<FileDigest> again = new ArrayList<>();
    for (FileDigest digest : files.values()) {
      BasicFileAttributes now;
      try {
        now = Files.readAttributes(digest.file, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return "file " + digest.file + " (" + digest.length
            + " bytes verified) was removed";
      }
      if (now.size() < digest.length) {
        return "file " + digest.file + " is " + now.size()
            + " bytes long, but " + digest.length + " bytes of it were verified: it was cut back";
      }
      boolean appendedTo = digest.file.getFileName().toString().equals(files.lastKey())
          && now.size() != digest.seenSize;
      if (!now.lastModifiedTime().equals(digest.seenModified) && !appendedTo) {
        again.add(digest);
      }
      digest.seenSize = now.size();
      digest.seenModified = now.lastModifiedTime();
    }
    for (FileDigest digest : again) {
      String changed = digest.compare(0, Long.MAX_VALUE);
      if (changed != null) {
        return changed;
      }
    }
    long total = files.values().stream().mapToLong(d -> d.length).sum();
    long budget = Math.min(recheckBytes, total);
    long checked = 0;
    int emptySteps = 0;
    while (checked < budget && emptySteps <= files.size()) {
      if (recheckFile == null || !files.containsKey(recheckFile)) {
        recheckFile = files.firstKey();
        recheckChunk = 0;
      }
      FileDigest digest = files.get(recheckFile);
      if (recheckChunk >= digest.chunkCount()) {
        recheckFile = files.higherKey(recheckFile); // null: start again at the first file
        recheckChunk = 0;
        emptySteps++;
        continue;
      }
      String changed = digest.compare(recheckChunk, 1);
      if (changed != null) {
        return changed;
      }
      checked += Math.min(CHUNK, digest.length - recheckChunk * CHUNK);
      recheckChunk++;
      emptySteps = 0;
    }
    return null;
  }

  /** Bytes verified before changed: the full verifier names the break. */
  private void fullVerification(Instant now, String changed, List<KnownHead> known) throws IOException {
    List<KnownHead> heads = new ArrayList<>(known);
    // What this monitor verified is a head seen before, as an assessor's note would be.
    heads.add(new KnownHead(prefix.size() - 1, prefix.seal().treeHead(),
        "the gateway's own verification (last run " + lastVerified + ")", prefix.sealLine()));
    VerificationReport report = verifier.verify(FileRecordSource.of(directory), now, false, heads);
    if (!report.ok()) {
      Violation v = report.violation();
      broken(new Violation(v.kind(), v.sequence(), v.location(), v.detail() + " (found because "
          + changed + ")"));
    } else {
      broken(new Violation(ViolationKind.MODIFIED, -1, directory.toString(), changed + "; the log as it"
          + " is now verifies, with the head verified before: the bytes were changed and put back"));
    }
  }

  private void broken(Violation found) {
    violation = found;
    brokenSince = clock.instant();
    String text = "AUDIT LOG BREAK in " + directory + ": " + found.kind().label() + " at " + found.location()
        + (found.sequence() >= 0 ? " (seq " + found.sequence() + ")" : "") + ": " + found.detail()
        + ". Keep the files as evidence and investigate (docs/audit.md, \"Continuous verification\").";
    alert.accept(PanScrubber.scrub(text));
  }

  private static String message(Throwable e) {
    return PanScrubber.scrub(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  private record Read(Path file, long offset, byte[] bytes) {}


  /** SHA-256 per chunk of the bytes of one file that were verified. */
  private static final class FileDigest {
    final Path file;
    ChunkDigest digest = new ChunkDigest();
    long length;
    long seenSize = -1;
    FileTime seenModified;

    FileDigest(Path file) {
      this.file = file;
    }

    void feed(long offset, byte[] bytes, int count) {
      if (offset != length) {
        throw new IllegalStateException("read " + file + " from byte " + offset + " but " + length
            + " bytes were verified");
      }
      digest.update(bytes, 0, count);
      length = digest.length();
    }

    /** Takes digests fed elsewhere (a copy of this one's, grown) as the bytes verified. */
    void replace(ChunkDigest grown) {
      digest = grown;
      length = grown.length();
    }

    void observe() {
      try {
        BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
        seenSize = now.size();
        seenModified = now.lastModifiedTime();
      } catch (IOException e) {
        seenModified = null; // compared at the next run, which reports the file if it is gone
      }
    }

    long chunkCount() {
      return digest.chunkCount();
    }

    /** Compares {@code count} chunks from chunk {@code first}; returns what changed, or null. */
    String compare(long first, long count) throws IOException {
      long end = Math.min(chunkCount(), first + Math.min(count, chunkCount()));
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        for (long chunk = first; chunk < end; chunk++) {
          long from = chunk * CHUNK;
          int size = (int) Math.min(CHUNK, length - from);
          ByteBuffer buffer = ByteBuffer.allocate(size);
          while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
            // read the whole chunk
          }
          if (buffer.hasRemaining() || !digest.sameChunk(chunk, buffer.array(), buffer.position())) {
            return "bytes " + from + ".." + (from + size - 1) + " of " + file + " changed after they were"
                + " verified";
          }
        }
      } catch (NoSuchFileException e) {
        return "file " + file + " was removed after it was verified";
      }
      return null;
    }
  }

  /** Configures a {@link LogMonitor}. */
  public static final class Builder {
    private final Path directory;
    private final String node;
    private final AuditVerifier verifier;
    private List<SealWitness> witnesses = List.of();
    private Duration interval = Duration.ofSeconds(60);
    private long recheckBytes = 8L << 20;
    private Clock clock = Clock.systemUTC();
    private Consumer<String> alert = text -> { };
    private KnownSeals writtenSeals;
    private WrittenBytes writtenBytes;

    private Builder(Path directory, String node, AuditVerifier verifier) {
      this.directory = requireNonNull(directory, "directory is null");
      this.node = requireNonNull(node, "node is null");
      this.verifier = requireNonNull(verifier, "verifier is null");
    }

    /**
     * Witnesses to read the last seal of, each with a connection of the monitor's own (not those the
     * log writes through); closed with the monitor.
     */
    public Builder witnesses(List<SealWitness> witnesses) {
      this.witnesses = List.copyOf(witnesses);
      return this;
    }

    /** How often to run (default 60 s). */
    public Builder interval(Duration interval) {
      requireNonNull(interval, "interval is null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** How many bytes verified before are read again per run, besides files whose time changed. */
    public Builder recheckBytes(long recheckBytes) {
      if (recheckBytes < 0) {
        throw new IllegalArgumentException("recheckBytes must be 0 or more");
      }
      this.recheckBytes = recheckBytes;
      return this;
    }

    /**
     * The seals the gateway's own writer remembers writing ({@code HashChainedAuditLog.writtenSeals()}):
     * a seal read back byte for byte as written is not verified by its signature again (the cost of
     * the monitor is then the chain and the tree, not one Ed25519 verification per seal); a seal that
     * differs from what was written is a break. Seals it does not know are verified by signature.
     */
    public Builder writtenSeals(KnownSeals writtenSeals) {
      this.writtenSeals = requireNonNull(writtenSeals, "writtenSeals is null");
      return this;
    }

    /**
     * What the gateway's own file sink wrote into each file ({@code HashChainedAuditLog.writtenBytes()}),
     * with {@link #writtenSeals}: what was written since the last run is then read back and compared
     * with it, a SHA-256 per MiB, instead of being verified record by record (bytes that differ, or a
     * file shorter than written, are a break; whatever it does not vouch for is verified record by
     * record as without it).
     */
    public Builder writtenBytes(WrittenBytes writtenBytes) {
      this.writtenBytes = writtenBytes;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /** Told, once, of a break (PAN-free text for the gateway's log). */
    public Builder alert(Consumer<String> alert) {
      this.alert = requireNonNull(alert, "alert is null");
      return this;
    }

    public LogMonitor build() {
      return new LogMonitor(this);
    }
  }
}
