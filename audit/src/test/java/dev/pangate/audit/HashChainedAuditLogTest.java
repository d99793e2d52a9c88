package dev.pangate.audit;

import static dev.pangate.audit.AuditFixtures.allLines;
import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.openFileLog;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static dev.pangate.audit.AuditFixtures.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.verify.ViolationKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashChainedAuditLogTest {

  @TempDir Path dir;

  @Test
  void appendsChainedEntriesWithEveryFieldAndVerifies() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    AuditReceipt start;
    AuditReceipt end;
    try (HashChainedAuditLog log = openFileLog(dir, keys)) {
      start = log.append(statementStart("st-1", "agent-7", "select pan from payments.cards where id = ?"));
      end = log.append(statementEnd("st-1", "agent-7", 12));
      assertTrue(log.health().available());
      assertEquals(end.sealSequence(), log.health().headSequence());
    }
    assertTrue(end.sequence() > start.sequence());
    List<ParsedRecord> records = new ArrayList<>();
    for (String line : allLines(dir)) {
      records.add(ParsedRecord.parse(line));
    }
    // segment, LOG_OPEN, seal, START, seal, END, seal, closing seal
    assertEquals(List.of("segment", "entry", "seal", "entry", "seal", "entry", "seal", "seal"),
        records.stream().map(ParsedRecord::kind).toList());
    for (int i = 0; i < records.size(); i++) {
      ParsedRecord r = records.get(i);
      assertEquals(i, r.sequence());
      assertTrue(r.hashMatches());
      assertEquals(i == 0 ? RecordFormat.GENESIS_HASH : records.get(i - 1).storedHash(), r.previousHash());
    }
    assertEquals("LOG_OPEN", records.get(1).event().get("type"));
    ParsedRecord startEntry = records.get((int) start.sequence());
    assertEquals(start.entryHash(), startEntry.storedHash());
    Map<String, Object> event = startEntry.event();
    assertEquals("STATEMENT_START", event.get("type"));
    assertEquals("agent-7", event.get("agent"));
    assertEquals("analyst", event.get("role"));
    assertEquals("127.0.0.1:50123", event.get("clientAddress"));
    assertEquals("st-1", event.get("statementId"));
    assertEquals(Map.of("payments.cards.pan", "tokenize"), event.get("masks"));
    assertEquals(Map.of("payments.cards", "merchant_id IN (?)"), event.get("rowFilters"));
    assertTrue(((String) event.get("logicalPlan")).contains("JdbcTableScan"));
    assertEquals(List.of("42"), event.get("parameters"));
    assertEquals("system clock (UTC)", startEntry.string(RecordFormat.TIME_SOURCE));
    Map<String, Object> endEvent = records.get((int) end.sequence()).event();
    assertEquals(12L, endEvent.get("rows"));
    assertEquals(3000L, endEvent.get("durationMicros"));
    assertEquals(Map.of("status", "success"), endEvent.get("outcome"));
    assertEquals("close", records.get(records.size() - 1).string(RecordFormat.STATE));

    VerificationReport report = verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertTrue(report.closed());
    assertEquals(3, report.entriesVerified());
    assertEquals(4, report.checkpoints());
  }

  @Test
  void resumesTheChainAfterARestartAndSaysHowThePreviousRunEnded() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    try (HashChainedAuditLog log = openFileLog(dir, keys)) {
      log.append(statementStart("st-1", "a", "select 1"));
    }
    AuditReceipt second;
    try (HashChainedAuditLog log = openFileLog(dir, keys)) {
      second = log.append(statementStart("st-2", "a", "select 2"));
    }
    List<String> lines = allLines(dir);
    ParsedRecord reopened = lines.stream().map(AuditFixturesParse::parse)
        .filter(r -> r.isEntry() && "LOG_OPEN".equals(r.event().get("type"))).skip(1).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> details = (Map<String, Object>) reopened.event().get("details");
    assertEquals("closed cleanly", details.get("previousRun"));
    assertEquals(second.sequence(), AuditFixturesParse.parse(lines.get((int) second.sequence())).sequence());
    VerificationReport report = verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertEquals(4, report.entriesVerified());
  }

  @Test
  void aRotatedSigningKeyNeedsBothPublicKeysToVerify() throws Exception {
    KeysetHandle oldKeys = newSigningKeyset();
    KeysetHandle both = AuditFixtures.withNewPrimary(oldKeys);
    try (HashChainedAuditLog log = openFileLog(dir, oldKeys)) {
      log.append(statementStart("st-1", "a", "select 1"));
      AuditReceipt change = log.changeSigningKey(both, "scheduled yearly rotation");
      log.append(statementStart("st-2", "a", "select 2"));
      assertTrue(change.sequence() > 0);
    }
    VerificationReport report = verify(both, dir);
    assertTrue(report.ok(), report::toText);
    assertEquals(2, report.checkpointsByKey().size(), "seals by the old key and by the new key");

    VerificationReport oldOnly = verify(oldKeys, dir);
    assertFalse(oldOnly.ok());
    assertEquals(ViolationKind.UNKNOWN_KEY, oldOnly.violation().kind());
  }

  @Test
  void writesHeartbeatSealsWhileIdle() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    try (HashChainedAuditLog log = AuditFixtures.fileLog(dir, keys, FileAuditSink.Options.defaults())
        .checkpointInterval(Duration.ofMillis(50)).open()) {
      long head = log.health().headSequence();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (log.health().headSequence() < head + 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(log.health().headSequence() >= head + 2, "two heartbeat seals were written");
    }
    VerificationReport report = verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertTrue(report.checkpoints() >= 4);
  }

  @Test
  void refusesAppendsAfterCloseAndRejectsInvalidEvents() {
    KeysetHandle keys = newSigningKeyset();
    HashChainedAuditLog log = openFileLog(dir, keys);
    assertThrows(IllegalArgumentException.class,
        () -> AuditEvent.builder(AuditEventType.STATEMENT_END).statementId("x").build(), "END needs an outcome");
    assertThrows(IllegalArgumentException.class,
        () -> AuditEvent.builder(AuditEventType.STATEMENT_START).sql("select 1").build(), "needs a statement id");
    assertThrows(IllegalArgumentException.class,
        () -> log.append(AuditEvent.builder(AuditEventType.LOG_OPEN).build()));
    log.close();
    AuditUnavailableException closed =
        assertThrows(AuditUnavailableException.class, () -> log.append(statementStart("s", "a", "select 1")));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    assertFalse(log.health().available());
    assertTrue(log.health().problem().contains("closed"));
  }

  @Test
  void nodeIdsAreChecked() {
    KeysetHandle keys = newSigningKeyset();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashChainedAuditLog.builder()
        .node("gw 1/..").signingKeyset(keys).sink(FileAuditSink.create(dir, FileAuditSink.Options.defaults())).open());
    assertTrue(e.getMessage().contains("node id"), e.getMessage());
  }

  @Test
  void anotherNodesStoreIsRefused() {
    KeysetHandle keys = newSigningKeyset();
    openFileLog(dir, keys).close();
    AuditUnavailableException e = assertThrows(AuditUnavailableException.class, () -> HashChainedAuditLog.builder()
        .node("gw-other").signingKeyset(keys).sink(FileAuditSink.create(dir, FileAuditSink.Options.defaults())).open());
    assertTrue(e.getMessage().contains("gw-test"), e.getMessage());
  }

  @Test
  void receiptsCarryTheEntryTime() {
    KeysetHandle keys = newSigningKeyset();
    Instant before = Instant.now();
    try (HashChainedAuditLog log = openFileLog(dir, keys)) {
      AuditReceipt r = log.append(statementStart("s", "a", "select 1"));
      assertFalse(r.time().isBefore(before.minusSeconds(1)));
      assertNull(log.health().problem());
    }
  }
}
