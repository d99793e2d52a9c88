package dev.pangate.audit;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.verify.VerificationReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a gateway mid-stream loses no acknowledged entry and leaves a log that
 * verifies; the next open repairs the tail and records that it did.
 */
class KillNineTest {

  @TempDir Path dir;

  @Test
  void killedWriterLosesNoAcknowledgedEntry() throws Exception {
    KeysetHandle keys = newSigningKeyset();
    Path keyFile = dir.resolve("signing.json");
    Files.writeString(keyFile, TinkJsonProtoKeysetFormat.serializeKeyset(keys, InsecureSecretKeyAccess.get()));
    Path logs = dir.resolve("logs");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        KillNineChild.class.getName(), logs.toString(), keyFile.toString(), "4")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Map<Long, String> acknowledged = new HashMap<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      String line;
      while (acknowledged.size() < 2_000 && System.nanoTime() < deadline && (line = out.readLine()) != null) {
        record(line, acknowledged);
      }
      assertTrue(acknowledged.size() >= 2_000, "the child acknowledged entries: " + acknowledged.size());
      // SIGKILL through the process handle: unlike Process.destroyForcibly it leaves the pipe
      // readable, so acknowledgements printed just before the kill are still counted.
      child.toHandle().destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      while ((line = out.readLine()) != null) { // acknowledged before the kill, still in the pipe
        record(line, acknowledged);
      }
    } finally {
      child.destroyForcibly();
    }

    Map<Long, String> written = entries(logs);
    for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
      assertEquals(ack.getValue(), written.get(ack.getKey()), "acknowledged entry " + ack.getKey() + " is in the log");
    }
    VerificationReport killed = AuditFixtures.verify(keys, logs);
    assertTrue(killed.ok(), killed::toText);
    assertTrue(killed.entriesVerified() >= acknowledged.size());

    // The next start repairs whatever the kill left and records it; the log then closes cleanly.
    try (HashChainedAuditLog log = HashChainedAuditLog.builder().node("gw-kill").signingKeyset(keys)
        .sink(FileAuditSink.create(logs, FileAuditSink.Options.defaults())).open()) {
      log.append(AuditFixtures.statementStart("after", "agent", "select 1"));
    }
    VerificationReport reopened = AuditFixtures.verify(keys, logs);
    assertTrue(reopened.ok(), reopened::toText);
    assertTrue(reopened.closed());
    String text = AuditFixtures.allText(logs);
    assertTrue(text.contains("\"previousRun\":\"ended without a closing seal\""), "the restart is recorded");
    Map<Long, String> after = entries(logs);
    for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
      assertEquals(ack.getValue(), after.get(ack.getKey()));
    }
  }

  private static void record(String line, Map<Long, String> acknowledged) {
    if (line.startsWith("ACK ")) {
      String[] parts = line.split(" ");
      acknowledged.put(Long.parseLong(parts[1]), parts[2]);
    }
  }

  private static Map<Long, String> entries(Path logs) throws Exception {
    Map<Long, String> entries = new HashMap<>();
    List<String> lines = AuditFixtures.allLines(logs);
    for (String line : lines) {
      try {
        ParsedRecord r = ParsedRecord.parse(line);
        entries.put(r.sequence(), r.storedHash());
      } catch (Exception torn) {
        // the torn last line of a killed write: never acknowledged
      }
    }
    return entries;
  }
}
