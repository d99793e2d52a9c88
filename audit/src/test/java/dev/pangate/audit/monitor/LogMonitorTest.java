package dev.pangate.audit.monitor;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.ChainForger;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.verify.ViolationKind;
import dev.pangate.audit.witness.FileSealWitness;
import dev.pangate.audit.witness.SealWitness;
import dev.pangate.audit.witness.WitnessSet;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running gateway's own verification against someone who edits the audit files under it: a
 * change to records verified before, to records not yet verified, a cut, and a rewrite sealed
 * again with the real key are each found by the next run and named; a witness's changed copy too.
 */
class LogMonitorTest {

  @TempDir Path dir;
  private final KeysetHandle keys = newSigningKeyset();
  private final List<String> alerts = new CopyOnWriteArrayList<>();

  @Test
  void followsTheLogAcrossFilesAndStaysIntact() throws Exception {
    Path logs = dir.resolve("audit");
    try (HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys,
        FileAuditSink.Options.defaults().withMaxFileBytes(4096)).open();
        LogMonitor monitor = monitor(logs, List.of())) {
      write(log, 0, 3);
      MonitorStatus first = monitor.run();
      assertTrue(first.intact(), String.valueOf(first.violation()));
      assertNull(first.error());
      assertTrue(first.verifiedSize() > 0, first.toString());
      write(log, 3, 20);
      MonitorStatus second = monitor.run();
      assertTrue(second.intact(), String.valueOf(second.violation()));
      assertTrue(second.verifiedSize() > first.verifiedSize(), second + " after " + first);
      assertTrue(SegmentFiles.list(logs).size() > 2, "the log rotated");
      assertEquals(log.health().headSequence(), second.verifiedSize(), "every record up to the last seal");
      assertTrue(second.verifiedHead().startsWith(second.verifiedSize() + ":"), second.verifiedHead());
      assertEquals(0, second.failures());
      assertEquals(List.of(), alerts);
    }
  }

  @Test
  void anEntryChangedAfterItWasVerifiedIsFoundByTheNextRun() throws Exception {
    Path logs = dir.resolve("changed");
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
        LogMonitor monitor = monitor(logs, List.of())) {
      write(log, 0, 4);
      assertTrue(monitor.run().intact());
      Path file = SegmentFiles.list(logs).get(0);
      AuditFixtures.replaceInPlace(file, "\"agent\":\"agent-1\"", "\"agent\":\"agent-X\"");
      write(log, 4, 5);
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.MODIFIED, status.violation().kind(), status.violation().detail());
      assertTrue(status.violation().detail().contains("changed after they were verified"), status.violation().detail());
      assertEquals(1, status.failures());
      assertEquals(1, alerts.size(), alerts.toString());
      assertTrue(alerts.get(0).startsWith("AUDIT LOG BREAK"), alerts.get(0));
      MonitorStatus later = monitor.run();
      assertEquals(status.violation(), later.violation(), "a break stays reported");
      assertEquals(1, alerts.size(), "and is alerted once");
    }
  }

  @Test
  void anEntryChangedBeforeItWasVerifiedIsFoundToo() throws Exception {
    Path logs = dir.resolve("fresh");
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
        LogMonitor monitor = monitor(logs, List.of())) {
      write(log, 0, 2);
      assertTrue(monitor.run().intact());
      write(log, 2, 4);
      AuditFixtures.replaceInPlace(SegmentFiles.list(logs).get(0), "\"rows\":3", "\"rows\":0");
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.MODIFIED, status.violation().kind(), status.violation().detail());
    }
  }

  @Test
  void aLogRewrittenAndSealedAgainWithTheRealKeyIsNamedEvenWithoutAWitness() throws Exception {
    Path logs = dir.resolve("resealed");
    try (LogMonitor monitor = monitor(logs, List.of())) {
      try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys)) {
        write(log, 0, 4);
      }
      assertTrue(monitor.run().intact());
      rewriteAndReseal(logs, "agent-2");
      assertTrue(AuditFixtures.verify(keys, logs).ok(), "the rewritten log verifies on its own");
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.REWRITTEN, status.violation().kind(), status.violation().detail());
      assertTrue(status.violation().detail().contains("the gateway's own verification"),
          status.violation().detail());
    }
  }

  @Test
  void aRewrittenTailIsCaughtByTheWitnessBeforeTheMonitorSawIt() throws Exception {
    Path logs = dir.resolve("witnessed");
    Path witnessFile = dir.resolve("elsewhere/seals.jsonl");
    WitnessSet witnesses = WitnessSet.of(List.of(FileSealWitness.create(witnessFile)),
        WitnessSet.OnFailure.REFUSE, Duration.ofSeconds(5), Duration.ofMillis(50));
    try (LogMonitor monitor = monitor(logs, List.of(FileSealWitness.create(witnessFile)))) {
      try (HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys, FileAuditSink.Options.defaults())
          .witnesses(witnesses).open()) {
        write(log, 0, 2);
        assertTrue(monitor.run().intact());
        write(log, 2, 4);
      }
      // The key holder rewrites records the monitor has not read yet and seals them again.
      rewriteAndReseal(logs, "agent-3");
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.REWRITTEN, status.violation().kind(), status.violation().detail());
      assertTrue(status.violation().detail().contains("witness file " + witnessFile)
          || status.violation().location().contains("witness file"), status.violation().toString());
    }
  }

  @Test
  void aFileCutBackIsTruncated() throws Exception {
    Path logs = dir.resolve("cut");
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
        LogMonitor monitor = monitor(logs, List.of())) {
      write(log, 0, 4);
      assertTrue(monitor.run().intact());
      Path file = SegmentFiles.list(logs).get(0);
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(raf.length() / 2);
      }
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.TRUNCATED, status.violation().kind(), status.violation().toString());
      assertTrue(status.violation().detail().contains("cut back"), status.violation().toString());
    }
  }

  @Test
  void aChangedWitnessCopyIsABreak() throws Exception {
    Path logs = dir.resolve("forged-witness");
    Path witnessFile = dir.resolve("forged/seals.jsonl");
    WitnessSet witnesses = WitnessSet.of(List.of(FileSealWitness.create(witnessFile)),
        WitnessSet.OnFailure.REFUSE, Duration.ofSeconds(5), Duration.ofMillis(50));
    try (LogMonitor monitor = monitor(logs, List.of(FileSealWitness.create(witnessFile)));
        HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys, FileAuditSink.Options.defaults())
            .witnesses(witnesses).open()) {
      write(log, 0, 2);
      waitForWitness(witnesses);
      List<String> seals = new ArrayList<>(Files.readAllLines(witnessFile));
      seals.set(seals.size() - 1, seals.get(seals.size() - 1).replace("\"state\":\"open\"", "\"state\":\"close\""));
      Files.write(witnessFile, seals);
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertTrue(status.violation().location().contains("witness file"), status.violation().toString());
    }
  }

  @Test
  void sealsReadBackAsTheWriterWroteThemAreNotVerifiedBySignatureAgain() throws Exception {
    Path logs = dir.resolve("recognized");
    try (HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys,
        FileAuditSink.Options.defaults().withMaxFileBytes(4096)).open();
        LogMonitor monitor = monitor(logs, List.of(), log);
        LogMonitor plain = monitor(logs, List.of())) {
      write(log, 0, 3);
      MonitorStatus first = monitor.run();
      write(log, 3, 12);
      MonitorStatus second = monitor.run();
      assertTrue(second.intact(), String.valueOf(second.violation()));
      assertTrue(second.sealsChecked() > first.sealsChecked() && first.sealsChecked() > 0, second.toString());
      assertEquals(second.sealsChecked(), second.sealsRecognized(),
          "every seal this writer wrote is recognized: " + second);
      MonitorStatus without = plain.run();
      assertTrue(without.intact(), String.valueOf(without.violation()));
      assertEquals(0, without.sealsRecognized(), "without the writer's memory every signature is verified");
      assertTrue(without.sealsChecked() >= second.sealsChecked(), without + " vs " + second);
    }
  }

  @ParameterizedTest(name = "writer's memory: {0}")
  @ValueSource(booleans = {true, false})
  void aSealWhoseSignatureAloneWasChangedIsABadSignature(boolean remembered) throws Exception {
    // A seal's hash and the tree cover everything but its signature: only checking the signature,
    // or comparing with what was written, finds this change, also in a seal that is not the newest.
    Path logs = dir.resolve("signature-" + remembered);
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
        LogMonitor monitor = remembered ? monitor(logs, List.of(), log) : monitor(logs, List.of())) {
      write(log, 0, 2);
      assertTrue(monitor.run().intact());
      write(log, 2, 6);
      Path file = SegmentFiles.list(logs).get(0);
      List<String> seals = Files.readAllLines(file).stream().filter(l -> l.contains("\"kind\":\"seal\"")).toList();
      String target = seals.get(seals.size() - 3); // written after the first run, not the newest
      Matcher sig = Pattern.compile("\"sig\":\"([^\"]+)\"").matcher(target);
      assertTrue(sig.find(), target);
      byte[] bytes = Base64.getDecoder().decode(sig.group(1));
      bytes[7] ^= 0x01;
      AuditFixtures.replaceInPlace(file, sig.group(1), Base64.getEncoder().encodeToString(bytes));
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.BAD_SIGNATURE, status.violation().kind(), status.violation().toString());
    }
  }

  @Test
  void aTailSealedAgainWithTheRealKeyBeforeTheMonitorSawItIsNotWhatTheWriterWrote() throws Exception {
    // Without a witness, only the writer's memory of its seals can tell: the rewritten tail
    // continues the verified chain and is signed with the real key.
    Path logs = dir.resolve("resealed-tail");
    HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
    try (LogMonitor monitor = monitor(logs, List.of(), log)) {
      try (log) {
        write(log, 0, 2);
        assertTrue(monitor.run().intact());
        write(log, 2, 4);
      }
      rewriteAndReseal(logs, "agent-3");
      assertTrue(AuditFixtures.verify(keys, logs).ok(), "the rewritten log verifies on its own");
      MonitorStatus status = monitor.run();
      assertNotNull(status.violation(), status.toString());
      assertEquals(ViolationKind.REWRITTEN, status.violation().kind(), status.violation().toString());
      assertTrue(status.violation().detail().contains("not the seal this gateway wrote"),
          status.violation().detail());
    }
  }

  @Test
  void bytesReadBackAsTheWriterWroteThemAreNotVerifiedRecordByRecord() throws Exception {
    Path logs = dir.resolve("as-written");
    try (HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys,
        FileAuditSink.Options.defaults().withMaxFileBytes(4096)).open();
        LogMonitor monitor = monitor(logs, List.of(), log)) {
      write(log, 0, 3);
      MonitorStatus first = monitor.run();
      assertTrue(first.intact(), String.valueOf(first.violation()));
      assertEquals(0, monitor.readAsWritten(), "the first run verifies the whole log record by record");
      write(log, 3, 20);
      MonitorStatus second = monitor.run();
      assertTrue(second.intact(), String.valueOf(second.violation()));
      assertTrue(SegmentFiles.list(logs).size() > 2, "the log rotated");
      assertEquals(1, monitor.readAsWritten(), "what was new was compared with what the writer wrote");
      assertEquals(log.health().headSequence(), second.verifiedSize(), "every record up to the last seal");
      write(log, 20, 22);
      MonitorStatus third = monitor.run();
      assertTrue(third.intact(), String.valueOf(third.violation()));
      assertEquals(log.health().headSequence(), third.verifiedSize());
      assertTrue(AuditFixtures.verify(keys, logs).ok());
      // What the monitor took as written is what the full verifier finds: the same head.
      try (LogMonitor plain = monitor(logs, List.of())) {
        assertEquals(third.verifiedHead(), plain.run().verifiedHead());
      }
      assertEquals(List.of(), alerts);
    }
  }

  @Test
  void aGatewayStartedAgainComparesWithWhatItFoundAndWrote() throws Exception {
    Path logs = dir.resolve("resumed");
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys)) {
      write(log, 0, 3);
    }
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
        LogMonitor monitor = monitor(logs, List.of(), log)) {
      assertTrue(monitor.run().intact());
      write(log, 3, 6);
      MonitorStatus status = monitor.run();
      assertTrue(status.intact(), String.valueOf(status.violation()));
      assertEquals(1, monitor.readAsWritten());
      assertEquals(log.health().headSequence(), status.verifiedSize());
    }
  }

  @Test
  void anEntryChangedBeforeItWasVerifiedIsNotWhatTheWriterWrote() throws Exception {
    MonitorStatus status = afterAnUnverifiedChange("fresh-remembered",
        file -> AuditFixtures.replaceInPlace(file, "\"rows\":3", "\"rows\":0"));
    assertNotNull(status.violation(), status.toString());
    assertEquals(ViolationKind.MODIFIED, status.violation().kind(), status.violation().detail());
  }

  @Test
  void aTailCutBackToAnEarlierSealBeforeItWasVerifiedIsTruncated() throws Exception {
    // The file that is left is a good log, sealed where it ends: only the writer's memory of what
    // it wrote tells that records were there.
    MonitorStatus status = afterAnUnverifiedChange("cut-unverified", file -> {
      List<String> lines = Files.readAllLines(file);
      int seal = lines.size() - 2;
      while (!lines.get(seal).contains("\"kind\":\"seal\"")) {
        seal--;
      }
      Files.write(file, lines.subList(0, seal + 1));
      assertTrue(AuditFixtures.verify(keys, file.getParent()).ok(), "what is left verifies on its own");
    });
    assertNotNull(status.violation(), status.toString());
    assertEquals(ViolationKind.TRUNCATED, status.violation().kind(), status.violation().toString());
    assertTrue(status.violation().detail().contains("this gateway wrote"), status.violation().detail());
  }

  @Test
  void bytesAfterWhatTheWriterWroteAreVerifiedRecordByRecord() throws Exception {
    MonitorStatus status = afterAnUnverifiedChange("appended", file -> Files.writeString(file,
        "{\"kind\":\"entry\",\"seq\":999}\n", java.nio.file.StandardOpenOption.APPEND));
    assertNotNull(status.violation(), status.toString());
  }

  private interface FileChange {
    void apply(Path file) throws IOException;
  }

  /**
   * A run of a monitor with the writer's memory after {@code change} to the first file, made after
   * records were written that no run has read yet; no run took them as written.
   */
  private MonitorStatus afterAnUnverifiedChange(String name, FileChange change) throws IOException {
    Path logs = dir.resolve(name);
    try (HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys);
        LogMonitor monitor = monitor(logs, List.of(), log)) {
      write(log, 0, 2);
      assertTrue(monitor.run().intact());
      write(log, 2, 6);
      change.apply(SegmentFiles.list(logs).get(0));
      MonitorStatus status = monitor.run();
      assertEquals(0, monitor.readAsWritten());
      return status;
    }
  }

  private LogMonitor monitor(Path logs, List<SealWitness> witnesses, HashChainedAuditLog log) {
    return LogMonitor.forDirectory(logs, "gw-test", AuditFixtures.verifierFor(keys))
        .witnesses(witnesses).writtenSeals(log.writtenSeals()).writtenBytes(log.writtenBytes())
        .interval(Duration.ofSeconds(1))
        .alert(alerts::add).build();
  }

  private LogMonitor monitor(Path logs, List<SealWitness> witnesses) {
    return LogMonitor.forDirectory(logs, "gw-test", AuditFixtures.verifierFor(keys))
        .witnesses(witnesses).interval(Duration.ofSeconds(1)).alert(alerts::add).build();
  }

  private static void write(HashChainedAuditLog log, int from, int to) {
    for (int i = from; i < to; i++) {
      log.append(statementStart("st-" + i, "agent-" + i, "select pan from payments.cards where id = " + i));
      log.append(statementEnd("st-" + i, "agent-" + i, i));
    }
  }

  private static void waitForWitness(WitnessSet witnesses) throws InterruptedException {
    for (int i = 0; i < 200 && witnesses.status().get(0).lag().compareTo(Duration.ZERO) > 0; i++) {
      Thread.sleep(20);
    }
  }

  /** The key holder changes who ran one statement and seals the whole first file again. */
  private void rewriteAndReseal(Path logs, String agent) throws IOException {
    Path file = SegmentFiles.list(logs).get(0);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    int index = indexOf(lines, "\"agent\":\"" + agent + "\"");
    lines.set(index, ChainForger.withEventField(lines.get(index), "agent", "nobody"));
    Files.write(file, ChainForger.reseal(lines, keys));
  }

  private static int indexOf(List<String> lines, String needle) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle)) {
        return i;
      }
    }
    throw new AssertionError(needle + " not in the log");
  }
}
