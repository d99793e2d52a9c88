package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /healthz} reports PostgreSQL, audit, policy and keys; {@code /metrics} counts statements
 * by outcome, latency, masked rows, authentication failures and pool use in the Prometheus format;
 * a policy reload swaps a valid policy in (audited) and refuses a bad one, leaving the old in force.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthMetricsReloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void healthReportsEachPart() throws Exception {
    HttpResponse<String> response = fixture.get("/healthz");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode health = JSON.readTree(response.body());
    assertEquals("ok", health.get("status").asText());
    assertTrue(health.get("postgres").get("ok").asBoolean());
    assertTrue(health.get("audit").get("ok").asBoolean());
    assertTrue(health.get("audit").get("head_sequence").asLong() >= 0);
    assertTrue(health.get("policy").get("loaded").asBoolean());
    assertEquals(fixture.server().gateway().policy().digest(), health.get("policy").get("digest").asText());
    assertTrue(health.get("keys").get("loaded").asBoolean());
    assertTrue(health.get("keys").get("keysets").toString().contains("tokenization"));
    assertTrue(health.get("keys").get("token_key_ids").has("pan"), "key ids, never keys");
    assertFalse(response.body().contains(fixture.role()), "no login names");
  }

  @Test
  void metricsCountStatementsRowsFailuresAndPoolUse() throws Exception {
    assertEquals(200, fixture.query("support-bot",
        "{\"sql\": \"select txn_id, pan from payments.transactions limit 7\"}").statusCode());
    assertEquals(400, fixture.query("support-bot", "{\"sql\": \"select nope\"}").statusCode());
    try (Connection connection = fixture.connect("fraud-analyst"); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select merchant_id from payments.merchants limit 3")) {
      while (rows.next()) {
        assertTrue(rows.getInt(1) > 0);
      }
    }
    assertEquals(401, fixture.post("/v1/query", "support-bot", "wrong", "{}").statusCode());
    HttpResponse<String> response = fixture.get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    String metrics = response.body();
    assertTrue(value(metrics, "pangate_statements_total{protocol=\"http-json\",outcome=\"success\"}") >= 1);
    assertTrue(value(metrics, "pangate_statements_total{protocol=\"avatica-protobuf\",outcome=\"success\"}") >= 1);
    assertTrue(metrics.contains("outcome=\"OBJECT_NOT_FOUND\"") || metrics.contains("outcome=\"SQL_VALIDATION_ERROR\""),
        "failures by code");
    assertTrue(value(metrics, "pangate_statement_latency_seconds_count") >= 2);
    assertTrue(metrics.contains("pangate_statement_latency_seconds_bucket{le=\"+Inf\"}"));
    assertTrue(value(metrics, "pangate_rows_masked_total") >= 7, "support-bot's tokenized rows");
    assertTrue(value(metrics, "pangate_rows_returned_total") >= 10);
    assertTrue(value(metrics, "pangate_auth_failures_total{reason=\"BAD_SECRET\"}") >= 1);
    assertTrue(value(metrics, "pangate_postgres_pool_max") >= 1);
    assertTrue(metrics.contains("pangate_postgres_pool_active "));
    for (String line : metrics.split("\n")) {
      assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*\\})? [0-9.eE+-]+"),
          "Prometheus text format: " + line);
    }
  }

  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void aPolicyReloadSwapsAValidPolicyAndRefusesABadOne() throws Exception {
    Path policy = fixture.directory().resolve("policy.yaml");
    String original = Files.readString(policy);
    String digest = fixture.server().gateway().policy().digest();
    String admin = fixture.secret(EndpointFixture.ADMIN);
    try {
      assertEquals(403, fixture.post("/admin/reload-policy", "support-bot", fixture.secret("support-bot"), "")
          .statusCode(), "only admins may reload");

      Files.writeString(policy, original.replace("payments.merchants:\n        columns_default: clear\n"
          + "        row_filter: \"merchant_id IN (:agent.merchant_ids)\"\n", ""));
      HttpResponse<String> reloaded = fixture.post("/admin/reload-policy", EndpointFixture.ADMIN, admin, "");
      assertEquals(200, reloaded.statusCode(), reloaded.body());
      String newDigest = JSON.readTree(reloaded.body()).get("policy_digest").asText();
      assertNotEquals(digest, newDigest);
      HttpResponse<String> gone = fixture.query("support-bot", "{\"sql\": \"select * from payments.merchants\"}");
      assertEquals("OBJECT_NOT_FOUND", JSON.readTree(gone.body()).get("error").get("code").asText(),
          "the new policy applies at once: merchants is gone for support-bot");

      Files.writeString(policy, original.replace("role: support_agent", "role: no_such_role"));
      HttpResponse<String> refused = fixture.post("/admin/reload-policy", EndpointFixture.ADMIN, admin, "");
      assertEquals(422, refused.statusCode(), refused.body());
      assertEquals("POLICY_INVALID", JSON.readTree(refused.body()).get("error").get("code").asText());
      assertTrue(refused.body().contains("no_such_role"), "the message says what is wrong");
      assertEquals(newDigest, fixture.server().gateway().policy().digest(), "the old policy stays");
      String audit = fixture.auditText();
      assertTrue(audit.contains("\"POLICY_RELOAD\""), "reloads are audited");
      assertTrue(audit.contains("requested_by") && audit.contains(EndpointFixture.ADMIN));
    } finally {
      Files.writeString(policy, original);
      fixture.server().reloadPolicy("test cleanup");
    }
  }
}
