package dev.pangate.audit.verify;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.AuditFixtures.ManualClock;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by size and by day, the links between files, and tampering across files. */
class RotatedTamperTest {

  @TempDir Path dir;
  private KeysetHandle keys;
  private List<Path> files;

  @BeforeEach
  void writeRotatedLog() throws Exception {
    keys = newSigningKeyset();
    FileAuditSink.Options small = FileAuditSink.Options.defaults().withMaxFileBytes(4096);
    try (HashChainedAuditLog log = AuditFixtures.fileLog(dir, keys, small).open()) {
      for (int i = 0; i < 30; i++) {
        log.append(statementStart("st-" + i, "agent-" + (i % 3), "select * from payments.cards where id = " + i));
      }
    }
    files = SegmentFiles.list(dir);
    assertTrue(files.size() >= 3, "small files rotate: " + files.size());
  }

  @Test
  void everyFileStartsWithASegmentRecordLinkedToTheLastRecordOfTheFileBefore() throws Exception {
    String previousLastHash = RecordFormat.GENESIS_HASH;
    String previousName = null;
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      ParsedRecord first = ParsedRecord.parse(lines.get(0));
      assertTrue(first.isSegment());
      assertEquals(file.getFileName().toString(), first.string(RecordFormat.SEGMENT));
      assertEquals(previousName, first.string(RecordFormat.PREVIOUS_SEGMENT));
      assertEquals(previousLastHash, first.previousHash());
      ParsedRecord last = ParsedRecord.parse(lines.get(lines.size() - 1));
      assertTrue(last.isSeal());
      previousLastHash = last.storedHash();
      previousName = file.getFileName().toString();
    }
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertEquals(files.size(), report.segments());
    assertEquals(31, report.entriesVerified());
  }

  @Test
  void aFileWhoseTailWasCutIsTruncated() throws Exception {
    Path first = files.get(0);
    List<String> lines = new ArrayList<>(Files.readAllLines(first, StandardCharsets.UTF_8));
    long lastSeq = ParsedRecord.parse(lines.get(lines.size() - 1)).sequence();
    lines.subList(lines.size() - 3, lines.size()).clear();
    Files.writeString(first, String.join("\n", lines) + "\n");
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertFalse(report.ok());
    assertEquals(ViolationKind.TRUNCATED, report.violation().kind(), report::toText);
    assertEquals(lastSeq - 2, report.violation().sequence());
  }

  @Test
  void aMissingMiddleFileIsDeleted() throws Exception {
    long firstSeqOfSecond =
        ParsedRecord.parse(Files.readAllLines(files.get(1), StandardCharsets.UTF_8).get(0)).sequence();
    Files.delete(files.get(1));
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertFalse(report.ok());
    assertEquals(ViolationKind.DELETED, report.violation().kind(), report::toText);
    assertEquals(firstSeqOfSecond, report.violation().sequence());
  }

  @Test
  void laterFilesVerifyOnTheirOwnFromTheirSegmentRecord() throws Exception {
    Files.delete(files.get(0));
    VerificationReport report = AuditFixtures.verify(keys, dir);
    assertTrue(report.ok(), report::toText);
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("were not given")), report::toText);
  }

  @Test
  void aNewFileStartsEveryUtcDay() throws Exception {
    Path daily = dir.resolve("daily");
    ManualClock clock = new ManualClock(Instant.parse("2030-01-01T23:59:00Z"));
    try (HashChainedAuditLog log = AuditFixtures.fileLog(daily, keys, FileAuditSink.Options.defaults())
        .clock(clock).open()) {
      log.append(statementStart("a", "agent", "select 1"));
      clock.advance(Duration.ofMinutes(2));
      log.append(statementStart("b", "agent", "select 2"));
      clock.advance(Duration.ofMinutes(1));
      log.append(statementStart("c", "agent", "select 3"));
    }
    List<Path> dailyFiles = SegmentFiles.list(daily);
    assertEquals(2, dailyFiles.size());
    String second = Files.readString(dailyFiles.get(1));
    assertTrue(second.contains("2030-01-02T00:01:00") && !second.contains("2030-01-01T23:59"), second);
    VerificationReport report = AuditFixtures.verify(keys, daily, Instant.parse("2030-01-02T00:03:00Z"));
    assertTrue(report.ok(), report::toText);
  }
}
