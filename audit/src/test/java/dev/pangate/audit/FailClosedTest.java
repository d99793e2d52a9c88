package dev.pangate.audit;

import static dev.pangate.audit.AuditFixtures.allText;
import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the sink cannot write, statements are refused, health says why, and nothing acknowledged is lost. */
class FailClosedTest {

  @TempDir Path dir;

  @Test
  void anUnwritableDirectoryRefusesToOpen() throws Exception {
    Path logs = Files.createDirectory(dir.resolve("logs"));
    Unwritable.make(logs);
    try {
      AuditUnavailableException e = assertThrows(AuditUnavailableException.class,
          () -> AuditFixtures.openFileLog(logs, newSigningKeyset()));
      assertTrue(e.getMessage().contains(logs.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("Fix the sink"), e.getMessage());
    } finally {
      Unwritable.undo(logs);
    }
  }

  @Test
  void aFileThatBecomesReadOnlyRefusesStatementsUntilItIsWritableAgain() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    List<AuditReceipt> acknowledged = new ArrayList<>();
    FileAuditSink sink = FileAuditSink.create(dir, FileAuditSink.Options.defaults());
    try (HashChainedAuditLog log = HashChainedAuditLog.builder().node("gw-test").signingKeyset(keys)
        .sink(sink).retryInterval(Duration.ofMillis(1)).open()) {
      acknowledged.add(log.append(statementStart("ok-1", "a", "select 'before'")));
      Path file = sink.currentFile();
      Unwritable.make(file);
      try {
        AuditUnavailableException refused = assertThrows(AuditUnavailableException.class,
            () -> log.append(statementStart("refused-1", "a", "select 'refused'")));
        assertTrue(refused.getMessage().contains("statement refused"), refused.getMessage());
        assertTrue(refused.getMessage().contains(dir.toString()), refused.getMessage());
        AuditHealth health = log.health();
        assertFalse(health.available());
        assertNotNull(health.problemSince());
        assertTrue(health.problem().contains("failed"), health.problem());
        Thread.sleep(5); // past the retry interval: the sink is tried again, and fails again
        assertThrows(AuditUnavailableException.class,
            () -> log.append(statementStart("refused-2", "a", "select 'refused'")));
      } finally {
        Unwritable.undo(file);
      }
      Thread.sleep(5);
      acknowledged.add(log.append(statementStart("ok-2", "a", "select 'after'")));
      assertTrue(log.health().available());
    }
    String text = allText(dir);
    assertFalse(text.contains("refused-"), "a refused statement's entry was never acknowledged nor kept");
    for (AuditReceipt receipt : acknowledged) {
      assertTrue(text.contains("\"hash\":\"" + receipt.entryHash() + "\""));
    }
    // The outage is on the record, before the first entry written after it (PCI DSS 10.7).
    int recovered = text.indexOf("\"type\":\"AUDIT_RECOVERED\"");
    assertTrue(recovered > 0 && recovered < text.indexOf("select 'after'"), text);
    String line = text.substring(text.lastIndexOf('\n', recovered) + 1, text.indexOf('\n', recovered));
    assertTrue(line.contains("\"refused_entries\":\"2\"") && line.contains("\"failed_since\":")
        && line.contains("\"code\":\"AUDIT_UNAVAILABLE\""), line);
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertTrue(report.closed());
  }

  @Test
  void aDirectoryThatBecomesReadOnlyRefusesStatementsWhenTheFileMustRotate() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    Path logs = Files.createDirectory(dir.resolve("logs"));
    FileAuditSink.Options small = FileAuditSink.Options.defaults().withMaxFileBytes(4096);
    HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys, small).open();
    Unwritable.make(logs);
    int acknowledged = 0;
    AuditUnavailableException refused = null;
    try {
      for (int i = 0; i < 100 && refused == null; i++) {
        try {
          log.append(statementStart("st-" + i, "a", "select * from payments.cards where id = " + i));
          acknowledged++;
        } catch (AuditUnavailableException e) {
          refused = e;
        }
      }
      assertNotNull(refused, "rotation into a read-only directory must fail");
      assertTrue(acknowledged > 0);
      assertFalse(log.health().available());
    } finally {
      Unwritable.undo(logs);
      log.close();
    }
    VerificationReport report = AuditFixtures.verify(keys, logs);
    assertTrue(report.ok(), report::toText);
    assertEquals(acknowledged + 1, report.entriesVerified(), "every acknowledged entry (and LOG_OPEN) is there");
  }
}
