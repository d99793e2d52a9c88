package dev.pangate.audit;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.record.ChainRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends that do not wait: an entry started with {@code appendAsync} is durable and sealed when its
 * future completes; a lazy entry (a statement's completion) shares the seal and fsync of the next
 * entry someone waits for, or is sealed alone after the lazy delay; a closed log refuses both.
 */
class AsyncAppendTest {

  @TempDir Path dir;

  @Test
  void aLazyEntrySharesTheSealOfTheNextEntryAndTheChainVerifies() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    try (HashChainedAuditLog log = AuditFixtures.fileLog(dir, keys, FileAuditSink.Options.defaults())
        .lazyDelay(Duration.ofSeconds(5)).open()) {
      CompletableFuture<AuditReceipt> lazy = log.appendAsync(statementStart("1", "a", "select 1"), true);
      Thread.sleep(100); // the writer holds the lazy entry, waiting for company
      assertTrue(!lazy.isDone(), "a lazy entry alone waits for the next one within the delay");
      AuditReceipt urgent = log.appendAsync(statementStart("2", "a", "select 2"), false)
          .get(10, TimeUnit.SECONDS);
      AuditReceipt shared = lazy.get(10, TimeUnit.SECONDS);
      assertEquals(urgent.sealSequence(), shared.sealSequence(), "one seal covers both");
      assertEquals(shared.sequence() + 1, urgent.sequence(), "in the order they came");
    }
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertEquals(3, report.entriesVerified()); // LOG_OPEN and the two
  }

  @Test
  void aLazyEntryAloneIsSealedAfterTheDelay() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    try (HashChainedAuditLog log = AuditFixtures.fileLog(dir, keys, FileAuditSink.Options.defaults())
        .lazyDelay(Duration.ofMillis(20)).open()) {
      AuditReceipt receipt = log.appendAsync(statementStart("1", "a", "select 1"), true)
          .get(10, TimeUnit.SECONDS);
      assertTrue(receipt.sealSequence() > receipt.sequence());
    }
    assertTrue(AuditFixtures.verify(keys, dir).ok());
  }

  @Test
  void anEntryNotDurableWithinTheAppendTimeoutIsRefused() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    CountDownLatch release = new CountDownLatch(1);
    Stuck sink = new Stuck(FileAuditSink.create(dir, FileAuditSink.Options.defaults()), release);
    try (HashChainedAuditLog log = HashChainedAuditLog.builder().node("gw-test").signingKeyset(keys)
        .sink(sink).appendTimeout(Duration.ofMillis(300)).open()) {
      sink.stuck = true;
      long started = System.nanoTime();
      CompletableFuture<AuditReceipt> first = log.appendAsync(statementStart("1", "a", "select 1"), false);
      CompletableFuture<AuditReceipt> queued = log.appendAsync(statementStart("2", "a", "select 2"), false);
      for (CompletableFuture<AuditReceipt> entry : List.of(first, queued)) {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> entry.get(10, TimeUnit.SECONDS));
        assertInstanceOf(AuditUnavailableException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("was not durable within"),
            refused.getCause().getMessage());
      }
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(waited >= 300 && waited < 5_000, "refused after the append timeout, not before: " + waited + " ms");
      AuditUnavailableException sync = assertThrows(AuditUnavailableException.class,
          () -> log.append(statementStart("3", "a", "select 3")));
      assertTrue(sync.getMessage().contains("was not durable within"), sync.getMessage());
      release.countDown();
    }
  }

  /** A sink whose writes hang, while {@code stuck}, until released. */
  private static final class Stuck implements AuditSink {
    private final AuditSink sink;
    private final CountDownLatch release;
    volatile boolean stuck;

    Stuck(AuditSink sink, CountDownLatch release) {
      this.sink = sink;
      this.release = release;
    }

    @Override
    public SinkTail open() throws IOException {
      return sink.open();
    }

    @Override
    public void write(List<ChainRecord> records) throws IOException {
      if (stuck) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sink.write(records);
    }

    @Override
    public void discardFailedWrite() throws IOException {
      sink.discardFailedWrite();
    }

    @Override
    public void close() throws IOException {
      sink.close();
    }

    @Override
    public String describe() {
      return "stuck " + sink.describe();
    }
  }

  @Test
  void aClosedLogRefusesAsynchronousAppends() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    HashChainedAuditLog log = AuditFixtures.openFileLog(dir, keys);
    log.close();
    for (boolean lazy : new boolean[] {false, true}) {
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> log.appendAsync(statementStart("1", "a", "select 1"), lazy).get(10, TimeUnit.SECONDS));
      assertInstanceOf(AuditUnavailableException.class, refused.getCause());
    }
  }
}
