package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway verifies its own audit log every {@code audit.verify.interval}: someone who
 * edits an entry in the audit file under it (as root could) is caught by a later run, and
 * {@code /healthz} and {@code /metrics} say so; until then they report the verified size, the
 * witness lag and the audit as available.
 */
@ExtendWith(PostgresExtension.class)
class AuditMonitorEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path elsewhere;

  @Test
  void anEntryEditedUnderTheRunningGatewayIsReportedByHealthAndMetrics(TestDatabase database) throws Exception {
    Path witness = elsewhere.resolve("witness/seals.jsonl");
    try (EndpointFixture fixture = EndpointFixture.builder(database)
        .audit(String.join("\n",
            "  witness:",
            "    files: [" + witness + "]",
            "  verify:",
            "    interval: 300ms"))
        .start()) {
      assertEquals(200, fixture.query("support-bot",
          "{\"sql\": \"select txn_id, pan from payments.transactions limit 3\"}").statusCode());
      fixture.auditText(); // the statement's END entry is durable
      long head = fixture.server().gateway().health().audit().headSequence();
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(30), () -> verifiedSize(fixture) >= head),
          "the gateway verifies its log up to its head: " + health(fixture));
      JsonNode healthy = JSON.readTree(fixture.get("/healthz").body());
      assertEquals("ok", healthy.get("status").asText(), healthy.toString());
      JsonNode verification = healthy.get("audit").get("verification");
      assertTrue(verification.get("running").asBoolean());
      assertTrue(verification.get("intact").asBoolean());
      assertTrue(verification.get("verified_head").asText().startsWith(verification.get("verified_size").asText() + ":"));
      String metrics = fixture.get("/metrics").body();
      assertEquals(1, value(metrics, "pangate_audit_available"));
      assertEquals(1, value(metrics, "pangate_audit_intact"));
      assertEquals(0, value(metrics, "pangate_audit_verification_failures_total"));
      assertTrue(value(metrics, "pangate_audit_verified_size") >= head, metrics);
      assertTrue(value(metrics, "pangate_audit_witness_lag_seconds") >= 0, metrics);
      // The gateway's own seals are recognized as written, not verified by signature again.
      assertTrue(value(metrics, "pangate_audit_recognized_seals_total") >= 1, metrics);
      assertTrue(value(metrics, "pangate_audit_verified_seals_total")
          >= value(metrics, "pangate_audit_recognized_seals_total"), metrics);
      assertTrue(Files.readString(witness).contains("\"kind\":\"seal\""), "the witness holds the seals");

      // Someone with access to the files changes who ran the statement, in place.
      Path file;
      try (var files = Files.list(fixture.directory().resolve("audit"))) {
        List<Path> all = files.sorted().toList();
        file = all.get(0);
      }
      AuditFixtures.replaceInPlace(file, "\"agent\":\"support-bot\"", "\"agent\":\"support-bog\"");
      long edited = System.nanoTime();
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(30), () -> status(fixture) == 503),
          "a break makes the gateway fail its health check: " + health(fixture));
      long detectedMillis = (System.nanoTime() - edited) / 1_000_000;
      JsonNode broken = JSON.readTree(fixture.get("/healthz").body());
      assertEquals("failing", broken.get("status").asText());
      JsonNode found = broken.get("audit").get("verification");
      assertEquals(false, found.get("intact").asBoolean());
      assertEquals("modified", found.get("break").asText(), found.toString());
      assertTrue(broken.get("audit").get("ok").asBoolean(), "the log still takes entries");
      String after = fixture.get("/metrics").body();
      assertEquals(0, value(after, "pangate_audit_intact"));
      assertTrue(value(after, "pangate_audit_verification_failures_total") >= 1, after);
      System.out.println("audit break detected " + detectedMillis + " ms after the edit (interval 300 ms)");
    }
  }

  private static long verifiedSize(EndpointFixture fixture) {
    try {
      return JSON.readTree(fixture.get("/healthz").body()).get("audit").get("verification")
          .get("verified_size").asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  private static int status(EndpointFixture fixture) {
    try {
      return fixture.get("/healthz").statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String health(EndpointFixture fixture) {
    try {
      return fixture.get("/healthz").body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
