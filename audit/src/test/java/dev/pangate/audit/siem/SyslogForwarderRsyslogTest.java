package dev.pangate.audit.siem;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.verify.FileRecordSource;
import dev.pangate.audit.verify.KnownHead;
import dev.pangate.audit.verify.VerificationReport;
import dev.pangate.audit.witness.WitnessCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder against a real rsyslog over TLS on loopback: the receiver is stopped while the log
 * grows and started again, and the forwarder itself is restarted from its cursor; at the end the
 * receiver holds every record of the log, byte for byte, and any record it got twice is the same
 * record (same node and seq). Its copy serves as a witness, and no PAN reaches it.
 */
class SyslogForwarderRsyslogTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAN = "4111111111111111";

  @TempDir Path dir;
  private final KeysetHandle keys = newSigningKeyset();

  @Test
  void aReceiverRestartAndAForwarderRestartLoseNothing() throws Exception {
    RequiredTool.require(RsyslogReceiver.unavailable());
    Path logs = dir.resolve("audit");
    try (RsyslogReceiver receiver = RsyslogReceiver.start(dir.resolve("rsyslog"));
        HashChainedAuditLog log = AuditFixtures.openFileLog(logs, keys)) {
      SyslogForwarder forwarder = forwarder(logs, receiver).start();
      write(log, 0, 60);
      assertTrue(eventually(() -> forwarder.status().forwardedSequence() >= log.health().headSequence()),
          "the forwarder catches up: " + forwarder.status());
      assertTrue(receiver.receivedLines().size() > 0);

      receiver.stopProcess();
      write(log, 60, 120);
      assertTrue(eventually(() -> forwarder.status().problem() != null), "the outage is reported");
      assertTrue(eventually(() -> forwarder.status().lag().compareTo(Duration.ZERO) > 0), forwarder.status().toString());
      forwarder.close(); // and the gateway restarts too
      receiver.startProcess();
      SyslogForwarder again = forwarder(logs, receiver).start();
      write(log, 120, 150);
      log.close();
      long head = log.health().headSequence();
      assertTrue(eventually(() -> again.status().forwardedSequence() == head),
          "the restarted forwarder resumes from its cursor: " + again.status());
      assertEquals(Duration.ZERO, again.status().lag());
      again.close();
      receiver.stopProcess();

      List<String> logLines = AuditFixtures.allLines(logs);
      TreeMap<Long, String> received = new TreeMap<>();
      int duplicates = 0;
      for (String line : receiver.receivedLines()) {
        int start = line.indexOf('{');
        assertTrue(start > 0, "a syslog header, then the record: " + line);
        assertTrue(line.startsWith("<110>1 "), "facility 13 (log audit), severity informational, RFC 5424: " + line);
        String record = line.substring(start);
        JsonNode json = JSON.readTree(record);
        assertEquals("gw-test", json.get("node").asText());
        String before = received.put(json.get("seq").asLong(), record);
        if (before != null) {
          duplicates++;
          assertEquals(before, record, "a duplicate is the same record, identifiable by its seq");
        }
      }
      assertEquals(logLines.size(), received.size(), "every record of the log reached the receiver");
      for (String line : logLines) {
        long seq = JSON.readTree(line).get("seq").asLong();
        assertEquals(line, received.get(seq), "byte for byte, seq " + seq);
      }
      System.out.println("records in the log: " + logLines.size() + ", received: " + (received.size() + duplicates)
          + " (" + duplicates + " duplicates)");
      String text = String.join("\n", receiver.receivedLines());
      assertFalse(text.contains(PAN), "no PAN reaches the SIEM");
      assertTrue(text.contains("411111******1111"), "the PAN as the audit log keeps it, truncated");

      // The SIEM's file is a witness copy: every seal in it checks, and the log still has each head.
      List<KnownHead> heads = WitnessCopy.fromFile(receiver.received(), "gw-test", AuditFixtures.verifierFor(keys));
      assertTrue(heads.size() > 10, "seals witnessed: " + heads.size());
      VerificationReport report = AuditFixtures.verifierFor(keys).verify(FileRecordSource.of(logs),
          Instant.now(), true, heads);
      assertTrue(report.ok(), report.toText());
      assertEquals(heads.size(), report.knownHeadsChecked());
    }
  }

  @Test
  void aCursorOfAnotherNodeIsRefused() throws Exception {
    Path logs = dir.resolve("other");
    Files.createDirectories(logs);
    Files.writeString(logs.resolve("siem-cursor.json"),
        JSON.writeValueAsString(Map.of("node", "gw-9", "segment", "audit-000001.jsonl", "offset", 0)));
    var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> SyslogForwarder.builder(logs, "gw-test", "127.0.0.1", 6514).build());
    assertTrue(e.getMessage().contains("gw-9"), e.getMessage());
  }

  private static SyslogForwarder forwarder(Path logs, RsyslogReceiver receiver) throws Exception {
    return SyslogForwarder.builder(logs, "gw-test", "127.0.0.1", receiver.port())
        .trustedCertificates(receiver.caCertificate())
        .serverName("localhost")
        .hostname("gw-test.example")
        .batchSize(25)
        .interval(Duration.ofMillis(100))
        .retryInterval(Duration.ofMillis(200))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private static void write(HashChainedAuditLog log, int from, int to) {
    for (int i = from; i < to; i++) {
      String sql = i % 50 == 7 ? "select * from payments.cards where pan = '" + PAN + "'"
          : "select pan from payments.cards where id = " + i;
      log.append(statementStart("st-" + i, "agent-" + (i % 3), sql));
      log.append(statementEnd("st-" + i, "agent-" + (i % 3), i));
    }
  }

  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }
}
