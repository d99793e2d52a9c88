package dev.pangate.audit.verify;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.record.CanonicalJson;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampers with a real log in every way an insider with file access could, and expects the verifier
 * to catch each and name it with the first bad sequence number.
 *
 * <p>The log written in {@link #writeLog()} has one record per line, line index = seq: 0 segment,
 * 1 LOG_OPEN, 2 seal, then (entry, seal) pairs: entries at odd seqs 3..23, seals at even seqs
 * 4..24, and the closing seal at 25.
 */
class TamperTest {

  @TempDir Path dir;
  private KeysetHandle keys;
  private Path file;

  @BeforeEach
  void writeLog() throws Exception {
    keys = newSigningKeyset();
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(dir, keys)) {
      for (int i = 0; i < 11; i++) {
        log.append(i % 2 == 0 ? statementStart("st-" + i, "agent-7", "select pan from payments.cards")
            : statementEnd("st-" + (i - 1), "agent-7", 12));
      }
    }
    file = dir.resolve(SegmentFiles.name(1));
    assertEquals(26, lines().size());
    VerificationReport untouched = verify(Instant.now());
    assertTrue(untouched.ok(), untouched::toText);
  }

  @Test
  void aChangedFieldIsModified() throws Exception {
    List<String> lines = lines();
    lines.set(5, lines.get(5).replace("\"agent\":\"agent-7\"", "\"agent\":\"agent-8\""));
    write(lines);
    expect(ViolationKind.MODIFIED, 5);
  }

  @Test
  void aChangedFieldWithItsHashRecomputedIsModified() throws Exception {
    List<String> lines = lines();
    lines.set(5, rehash(lines.get(5).replace("\"rows\":12", "\"rows\":0")));
    write(lines);
    expect(ViolationKind.MODIFIED, 5);
  }

  @Test
  void aRewrittenChainUpToTheSealBreaksTheSignature() throws Exception {
    List<String> lines = lines();
    String changed = rehash(lines.get(5).replace("\"rows\":12", "\"rows\":0"));
    lines.set(5, changed);
    String seal = lines.get(6).replace(field(lines.get(6), "prev"), field(changed, "hash"));
    lines.set(6, rehash(seal));
    String next = lines.get(7).replace(field(lines.get(7), "prev"), field(lines.get(6), "hash"));
    lines.set(7, rehash(next));
    write(lines);
    expect(ViolationKind.BAD_SIGNATURE, 6);
  }

  @Test
  void aReformattedLineIsModified() throws Exception {
    List<String> lines = lines();
    lines.set(9, lines.get(9).replace("\",\"", "\", \""));
    write(lines);
    expect(ViolationKind.MODIFIED, 9);
  }

  @Test
  void aRemovedEntryIsDeleted() throws Exception {
    List<String> lines = lines();
    lines.remove(7);
    write(lines);
    VerificationReport report = expect(ViolationKind.DELETED, 7);
    assertTrue(report.violation().detail().contains("seq 7 is missing"), report.violation().detail());
  }

  @Test
  void removedEntryAndSealAreDeleted() throws Exception {
    List<String> lines = lines();
    lines.subList(7, 9).clear();
    write(lines);
    VerificationReport report = expect(ViolationKind.DELETED, 7);
    assertTrue(report.violation().detail().contains("7..8"), report.violation().detail());
  }

  @Test
  void removedFirstRecordsAreDeleted() throws Exception {
    List<String> lines = lines();
    lines.subList(0, 3).clear();
    write(lines);
    expect(ViolationKind.DELETED, 2);
  }

  @Test
  void aCopiedEntryIsInserted() throws Exception {
    List<String> lines = lines();
    lines.add(7, lines.get(5));
    write(lines);
    expect(ViolationKind.INSERTED, 5);
  }

  @Test
  void aForgedEntryThatLinksCorrectlyIsInserted() throws Exception {
    List<String> lines = lines();
    // A forger who knows the format writes an entry claiming seq 6 that links to seq 5.
    String forged = lines.get(5).replace("\"seq\":5", "\"seq\":6")
        .replace(field(lines.get(5), "prev"), field(lines.get(5), "hash"))
        .replace("\"agent\":\"agent-7\"", "\"agent\":\"nobody\"");
    lines.add(6, rehash(forged));
    write(lines);
    expect(ViolationKind.INSERTED, 6);
  }

  @Test
  void aForgedEntryWithAnUnusedSeqIsInserted() throws Exception {
    List<String> lines = lines();
    String forged = lines.get(5).replace("\"seq\":5", "\"seq\":900");
    lines.add(6, rehash(forged));
    write(lines);
    expect(ViolationKind.INSERTED, 900);
  }

  @Test
  void swappedRecordsAreReordered() throws Exception {
    List<String> lines = lines();
    String a = lines.get(9);
    lines.set(9, lines.get(10));
    lines.set(10, a);
    write(lines);
    expect(ViolationKind.REORDERED, 9);
  }

  @Test
  void anEntryMovedLaterIsReordered() throws Exception {
    List<String> lines = lines();
    String moved = lines.remove(11);
    lines.add(15, moved);
    write(lines);
    expect(ViolationKind.REORDERED, 11);
  }

  @Test
  void aCutTailIsTruncatedOnceTheCheckpointIntervalHasPassed() throws Exception {
    List<String> lines = lines();
    lines.subList(19, lines.size()).clear(); // now ends with the seal at seq 18, no closing seal
    write(lines);
    VerificationReport now = verify(Instant.now());
    assertTrue(now.ok(), "within the checkpoint interval the cut log looks like a live one");
    assertFalse(now.closed());
    VerificationReport later = verify(Instant.now().plusSeconds(3600));
    assertFalse(later.ok());
    assertEquals(ViolationKind.TRUNCATED, later.violation().kind());
    assertEquals(19, later.violation().sequence());
  }

  @Test
  void recordsAfterTheLastSealAreANoteOrWithStrictAFailure() throws Exception {
    List<String> lines = lines();
    lines.subList(24, lines.size()).clear(); // ends with the entry at seq 23, its seal and the close seal gone
    write(lines);
    VerificationReport lenient = verify(Instant.now());
    assertTrue(lenient.ok(), lenient::toText);
    assertEquals(1, lenient.unsealedRecords());
    assertEquals(11, lenient.entriesVerified(), "LOG_OPEN and 10 sealed entries; the unsealed one does not count");
    try (FileRecordSource source = FileRecordSource.of(dir)) {
      VerificationReport strict = AuditFixtures.verifierFor(keys).verify(source, Instant.now(), true);
      assertEquals(ViolationKind.UNSEALED, strict.violation().kind());
      assertEquals(23, strict.violation().sequence());
    }
  }

  @Test
  void anIncompleteLastLineIsACrashNotATamper() throws Exception {
    Files.writeString(file, "{\"event\":{\"agent\":\"age", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    VerificationReport report = verify(Instant.now());
    assertTrue(report.ok(), report::toText);
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("incomplete")), report::toText);
    // The same garbage anywhere but at the very end is a modification.
    List<String> lines = lines();
    String torn = lines.remove(lines.size() - 1);
    lines.add(10, torn);
    write(lines);
    expect(ViolationKind.MODIFIED, 10);
  }

  @Test
  void aChangedSignatureIsABadSignature() throws Exception {
    List<String> lines = lines();
    String seal = lines.get(12);
    String sig = field(seal, "sig");
    char[] chars = sig.toCharArray();
    chars[20] = chars[20] == 'A' ? 'B' : 'A';
    lines.set(12, seal.replace(sig, new String(chars)));
    write(lines);
    expect(ViolationKind.BAD_SIGNATURE, 12);
  }

  @Test
  void aSealByAnotherKeyIsAnUnknownKey() throws Exception {
    try (FileRecordSource source = FileRecordSource.of(dir)) {
      VerificationReport report =
          AuditFixtures.verifierFor(newSigningKeyset()).verify(source, Instant.now(), false);
      assertFalse(report.ok());
      assertEquals(ViolationKind.UNKNOWN_KEY, report.violation().kind());
      assertEquals(2, report.violation().sequence());
    }
  }

  @Test
  void theCommandLineNamesTheBreakAndExitsNonZero() throws Exception {
    List<String> lines = lines();
    lines.remove(7);
    write(lines);
    Path publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("public.json"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = AuditCli.run(new String[] {"verify", dir.toString(), "--public-keyset", publicKeyset.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(AuditCli.VERIFICATION_FAILED, code, text);
    assertTrue(text.startsWith("FAILED"), text);
    assertTrue(text.contains("first bad seq:     7"), text);
    assertTrue(text.contains("problem:           deleted at audit-000001.jsonl:8"), text);
  }

  private VerificationReport expect(ViolationKind kind, long seq) throws Exception {
    VerificationReport report = verify(Instant.now());
    assertFalse(report.ok(), "tampering went unnoticed");
    assertEquals(kind, report.violation().kind(), report::toText);
    assertEquals(seq, report.violation().sequence(), report::toText);
    return report;
  }

  private VerificationReport verify(Instant at) throws Exception {
    try (FileRecordSource source = FileRecordSource.of(dir)) {
      return AuditFixtures.verifierFor(keys).verify(source, at, false);
    }
  }

  private List<String> lines() throws Exception {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private void write(List<String> lines) throws Exception {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static String field(String line, String name) throws Exception {
    return (String) ((Map<?, ?>) CanonicalJson.parse(line)).get(name);
  }

  /** What a forger who knows the format does: recompute the record's hash after a change. */
  static String rehash(String line) throws Exception {
    @SuppressWarnings("unchecked")
    TreeMap<String, Object> fields = new TreeMap<>((Map<String, Object>) CanonicalJson.parse(line));
    fields.remove(RecordFormat.HASH);
    Object sig = fields.remove(RecordFormat.SIG);
    byte[] body = CanonicalJson.encode(fields).getBytes(StandardCharsets.UTF_8);
    fields.put(RecordFormat.HASH, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    if (sig != null) {
      fields.put(RecordFormat.SIG, sig);
    }
    String rehashed = CanonicalJson.encode(fields);
    assertTrue(ParsedRecord.parse(rehashed).hashMatches());
    return rehashed;
  }
}
