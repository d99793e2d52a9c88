package dev.pangate.audit.proof;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.ChainForger;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.cli.CliRun;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.verify.ViolationKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proofs and {@code --since} against the attacker who holds the signing key: a log rewritten and
 * sealed again verifies on its own, so only what was seen before can tell. Each test makes the
 * proof or notes the head as an assessor would, rewrites the log with {@link ChainForger}, and
 * expects the check to fail and say so.
 *
 * <p>The log: 0 segment, 1 LOG_OPEN, 2 seal, then (entry, seal) pairs: entries at odd seqs 3..23,
 * seals at even seqs 4..24, and the closing seal at 25.
 */
class ProofTamperTest {

  @TempDir Path dir;
  private KeysetHandle keys;
  private Path logs;
  private Path file;
  private Path publicKeyset;

  @BeforeEach
  void writeLog() throws Exception {
    keys = newSigningKeyset();
    logs = dir.resolve("logs");
    publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("audit-public.json"));
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys)) {
      for (int i = 0; i < 11; i++) {
        log.append(i % 2 == 0 ? statementStart("st-" + i, "agent-7", "select pan from payments.cards")
            : statementEnd("st-" + (i - 1), "agent-7", 12));
      }
    }
    file = logs.resolve(SegmentFiles.name(1));
    assertEquals(26, lines().size());
  }

  @Test
  void anInclusionProofChecksWithoutTheLog() throws Exception {
    Path proof = prove("--seq", "7", "--head", "12");
    Files.delete(file); // the checker needs no log
    CliRun check = cli("check-proof", proof.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.OK, check.code(), check.text());
    assertTrue(check.out().contains("is leaf 7 of node gw-test's log under tree head 12:"), check.out());
  }

  @Test
  void anInclusionProofForAModifiedEntryFails() throws Exception {
    AuditProof proof = AuditProof.parse(Files.readString(prove("--seq", "7")));
    // The entry changed inside the proof, its hash recomputed so that it still looks whole.
    String changed = ChainForger.rehash(ChainForger.withEventField(proof.record(), "rows", 0L), keys);
    AuditProof forged = new AuditProof(proof.type(), proof.node(), changed, null, proof.toSeal(), proof.path());
    CliRun check = checkProof(forged);
    assertEquals(AuditCli.VERIFICATION_FAILED, check.code(), check.text());
    assertTrue(check.out().contains("is NOT in the tree with head"), check.out());
    // Changed without recomputing the hash.
    String stale = ChainForger.withEventField(proof.record(), "agent", "agent-8");
    check = checkProof(new AuditProof(proof.type(), proof.node(), stale, null, proof.toSeal(), proof.path()));
    assertEquals(AuditCli.VERIFICATION_FAILED, check.code(), check.text());
    assertTrue(check.out().contains("does not match its hash"), check.out());
  }

  @Test
  void anInclusionProofFromALogRewrittenWithTheRealKeyFailsAgainstTheHeadSeenBefore() throws Exception {
    String headBefore = head(lines().get(24));
    List<String> lines = lines();
    lines.set(7, ChainForger.withEventField(lines.get(7), "rows", 0L));
    write(ChainForger.reseal(lines, keys));
    Path proof = prove("--seq", "7", "--head", "24");
    CliRun alone = cli("check-proof", proof.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.OK, alone.code(), "a resealed log proves its own entries: " + alone.text());
    CliRun against = cli("check-proof", proof.toString(), "--public-keyset", publicKeyset.toString(),
        "--to-head", headBefore);
    assertEquals(AuditCli.VERIFICATION_FAILED, against.code(), against.text());
    assertTrue(against.out().contains("not the head you gave"), against.out());
  }

  @Test
  void aConsistencyProofChecksAndOneAcrossARewrittenPrefixFails() throws Exception {
    Path honest = prove("--from-head", "10", "--to-head", "24");
    CliRun ok = cli("check-proof", honest.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.OK, ok.code(), ok.text());
    assertTrue(ok.out().contains("extends the log with head 10:"), ok.out());
    AuditProof before = AuditProof.parse(Files.readString(honest));

    // The key holder rewrites entry 5 (under head 10) and seals everything again.
    List<String> lines = lines();
    lines.set(5, ChainForger.withEventField(lines.get(5), "rows", 0L));
    write(ChainForger.reseal(lines, keys));
    AuditProof after = AuditProof.parse(Files.readString(prove("--from-head", "10", "--to-head", "24")));

    // The old head (what the assessor saw) with the new log's head and proof: refused.
    CliRun mixed = checkProof(new AuditProof(AuditProof.CONSISTENCY, after.node(), null, before.fromSeal(),
        after.toSeal(), after.path()));
    assertEquals(AuditCli.VERIFICATION_FAILED, mixed.code(), mixed.text());
    assertTrue(mixed.out().contains("does NOT extend"), mixed.out());
    // The new log's own proof, checked against the head noted before: refused.
    Path rewritten = dir.resolve("rewritten-proof.json");
    Files.writeString(rewritten, after.toJson());
    CliRun noted = cli("check-proof", rewritten.toString(), "--public-keyset", publicKeyset.toString(),
        "--from-head", head(before.fromSeal()));
    assertEquals(AuditCli.VERIFICATION_FAILED, noted.code(), noted.text());
    // A changed path: refused.
    List<String> bent = new ArrayList<>(before.path());
    bent.set(0, "0".repeat(64));
    CliRun altered = checkProof(new AuditProof(AuditProof.CONSISTENCY, before.node(), null, before.fromSeal(),
        before.toSeal(), bent));
    assertEquals(AuditCli.VERIFICATION_FAILED, altered.code(), altered.text());
  }

  @Test
  void verifySinceAcceptsTheLogThatExtendsTheHeadAndNamesARewrite() throws Exception {
    String head = head(lines().get(12));
    CliRun ok = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(), "--since", head);
    assertEquals(AuditCli.OK, ok.code(), ok.text());
    assertTrue(ok.out().contains("heads seen before: 1 still in the log"), ok.out());
    assertTrue(ok.out().contains("tree head:         25:"), ok.out());

    List<String> lines = lines();
    lines.set(9, ChainForger.withEventField(lines.get(9), "agent", "someone-else"));
    write(ChainForger.reseal(lines, keys));
    CliRun alone = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.OK, alone.code(), "resealed with the real key, the log verifies alone: " + alone.text());
    CliRun since = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(), "--since", head);
    assertEquals(AuditCli.VERIFICATION_FAILED, since.code(), since.text());
    assertTrue(since.out().contains("problem:           " + ViolationKind.REWRITTEN.label()), since.out());
    assertTrue(since.out().contains("records before seq 12 were changed"), since.out());
  }

  @Test
  void verifySinceNamesALogCutBackAndSealedAgain() throws Exception {
    String head = head(lines().get(24));
    List<String> lines = new ArrayList<>(lines().subList(0, 17));
    lines.add(lines().get(25)); // a closing seal, resealed below
    write(ChainForger.reseal(lines, keys));
    CliRun alone = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.OK, alone.code(), alone.text());
    CliRun since = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(), "--since", head);
    assertEquals(AuditCli.VERIFICATION_FAILED, since.code(), since.text());
    assertTrue(since.out().contains(ViolationKind.TRUNCATED.label()), since.out());
    assertTrue(since.out().contains("holds a head over 24 records"), since.out());
  }

  @Test
  void aSealSigningAHeadOtherThanItsRecordsIsABadTreeHead() throws Exception {
    List<String> lines = lines();
    write(ChainForger.reseal(lines, keys, fields -> {
      if (Long.valueOf(14).equals(fields.get(RecordFormat.SEQ))) {
        fields.put(RecordFormat.TREE_HEAD, "ab".repeat(32));
      }
    }));
    CliRun verify = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.VERIFICATION_FAILED, verify.code(), verify.text());
    assertTrue(verify.out().contains("first bad seq:     14"), verify.out());
    assertTrue(verify.out().contains(ViolationKind.BAD_TREE_HEAD.label()), verify.out());
  }

  @Test
  void aProofCannotBeMadeForAnUnsealedOrMissingRecord() throws Exception {
    CliRun missing = cli("prove", logs.toString(), "--seq", "99");
    assertEquals(AuditCli.USAGE, missing.code());
    assertTrue(missing.err().contains("no sealed record with seq 99"), missing.err());
    CliRun notSeal = cli("prove", logs.toString(), "--from-head", "5", "--to-head", "24");
    assertEquals(AuditCli.USAGE, notSeal.code());
    assertTrue(notSeal.err().contains("seq 5 is not a seal"), notSeal.err());
  }

  // ---------------------------------------------------------------- helpers

  private static String head(String sealLine) throws Exception {
    ParsedRecord seal = ParsedRecord.parse(sealLine);
    return seal.sequence() + ":" + seal.treeHead();
  }

  private Path prove(String... options) throws Exception {
    Path out = Files.createTempFile(dir, "proof", ".json");
    List<String> args = new ArrayList<>(List.of("prove", logs.toString()));
    args.addAll(List.of(options));
    args.addAll(List.of("--out", out.toString()));
    CliRun result = cli(args.toArray(String[]::new));
    assertEquals(AuditCli.OK, result.code(), result.text());
    return out;
  }

  private CliRun checkProof(AuditProof proof) throws Exception {
    Path path = Files.createTempFile(dir, "checked", ".json");
    Files.writeString(path, proof.toJson());
    return cli("check-proof", path.toString(), "--public-keyset", publicKeyset.toString());
  }

  private List<String> lines() throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private void write(List<String> lines) throws Exception {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }
}
