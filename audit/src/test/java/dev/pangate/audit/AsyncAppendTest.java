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
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
