package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.file.WrittenBytes;
import dev.pangate.audit.record.AuditSigner;
import dev.pangate.audit.record.CanonicalJson;
import dev.pangate.audit.record.ChainRecord;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.record.RecordWriter;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import dev.pangate.audit.witness.WitnessSet;
import dev.pangate.masking.pan.PanScrubber;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The audit log: one hash chain per node, sealed by signed checkpoints, written by group commit.
 *
 * <p>Appenders encode and scrub their event on their own thread, queue it and wait. One writer
 * thread takes everything queued, chains each entry to the one before it (its {@code prev} is the
 * previous record's hash), adds one seal signed with the Tink key over the new head, writes the
 * batch, makes it durable by the sink's policy, and only then releases the appenders with their
 * receipts. One signature per batch keeps the cost per statement low under load, and the chain
 * binds every earlier entry into each seal's signature. Every record is also the next leaf of a
 * Merkle tree (RFC 9162) kept as its right edge, O(log n) per record; each seal signs its head,
 * against which inclusion and consistency proofs are taken.
 *
 * <p>Fail closed: when the sink fails, the batch is discarded, every waiting and later append
 * throws {@link AuditUnavailableException} and {@link #health()} reports the problem; the writer
 * tries the sink again at most once per retry interval. When idle the writer writes a heartbeat
 * seal every checkpoint interval, so a verifier can tell a cut-off tail from a quiet log.
 */
public final class HashChainedAuditLog implements AuditLog {

  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final String node;
  private final AuditSink sink;
  private final Clock clock;
  private final String timeSource;
  private final long checkpointMillis;
  private final Duration retryInterval;
  private final Duration appendTimeout;
  private final int maxBatch;
  private final long lazyDelayNanos;
  private final RecordWriter records;
  private final WitnessSet witnesses;
  private final WrittenSeals writtenSeals = new WrittenSeals();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Pending closeMarker = new Pending(null, null, false);
  private final Thread writer;
  private final Thread deadlines;
  /** The batch the writer is writing now (its entries are no longer in the queue). */
  private volatile Pending[] writing = NOTHING;
  private static final Pending[] NOTHING = new Pending[0];

  private volatile boolean closed;
  private volatile boolean writerDone;
  private volatile String problem;
  private volatile Instant problemSince;
  // Writer thread only: the failure being ridden out, for the AUDIT_RECOVERED entry (PCI DSS 10.7).
  private Instant outageSince;
  private String outageProblem;
  private long refusedInOutage;
  private volatile long headSequence = -1;
  private volatile Instant lastDurableWrite;

  // Owned by the writer thread (and by open() before the thread starts).
  private AuditSigner signer;
  private long nextSequence;
  private String head = RecordFormat.GENESIS_HASH;
  private CompactRange tree = CompactRange.empty();
  private Instant lastSeal;
  private SegmentStart pendingSegment;
  private boolean rotationSealed;
  private Instant nextRetry = Instant.MIN;
  private AuditUnavailableException lastFailure;

  private HashChainedAuditLog(Builder b) {
    this.node = b.node;
    this.sink = b.sink;
    this.clock = b.clock;
    this.timeSource = b.timeSource;
    this.checkpointMillis = b.checkpointInterval.toMillis();
    this.retryInterval = b.retryInterval;
    this.appendTimeout = b.appendTimeout;
    this.maxBatch = b.maxBatch;
    this.lazyDelayNanos = b.lazyDelay.toNanos();
    this.signer = AuditSigner.fromKeyset(b.signingKeyset);
    this.records = new RecordWriter(node, timeSource);
    this.witnesses = b.witnesses;
    this.writer = new Thread(this::runWriter, "pangate-audit-writer-" + node);
    this.writer.setDaemon(true);
    this.deadlines = new Thread(this::runDeadlines, "pangate-audit-deadline-" + node);
    this.deadlines.setDaemon(true);
  }

  /** Starts configuring a log. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public AuditReceipt append(AuditEvent event) {
    requireNonNull(event, "event is null");
    if (event.type() == AuditEventType.LOG_OPEN || event.type() == AuditEventType.AUDIT_RECOVERED) {
      throw new IllegalArgumentException(event.type() + " entries are written by the log itself");
    }
    return submit(new Pending(EventEncoder.encode(event), null, false));
  }

  @Override
  public CompletableFuture<AuditReceipt> appendAsync(AuditEvent event, boolean lazy) {
    requireNonNull(event, "event is null");
    if (event.type() == AuditEventType.LOG_OPEN) {
      throw new IllegalArgumentException("LOG_OPEN entries are written by the log itself");
    }
    Pending pending = new Pending(EventEncoder.encode(event), null, lazy);
    if (!enqueue(pending)) {
      return CompletableFuture.failedFuture(closedException());
    }
    // Not durable within the append timeout: failed by the deadline thread, not by a timer per entry.
    return pending.result.exceptionallyCompose(failure -> CompletableFuture.failedFuture(unavailable(
            failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure)));
  }

  /**
   * Switches seals to the primary key of another signing keyset. A KEY_CHANGE entry naming both
   * key ids is sealed with the old key; every later seal uses the new one. Verifiers then need a
   * public keyset holding both keys.
   */
  public AuditReceipt changeSigningKey(KeysetHandle newSigningKeyset, String reason) {
    AuditSigner next = AuditSigner.fromKeyset(newSigningKeyset);
    requireNonNull(reason, "reason is null");
    Map<String, String> details = new LinkedHashMap<>();
    details.put("purpose", "audit-signing");
    details.put("newKeyId", Long.toString(next.keyId()));
    details.put("reason", reason);
    AuditEvent event = AuditEvent.builder(AuditEventType.KEY_CHANGE).details(details)
        .outcome(Outcome.success()).build();
    return submit(new Pending(EventEncoder.encode(event), next, false));
  }

  @Override
  public AuditHealth health() {
    String current = closed ? "the audit log for node " + node + " is closed" : problem;
    if (current == null && witnesses != null) {
      String refusal = witnesses.refusal();
      if (refusal != null) {
        current = witnessRefusal(refusal);
      }
    }
    return new AuditHealth(current == null, sink.describe(), headSequence, lastDurableWrite, current,
        current == null ? null : (problemSince == null ? lastDurableWrite : problemSince));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(closeMarker);
    try {
      writer.join(appendTimeout.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The witnesses of this log's seals, or null. */
  public WitnessSet witnesses() {
    return witnesses;
  }

  /**
   * The latest seals this log wrote, for the gateway's own verification of its files
   * ({@code LogMonitor}): a seal read back exactly as written needs no signature check.
   */
  public WrittenSeals writtenSeals() {
    return writtenSeals;
  }

  /**
   * What this log's file sink wrote into each file, for the gateway's own verification of its
   * files ({@code LogMonitor}): bytes read back exactly as written need not be verified record by
   * record again. Null for a sink that is not a {@link FileAuditSink}.
   */
  public WrittenBytes writtenBytes() {
    return sink instanceof FileAuditSink files ? files.writtenBytes() : null;
  }

  private static String witnessRefusal(String refusal) {
    return "the audit witness " + refusal + "; statements are refused until it holds every seal again"
        + " (audit.witness.on_failure: refuse). Fix the witness, or set on_failure: alert to serve meanwhile.";
  }

  /** Queues an entry for the writer; false when the log is closed (the entry is not queued). */
  private boolean enqueue(Pending pending) {
    if (closed) {
      return false;
    }
    queue.add(pending);
    return !(writerDone && queue.remove(pending));
  }

  /** What an append that failed with {@code cause} throws. */
  private AuditUnavailableException unavailable(Throwable cause) {
    if (cause instanceof AuditUnavailableException unavailable) {
      return new AuditUnavailableException(unavailable.getMessage(), unavailable);
    }
    if (cause instanceof TimeoutException) {
      return new AuditUnavailableException("the audit entry was not durable within " + appendTimeout
          + " (sink " + sink.describe() + " is too slow or stuck): the statement is refused");
    }
    return new AuditUnavailableException("the audit writer failed: " + scrub(cause), cause);
  }

  private AuditReceipt submit(Pending pending) {
    if (!enqueue(pending)) {
      throw closedException();
    }
    try {
      return pending.result.get(appendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unavailable(e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditUnavailableException(
          "interrupted while waiting for the audit entry to become durable: the statement is refused");
    }
  }

  // ---------------------------------------------------------------- opening

  private void start() {
    SinkTail tail;
    try {
      tail = sink.open();
    } catch (IOException | RuntimeException e) {
      throw new AuditUnavailableException("cannot open the audit sink " + sink.describe() + ": "
          + scrub(e) + ". Fix the sink (path, permissions, disk space, database) and start again.", e);
    }
    Map<String, String> details = resume(tail);
    pendingSegment = tail.newSegment();
    AuditEvent opening = AuditEvent.builder(AuditEventType.LOG_OPEN).details(details)
        .outcome(Outcome.success()).build();
    Pending first = new Pending(EventEncoder.encode(opening), null, false);
    writeBatch(List.of(first));
    if (first.result.isCompletedExceptionally()) {
      try {
        sink.close();
      } catch (IOException ignored) {
        // the write failure below is what the caller needs to see
      }
      throw lastFailure;
    }
    writer.start();
    deadlines.start();
  }

  /**
   * Fails the appends that are not durable within the append timeout (the sink may be stuck in a
   * write or an fsync), checked every tenth of it (at most every 250 ms): one thread for the log
   * instead of a timer per entry, which every statement would add to and remove from one shared
   * queue under its lock. A failed entry is still written if the writer gets to it, as before.
   */
  private void runDeadlines() {
    long timeout = appendTimeout.toNanos();
    long period = Math.max(1, Math.min(250, appendTimeout.toMillis() / 10));
    while (!writerDone) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Pending pending : writing) {
        overdue(pending, now, timeout);
      }
      Pending oldest = queue.peek();
      if (oldest != null && now - oldest.queuedNanos > timeout) {
        for (Pending pending : queue) {
          if (!overdue(pending, now, timeout)) {
            break; // queued in order: the rest are younger
          }
        }
      }
    }
  }

  /** Fails an append waiting longer than {@code timeout}; false when it has not waited that long. */
  private boolean overdue(Pending pending, long now, long timeout) {
    if (now - pending.queuedNanos <= timeout) {
      return false;
    }
    if (pending != closeMarker) {
      pending.result.completeExceptionally(new TimeoutException());
    }
    return true;
  }

  /** Reads the tail the sink found, checks it, and positions the chain after it. */
  private Map<String, String> resume(SinkTail tail) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("node", node);
    details.put("timeSource", timeSource);
    details.put("signingKeyId", Long.toString(signer.keyId()));
    details.put("checkpointMillis", Long.toString(checkpointMillis));
    details.put("sink", sink.describe());
    ParsedRecord last = null;
    int afterSeal = 0;
    TreeHasher hasher = new TreeHasher();
    CompactRange resumed = null;
    for (int i = 0; i < tail.lines().size(); i++) {
      ParsedRecord record;
      try {
        record = ParsedRecord.parse(tail.lines().get(i));
      } catch (MalformedRecordException e) {
        throw damaged("record " + (i + 1) + " of the tail is not valid: " + e.getMessage());
      }
      if (!record.hashMatches()) {
        throw damaged("the record with seq " + record.sequence() + " does not match its hash");
      }
      if (!node.equals(record.string(RecordFormat.NODE))) {
        throw new AuditUnavailableException("the audit store " + sink.describe() + " holds the chain of node "
            + record.string(RecordFormat.NODE) + ", not " + node
            + ": configure that node id, or give this node its own directory or node id");
      }
      if (last != null && (record.sequence() != last.sequence() + 1
          || !record.previousHash().equals(last.storedHash()))) {
        throw damaged("the record with seq " + record.sequence() + " does not link to the one before it");
      }
      if (resumed == null) {
        resumed = treeAt(record);
      }
      resumed.append(record.leafHash(hasher), hasher);
      afterSeal = record.isSeal() ? 0 : afterSeal + 1;
      last = record;
    }
    if (last == null) {
      details.put("previousRun", "none: a new chain starts");
    } else {
      nextSequence = last.sequence() + 1;
      head = last.storedHash();
      tree = resumed;
      headSequence = last.sequence();
      boolean closedCleanly = last.isSeal() && RecordFormat.STATE_CLOSE.equals(last.string(RecordFormat.STATE));
      details.put("previousRun", closedCleanly ? "closed cleanly" : "ended without a closing seal");
      details.put("resumedAfterSeq", Long.toString(last.sequence()));
      if (afterSeal > 0) {
        // Records written but never sealed were never acknowledged; the next seal covers them.
        details.put("unsealedRecordsFound", Integer.toString(afterSeal));
      }
    }
    if (tail.tornBytesRemoved() > 0) {
      details.put("tornBytesRemoved", Long.toString(tail.tornBytesRemoved()));
    }
    return details;
  }

  /** The Merkle tree before the first record of the tail: from its own subtree roots, or empty at seq 0. */
  private CompactRange treeAt(ParsedRecord first) {
    if (first.sequence() == 0) {
      return CompactRange.empty();
    }
    if (first.treeFrontier() == null) {
      throw new AuditUnavailableException("the audit store " + sink.describe() + " was written by a"
          + " pangate whose seals carry no Merkle tree head (seq " + first.sequence() + " has no "
          + RecordFormat.TREE_FRONTIER + "). Verify it with 'pangate audit verify', keep it as"
          + " evidence, and start this node on a new store.");
    }
    return CompactRange.of(first.sequence(), first.treeFrontier());
  }

  private AuditUnavailableException damaged(String what) {
    return new AuditUnavailableException("the end of the audit store " + sink.describe()
        + " is damaged or was changed (" + what + "). Run 'pangate audit verify' on it, keep it as"
        + " evidence, and start this node on a new store.");
  }

  // ---------------------------------------------------------------- the writer thread

  private void runWriter() {
    List<Pending> batch = new ArrayList<>();
    try {
      while (true) {
        Pending first = queue.poll(idleWaitMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          idle();
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        awaitCompany(batch);
        int close = batch.indexOf(closeMarker);
        if (close >= 0) {
          if (close > 0) {
            writeBatch(batch.subList(0, close));
          }
          failAll(batch.subList(close + 1, batch.size()), closedException());
          break;
        }
        writeBatch(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finish();
    }
  }

  /**
   * A batch of lazy entries only waits up to {@link Builder#lazyDelay} for an entry someone waits
   * for, so that both share one seal and one fsync; any other entry (or the close) ends the wait.
   */
  private void awaitCompany(List<Pending> batch) throws InterruptedException {
    long deadline = System.nanoTime() + lazyDelayNanos;
    while (lazyDelayNanos > 0 && batch.size() < maxBatch && batch.stream().allMatch(p -> p.lazy)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch, maxBatch - batch.size());
    }
  }

  private long idleWaitMillis() {
    long untilCheckpoint = lastSeal == null ? checkpointMillis
        : checkpointMillis - Duration.between(lastSeal, clock.instant()).toMillis();
    Duration sync = sink.syncInterval();
    long wait = sync == null ? untilCheckpoint : Math.min(untilCheckpoint, sync.toMillis());
    return Math.max(1, wait);
  }

  private void idle() {
    Instant now = clock.instant();
    if (problem != null && now.isBefore(nextRetry)) {
      return;
    }
    if (lastSeal == null || !now.isBefore(lastSeal.plusMillis(checkpointMillis))) {
      writeBatch(List.of()); // a heartbeat seal
      return;
    }
    try {
      sink.sync();
    } catch (IOException | RuntimeException | Error e) {
      fail(now, e);
    }
  }

  private void finish() {
    try {
      if (problem == null) {
        Instant now = clock.instant();
        List<ChainRecord> out = new ArrayList<>(1);
        CompactRange working = tree.copy();
        out.add(records.seal(nextSequence, head, now, RecordFormat.STATE_CLOSE, checkpointMillis, signer,
            working));
        sink.write(out);
        advance(out, now, working);
        sealed(out.get(0));
      }
    } catch (IOException | RuntimeException e) {
      // Closing: nothing waits for this seal; the next open reports the unclean end.
      problem = "closing seal not written: " + scrub(e);
    } finally {
      try {
        sink.close();
      } catch (IOException e) {
        problem = "closing the sink failed: " + scrub(e);
      }
      if (witnesses != null) {
        witnesses.close();
      }
      writerDone = true;
      List<Pending> rest = new ArrayList<>();
      queue.drainTo(rest);
      rest.remove(closeMarker);
      failAll(rest, closedException());
    }
  }

  /** Chains, seals and writes one batch (an empty batch writes a heartbeat seal). */
  private void writeBatch(List<Pending> batch) {
    writing = batch.isEmpty() ? NOTHING : batch.toArray(NOTHING);
    try {
      writeBatchNow(batch);
    } finally {
      writing = NOTHING;
    }
  }

  private void writeBatchNow(List<Pending> batch) {
    Instant now = clock.instant();
    if (problem != null && now.isBefore(nextRetry)) {
      refusedInOutage += batch.size();
      failAll(batch, lastFailure);
      return;
    }
    if (!batch.isEmpty() && witnesses != null) {
      String refusal = witnesses.refusal();
      if (refusal != null) {
        failAll(batch, new AuditUnavailableException("audit entry not written, statement refused: "
            + witnessRefusal(refusal)));
        return;
      }
    }
    try {
      boolean newSegmentWanted = sink.wantsNewSegment(now);
      if (pendingSegment == null && (rotationSealed || newSegmentWanted)) {
        if (!rotationSealed) {
          CompactRange rotated = tree.copy();
          List<ChainRecord> rotate = List.of(records.seal(nextSequence, head, now,
              RecordFormat.STATE_ROTATE, checkpointMillis, signer, rotated));
          sink.write(rotate);
          advance(rotate, now, rotated);
          sealed(rotate.get(0));
          rotationSealed = true;
        }
        pendingSegment = sink.startSegment(now);
        rotationSealed = false;
      }
      List<ChainRecord> out = new ArrayList<>(batch.size() + 2);
      long seq = nextSequence;
      String prev = head;
      // Kept only once the batch is durable; a failed write leaves the tree as it was.
      CompactRange working = tree.copy();
      if (pendingSegment != null) {
        ChainRecord segment = records.segment(seq++, prev, now, pendingSegment.name(),
            pendingSegment.previous(), working);
        out.add(segment);
        prev = segment.hash();
      }
      if (outageSince != null) {
        // The first batch the sink takes after failing starts with the record of the failure.
        ChainRecord recovered = records.entry(seq++, prev, now, recoveredEvent(now), working);
        out.add(recovered);
        prev = recovered.hash();
      }
      for (Pending pending : batch) {
        ChainRecord entry = records.entry(seq++, prev, now, pending.event, working);
        out.add(entry);
        pending.entry = entry;
        prev = entry.hash();
      }
      ChainRecord seal = records.seal(seq, prev, now, RecordFormat.STATE_OPEN, checkpointMillis, signer,
          working);
      out.add(seal);
      sink.write(out);
      advance(out, now, working);
      sealed(seal);
      pendingSegment = null;
      outageSince = null;
      outageProblem = null;
      refusedInOutage = 0;
      for (Pending pending : batch) {
        pending.result.complete(
            new AuditReceipt(pending.entry.sequence(), pending.entry.hash(), seal.sequence(), now));
        if (pending.nextSigner != null) {
          signer = pending.nextSigner;
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      // Errors too: a driver may throw one (PgJDBC asserts on a killed connection), and a writer
      // thread that died would leave every appender waiting instead of refusing.
      try {
        sink.discardFailedWrite();
      } catch (IOException | RuntimeException | Error discard) {
        e.addSuppressed(discard);
      }
      fail(now, e);
      refusedInOutage += batch.size();
      failAll(batch, lastFailure);
    }
  }

  /** The AUDIT_RECOVERED entry for the failure that just ended (already scrubbed of PANs). */
  private CanonicalJson.Raw recoveredEvent(Instant now) {
    return EventEncoder.encode(AuditEvent.builder(AuditEventType.AUDIT_RECOVERED)
        .outcome(Outcome.failure("AUDIT_UNAVAILABLE", outageProblem))
        .details(Map.of("failed_since", outageSince.toString(), "recovered_at", now.toString(),
            "refused_entries", Long.toString(refusedInOutage)))
        .build());
  }

  /** A seal the sink took: remembered for the gateway's own verification, offered to the witnesses. */
  private void sealed(ChainRecord seal) {
    writtenSeals.wrote(seal.sequence(), seal.line());
    if (witnesses != null) {
      witnesses.offer(seal);
    }
  }

  private void advance(List<ChainRecord> written, Instant now, CompactRange grown) {
    ChainRecord last = written.get(written.size() - 1);
    tree = grown;
    nextSequence = last.sequence() + 1;
    head = last.hash();
    lastSeal = now;
    headSequence = last.sequence();
    lastDurableWrite = now;
    if (problem != null) {
      problem = null;
      problemSince = null;
      lastFailure = null;
    }
  }

  private void fail(Instant now, Throwable e) {
    String what = "the audit sink " + sink.describe() + " failed: " + scrub(e)
        + ". Statements are refused until it takes writes again (retried every "
        + retryInterval.toMillis() + " ms); fix the disk space, permissions or database.";
    if (problem == null) {
      problemSince = now;
    }
    if (outageSince == null) {
      outageSince = now;
      outageProblem = what;
    }
    problem = what;
    nextRetry = now.plus(retryInterval);
    lastFailure = new AuditUnavailableException("audit entry not written, statement refused: " + what, e);
  }

  private AuditUnavailableException closedException() {
    return new AuditUnavailableException(
        "the audit log for node " + node + " is closed: the statement is refused");
  }

  private static void failAll(List<Pending> batch, AuditUnavailableException failure) {
    for (Pending pending : batch) {
      pending.result.completeExceptionally(failure);
    }
  }

  private static String scrub(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return PanScrubber.scrub(message);
  }

  /** An event waiting for the writer. */
  private static final class Pending {
    final CanonicalJson.Raw event;
    final AuditSigner nextSigner;
    /** Nothing waits for it: it may wait for the next entry's batch. */
    final boolean lazy;
    final CompletableFuture<AuditReceipt> result = new CompletableFuture<>();
    final long queuedNanos = System.nanoTime();
    ChainRecord entry;

    Pending(CanonicalJson.Raw event, AuditSigner nextSigner, boolean lazy) {
      this.event = event;
      this.nextSigner = nextSigner;
      this.lazy = lazy;
    }
  }

  /** Configures and opens a {@link HashChainedAuditLog}. */
  public static final class Builder {
    private String node;
    private AuditSink sink;
    private KeysetHandle signingKeyset;
    private Duration checkpointInterval = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private String timeSource = "system clock (UTC)";
    private Duration retryInterval = Duration.ofSeconds(1);
    private Duration appendTimeout = Duration.ofSeconds(10);
    private int maxBatch = 4096;
    private Duration lazyDelay = Duration.ofMillis(5);
    private WitnessSet witnesses;

    private Builder() {}

    /**
     * Witnesses that get a copy of every seal (started by the log, closed with it); their rule
     * decides whether entries are refused while one cannot be written.
     */
    public Builder witnesses(WitnessSet witnesses) {
      this.witnesses = witnesses;
      return this;
    }

    /** This gateway's node id: one chain per node. Letters, digits, {@code . _ -}; at most 64. */
    public Builder node(String node) {
      this.node = node;
      return this;
    }

    /** Where records go: a {@code FileAuditSink} or a {@code PostgresAuditSink}. */
    public Builder sink(AuditSink sink) {
      this.sink = sink;
      return this;
    }

    /** The private Tink signature keyset (Ed25519) whose primary key signs the seals. */
    public Builder signingKeyset(KeysetHandle signingKeyset) {
      this.signingKeyset = signingKeyset;
      return this;
    }

    /** The longest time between seals while idle (default 60 s); recorded in every seal. */
    public Builder checkpointInterval(Duration checkpointInterval) {
      this.checkpointInterval = checkpointInterval;
      return this;
    }

    /** The clock entries are stamped with (default the system clock in UTC). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** How the clock is kept, recorded in every entry (e.g. "system clock (UTC), chrony NTP"). */
    public Builder timeSource(String timeSource) {
      this.timeSource = timeSource;
      return this;
    }

    /** How often a failed sink is tried again while appends are refused (default 1 s). */
    public Builder retryInterval(Duration retryInterval) {
      this.retryInterval = retryInterval;
      return this;
    }

    /** How long an append waits for durability before it is refused (default 10 s). */
    public Builder appendTimeout(Duration appendTimeout) {
      this.appendTimeout = appendTimeout;
      return this;
    }

    /**
     * How long a lazy entry ({@link AuditLog#appendAsync} with {@code lazy}) may wait for another
     * entry to share its seal and fsync (default 5 ms; zero: never).
     */
    public Builder lazyDelay(Duration lazyDelay) {
      this.lazyDelay = requireNonNull(lazyDelay, "lazyDelay is null");
      return this;
    }

    /** The most entries under one seal (default 4096). */
    public Builder maxBatch(int maxBatch) {
      this.maxBatch = maxBatch;
      return this;
    }

    /**
     * Opens the sink, checks and resumes its chain, writes a durable LOG_OPEN entry and starts the
     * writer.
     *
     * @throws AuditUnavailableException when the sink cannot be opened or written, or its tail is
     *     damaged
     */
    public HashChainedAuditLog open() {
      requireNonNull(node, "node is null");
      if (!NODE.matcher(node).matches()) {
        throw new IllegalArgumentException("node id '" + node
            + "' is not valid: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
      }
      requireNonNull(sink, "sink is null");
      requireNonNull(signingKeyset, "signingKeyset is null");
      requireNonNull(clock, "clock is null");
      requireNonNull(timeSource, "timeSource is null");
      positive(checkpointInterval, "checkpointInterval");
      positive(retryInterval, "retryInterval");
      positive(appendTimeout, "appendTimeout");
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
      }
      HashChainedAuditLog log = new HashChainedAuditLog(this);
      if (witnesses != null) {
        witnesses.start(node);
      }
      try {
        log.start();
      } catch (RuntimeException e) {
        if (witnesses != null) {
          witnesses.close();
        }
        throw e;
      }
      return log;
    }

    private static void positive(Duration d, String name) {
      requireNonNull(d, name + " is null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }
}
