package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.audit.postgres.PostgresAuditStore;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pangate evidence} over the PostgreSQL audit store: a gateway writes its log into
 * {@code pangate_audit.records} as an INSERT-only login, serves real traffic (reads, a hidden table,
 * a forbidden write, a typo, failed logins, an approved write), and the report is built from the
 * table as the assessor's reader login. The facts are what was done, {@code evidence verify} accepts
 * the report read from the table, and refuses it once a record in the table is changed (by an
 * administrator who turned the store's triggers off).
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidencePostgresStoreTest {

  private final String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  private final String writer = "pge_audit_writer_" + suffix;
  private final String reader = "pge_audit_reader_" + suffix;
  private TestDatabase database;
  private EndpointFixture fixture;
  private Path report;
  private JsonNode evidence;
  private String approvalId;
  private final Map<String, String> refused = new HashMap<>();

  @BeforeAll
  void runAGatewayOnThePostgresStoreAndBuildTheReport(TestDatabase database) throws Exception {
    this.database = database;
    database.execute("CREATE ROLE " + writer + " LOGIN", "CREATE ROLE " + reader + " LOGIN");
    try (Connection admin = database.connect()) {
      PostgresAuditStore.install(admin, writer);
      PostgresAuditStore.grantReader(admin, reader);
    }
    fixture = EndpointFixture.builder(database).postgresAudit(writer)
        .limits("  connections_per_agent: 8\n  body_timeout: 120s\n  min_request_data_rate: 1").start();
    traffic();
    fixture.server().close(); // the closing seal goes to the table too
    report = fixture.directory().resolve("evidence");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    CliRun run = CliRun.of("evidence", "--config", fixture.directory().resolve("pangate.yaml").toString(),
        "--from", today, "--to", today, "--out", report.toString(), "--audit-user", reader);
    assertEquals(0, run.status(), run.out() + run.err());
    evidence = JSON.readTree(Files.readString(report.resolve("evidence.json")));
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
    database.execute("DROP OWNED BY " + writer + ", " + reader, "DROP ROLE " + writer, "DROP ROLE " + reader);
  }

  private void traffic() throws Exception {
    for (String agent : List.of("support-bot", "fraud-analyst")) {
      try (Connection connection = fixture.connect(agent); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("select card_id, pan from payments.cards order by card_id limit 3")) {
        while (rows.next()) {
          rows.getString(2);
        }
      }
    }
    refuse("support-bot", "select * from payments.settlements");
    refuse("fraud-analyst", "delete from payments.cards where card_id = 1");
    refuse("support-bot", "selec pan from payments.cards");
    String update = "update payments.cards set status = 'blocked-pg-store' where card_id = 9";
    try (Connection connection = fixture.connect("migration-bot"); Statement statement = connection.createStatement()) {
      approvalId = ApprovalSteps.held(() -> statement.executeUpdate(update));
      ApprovalSteps.approve(fixture, approvalId, "lost card, ticket 5150");
      assertEquals(1, statement.executeUpdate(update));
    }
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> wrong = fixture.post("/v1/query", "fraud-analyst", "not-the-secret", "{\"sql\": \"select 1\"}");
      assertEquals(401, wrong.statusCode(), wrong.body());
    }
  }

  private void refuse(String agent, String sql) throws Exception {
    HttpResponse<String> response = fixture.query(agent, JSON.writeValueAsString(Map.of("sql", sql)));
    String code = JSON.readTree(response.body()).path("error").path("code").asText();
    assertFalse(code.isEmpty(), response.body());
    refused.put(sql, code);
  }

  @Test
  void theReportIsBuiltFromTheTableWithTheFactsOfTheTraffic() throws SQLException {
    JsonNode auditLog = evidence.path("inputs").path("auditLog");
    assertEquals("postgres", auditLog.path("kind").asText(), auditLog.toString());
    assertEquals(reader, auditLog.path("user").asText(), "read as the assessor's login: " + auditLog);
    assertEquals("test", auditLog.path("node").asText());
    JsonNode verification = evidence.path("verification");
    assertTrue(verification.path("ok").asBoolean(), verification.toString());
    long records;
    try (Connection admin = database.connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM pangate_audit.records WHERE node = 'test'")) {
      rows.next();
      records = rows.getLong(1);
    }
    assertEquals(records, verification.path("records").asLong(), "every record of the table was verified");
    assertTrue(verification.path("closed").asBoolean(), "the closing seal is in the table: " + verification);
    assertTrue(evidence.path("builtOn").path("treeHead").asText().matches("\\d+:[0-9a-f]{64}"));
    assertEquals(records, evidence.path("builtOn").path("recordsCovered").asLong());

    JsonNode log = evidence.path("derived").path("log");
    JsonNode byTable = log.path("activity").path("statementsByAgentAndTable");
    for (String agent : List.of("support-bot", "fraud-analyst", "migration-bot")) {
      assertTrue(byTable.path(agent).path("payments.cards").asLong() >= 1, agent + ": " + byTable);
    }
    assertTrue(log.path("refusals").path("deniedByCode").has(refused.get("select * from payments.settlements"))
        || log.path("refusals").path("failedByCode").has(refused.get("select * from payments.settlements")),
        refused + " " + log.path("refusals"));
    assertTrue(log.path("refusals").path("deniedByCode").has(refused.get("delete from payments.cards where card_id = 1")),
        refused + " " + log.path("refusals"));
    assertTrue(log.path("refusals").path("failedByCode").has(refused.get("selec pan from payments.cards")),
        "a typo is a failed statement: " + refused + " " + log.path("refusals"));
    JsonNode approval = ApprovalSteps.decidedInReport(log, approvalId, "lost card, ticket 5150");
    assertEquals(1, approval.path("rowsChanged").asLong(), approval.toString());
    assertEquals(2, log.path("loginFailures").path("fraud-analyst").path("BAD_SECRET").asLong(),
        log.path("loginFailures").toString());
    assertTrue(log.path("policyEvents").toString().contains("POLICY_LOAD"), log.path("policyEvents").toString());
    assertTrue(log.path("auditStartsAndStops").toString().contains("closing seal"));
    assertEquals(0, log.path("panScan").path("panLikeValues").asLong(), log.path("panScan").toString());

    CliRun asWriter = CliRun.of("evidence", "--config", fixture.directory().resolve("pangate.yaml").toString(),
        "--from", "2026-01-01", "--to", "2026-01-01", "--out", fixture.directory().resolve("as-writer").toString());
    assertEquals(2, asWriter.status(), asWriter.out() + asWriter.err());
    assertTrue(asWriter.err().contains("--audit-user NAME"), "the INSERT-only writer cannot read the store, and is told"
        + " what to do: " + asWriter.err());

    String commands = readCommands();
    assertTrue(commands.contains("--jdbc-url " + database.url() + " --node test --user " + reader), commands);
  }

  @Test
  void evidenceVerifyReadsTheTableAndFailsOnceARecordIsChanged() throws Exception {
    String keyset = report.resolve("audit-public.json").toString();
    CliRun ok = CliRun.of("evidence", "verify", report.toString(), "--public-keyset", keyset, "--user", reader);
    assertEquals(0, ok.status(), ok.out() + ok.err());
    assertTrue(ok.out().startsWith("OK: the report checks out against the log"), ok.out());

    CliRun audit = CliRun.of("audit", "verify", "--jdbc-url", database.url(), "--node", "test", "--user", reader,
        "--public-keyset", keyset, "--since", evidence.path("builtOn").path("treeHead").asText());
    assertEquals(0, audit.status(), audit.out() + audit.err());

    // The store refuses UPDATE even for its owner; an administrator who turns its triggers off can
    // still change a record, and the report no longer checks out.
    try (Connection admin = database.connect(); Statement statement = admin.createStatement()) {
      statement.execute("ALTER TABLE pangate_audit.records DISABLE TRIGGER USER");
      try {
        int changed = statement.executeUpdate("UPDATE pangate_audit.records"
            + " SET record = replace(record, 'lost card, ticket 5150', 'lost card, ticket 5151')"
            + " WHERE node = 'test' AND record LIKE '%lost card, ticket 5150%'");
        assertTrue(changed >= 1, "the approval's reason is in the table");
      } finally {
        statement.execute("ALTER TABLE pangate_audit.records ENABLE TRIGGER USER");
      }
    }
    CliRun tampered = CliRun.of("evidence", "verify", report.toString(), "--public-keyset", keyset, "--user", reader);
    assertEquals(1, tampered.status(), tampered.out() + tampered.err());
    assertTrue(tampered.out().startsWith("FAILED"), tampered.out());
    assertTrue(tampered.out().contains("problem:"), tampered.out());
  }

  private String readCommands() {
    try {
      return Files.readString(report.resolve("VERIFY.txt"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
