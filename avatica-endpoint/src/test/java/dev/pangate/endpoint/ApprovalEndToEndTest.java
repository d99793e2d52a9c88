package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static dev.pangate.endpoint.ApprovalSteps.approve;
import static dev.pangate.endpoint.ApprovalSteps.cardStatus;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static dev.pangate.endpoint.ApprovalSteps.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Just-in-time approval end to end under the demo policy: writes sent by the demo agents through
 * the Avatica remote driver (JDBC {@code Statement} and {@code PreparedStatement}), decided over
 * {@code /v1/approvals} and with the {@code pangate approvals} command, and the audit log that
 * tells the story (verified with {@code pangate audit verify} once the gateway has stopped).
 * Replays, changed statements, other parameter values and the support bot's DELETE are refused
 * and change nothing.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalEndToEndTest {

  private static final String BOT = "migration-bot";
  private static final String OFFICER = "security-officer";

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  /** Stops the gateway (which seals its audit log) and verifies the whole log, strictly. */
  @AfterAll
  void stopAndVerifyTheAuditLog() throws Exception {
    fixture.close();
    CliRun verify = CliRun.of("audit", "verify", fixture.directory().resolve("audit").toString(),
        "--public-keyset", fixture.directory().resolve("keys/audit-signing.public.json").toString(),
        "--strict");
    assertEquals(0, verify.status(), verify.out() + verify.err());
    assertTrue(verify.out().startsWith("OK"), verify.out());
  }

  private static boolean approval(ShownEntry entry, String id) {
    return id.equals(entry.text(EventEncoder.APPROVAL_ID));
  }

  @Test
  void anApprovedUpdateRunsOnceAndTheAuditTellsTheWholeStory() throws Exception {
    String update = "update payments.cards set status = 'blocked-4711' where card_id = 7";
    String before = cardStatus(fixture, 7);
    String reason = "card reported stolen, ticket 4711";
    String id;
    String replayId;
    try (Connection connection = fixture.connect(BOT); Statement statement = connection.createStatement()) {
      id = held(() -> statement.executeUpdate(update));
      assertEquals(before, cardStatus(fixture, 7), "nothing ran while held");
      JsonNode approved = approve(fixture, id, reason);
      assertEquals("approved", approved.get("status").asText());
      assertEquals(OFFICER, approved.get("decided_by").asText());

      assertEquals(1, statement.executeUpdate(update), "the approved statement runs");
      assertEquals("blocked-4711", cardStatus(fixture, 7));
      replayId = held(() -> statement.executeUpdate(update));
      assertNotEquals(id, replayId, "an approval is used once: a replay is a new request");
    }
    JsonNode executed = request(fixture, id);
    assertEquals("executed", executed.get("status").asText());
    assertEquals(1, executed.get("rows_affected").asInt());
    assertEquals("pending", request(fixture, replayId).get("status").asText());

    AuditTrail audit = AuditTrail.of(fixture);
    ShownEntry requested = audit.one("APPROVAL_REQUEST", entry -> approval(entry, id));
    assertEquals(BOT, requested.text(EventEncoder.AGENT));
    assertTrue(requested.text(EventEncoder.SQL).contains("card_id = 7"));
    assertEquals("1", requested.map(EventEncoder.DETAILS).get("estimated_rows"));

    ShownEntry decided = audit.one("APPROVAL_DECISION", entry -> approval(entry, id));
    assertEquals(OFFICER, decided.text(EventEncoder.AGENT), "the approver is recorded");
    assertEquals(reason, decided.map(EventEncoder.DETAILS).get("reason"));
    assertEquals("APPROVED", decided.map(EventEncoder.DETAILS).get("decision"));
    assertEquals(BOT, decided.map(EventEncoder.DETAILS).get("requested_by"));
    assertEquals("success", decided.outcome());

    ShownEntry started = audit.one("STATEMENT_START", entry -> approval(entry, id));
    assertEquals(BOT, started.text(EventEncoder.AGENT));
    assertEquals(update, started.text(EventEncoder.SQL));
    ShownEntry ended = audit.end(started).orElseThrow();
    assertEquals("success", ended.outcome());
    assertEquals(1L, ended.number(EventEncoder.ROWS));

    ShownEntry ran = audit.one("APPROVAL_EXECUTED", entry -> approval(entry, id));
    assertEquals(1L, ran.number(EventEncoder.ROWS));
    assertTrue(requested.sequence() < decided.sequence() && decided.sequence() < started.sequence()
        && started.sequence() < ended.sequence() && ended.sequence() < ran.sequence(),
        "request, decision, run and execution are written in that order");

    assertEquals(1, audit.all("STATEMENT_START", entry -> update.equals(entry.text(EventEncoder.SQL)))
        .size(), "the statement ran once: held attempts never started");
    audit.one("APPROVAL_REQUEST", entry -> approval(entry, replayId));
  }

  @Test
  void aChangedStatementIsANewRequestAndDoesNotRun() throws Exception {
    String approvedSql = "update payments.cards set status = 'lost-8' where card_id = 8";
    String changedSql = "update payments.cards set status = 'lost-8' where card_id = 9";
    String before = cardStatus(fixture, 9);
    try (Connection connection = fixture.connect(BOT); Statement statement = connection.createStatement()) {
      String id = held(() -> statement.executeUpdate(approvedSql));
      approve(fixture, id, "card 8 lost, ticket 12");
      String changed = held(() -> statement.executeUpdate(changedSql));
      assertNotEquals(id, changed, "another card is another statement");
      assertEquals(before, cardStatus(fixture, 9), "the changed statement did not run");
      assertEquals("pending", request(fixture, changed).get("status").asText());
      assertEquals("approved", request(fixture, id).get("status").asText(),
          "the approval was not used up by the other statement");
      assertEquals(1, statement.executeUpdate(approvedSql), "the approved statement still runs");
    }
  }

  @Test
  void aPreparedStatementApprovedWithOneValueIsHeldWithAnother() throws Exception {
    String update = "update payments.cards set status = ? where card_id = ?";
    String before = cardStatus(fixture, 11);
    try (Connection connection = fixture.connect(BOT);
        PreparedStatement statement = connection.prepareStatement(update)) {
      statement.setString(1, "suspended-10");
      statement.setLong(2, 10);
      String id = held(statement::executeUpdate);
      JsonNode approved = approve(fixture, id, "suspend card 10, ticket 77");
      assertEquals(List.of("suspended-10", "10"), List.of(approved.get("parameters").get(0).asText(),
          approved.get("parameters").get(1).asText()), "the approver saw the values");

      statement.setLong(2, 11);
      String other = held(statement::executeUpdate);
      assertNotEquals(id, other, "another parameter value is another statement");
      assertEquals(before, cardStatus(fixture, 11));

      statement.setLong(2, 10);
      assertEquals(1, statement.executeUpdate(), "the approved values run");
      assertEquals("suspended-10", cardStatus(fixture, 10));
      assertNotEquals(id, held(statement::executeUpdate), "and only once");
    }
  }

  @Test
  void theSupportBotsDeleteIsRefusedAndChangesNothing() throws Exception {
    long before = transactions();
    try (Connection connection = fixture.connect("support-bot");
        Statement statement = connection.createStatement();
        PreparedStatement prepared = connection.prepareStatement(
            "delete from payments.transactions where txn_id = ?")) {
      SQLException mine = assertThrows(SQLException.class,
          () -> statement.executeUpdate("delete from payments.transactions where merchant_id = 1"));
      assertTrue(mine.getMessage().contains("WRITE_NOT_ALLOWED"), mine.getMessage());
      prepared.setLong(1, 1);
      SQLException byId = assertThrows(SQLException.class, prepared::executeUpdate);
      assertTrue(byId.getMessage().contains("WRITE_NOT_ALLOWED"), byId.getMessage());
      assertFalse(byId.getMessage().contains("APPROVAL"), "refused outright, not held");
    }
    assertEquals(before, transactions(), "no row changed");
    AuditTrail audit = AuditTrail.of(fixture);
    assertEquals(2, audit.all("ACCESS_DENIED", entry -> "support-bot".equals(entry.text(EventEncoder.AGENT))
        && "WRITE_NOT_ALLOWED".equals(AuditTrail.code(entry))).size(), "both refusals are audited");
    assertTrue(audit.all("APPROVAL_REQUEST",
        entry -> "support-bot".equals(entry.text(EventEncoder.AGENT))).isEmpty());
  }

  @Test
  void theCommandLineListsShowsAndApproves() throws Exception {
    String pan = fixture.allPans().stream().sorted().findFirst().orElseThrow();
    // The PAN and the escape sequence are agent text the approver's terminal must not get raw.
    String update = "update payments.cards set status = 'x\u001b[2J' where card_id = 12 or pan = '"
        + pan + "'";
    Map<String, String> officer = Map.of("PANGATE_SECRET", fixture.secret(OFFICER));
    String url = fixture.baseUri().toString();
    try (Connection connection = fixture.connect(BOT); Statement statement = connection.createStatement()) {
      String id = held(() -> statement.executeUpdate(update));

      CliRun list = CliRun.withEnvironment(officer, "approvals", "list", "--status", "pending",
          "--url", url, "--user", OFFICER);
      assertEquals(0, list.status(), list.err());
      assertTrue(list.out().contains(id + "  pending  UPDATE payments.cards by " + BOT), list.out());
      assertFalse(list.out().contains("\u001b"), "no escape sequence reaches the terminal");
      assertFalse(list.out().contains(pan), "no PAN in the list");
      CliRun json = CliRun.withEnvironment(officer, "approvals", "list", "--json", "--url", url,
          "--user", OFFICER);
      assertEquals(0, json.status(), json.err());
      assertTrue(JSON.readTree(json.out()).get("requests").toString().contains(id));
      assertFalse(json.out().contains(pan), "no PAN in the JSON either");

      CliRun own = CliRun.withEnvironment(Map.of("PANGATE_SECRET", fixture.secret(BOT)), "approvals",
          "approve", id, "--reason", "mine", "--url", url, "--user", BOT);
      assertEquals(1, own.status());
      assertTrue(own.err().contains("NOT_AN_APPROVER"), own.err());
      CliRun noSecret = CliRun.withEnvironment(Map.of(), "approvals", "approve", id, "--reason", "x",
          "--url", url, "--user", OFFICER);
      assertEquals(1, noSecret.status());
      assertTrue(noSecret.err().contains("PANGATE_SECRET"), noSecret.err());
      assertEquals(2, CliRun.withEnvironment(officer, "approvals", "approve", id, "--url", url,
          "--user", OFFICER).status(), "a decision needs --reason");

      CliRun approved = CliRun.withEnvironment(officer, "approvals", "approve", id, "--reason",
          "migration ticket 99", "--url", url, "--user", OFFICER);
      assertEquals(0, approved.status(), approved.err());
      assertTrue(approved.out().startsWith("approved request " + id), approved.out());
      CliRun shown = CliRun.withEnvironment(officer, "approvals", "show", id, "--url", url,
          "--user", OFFICER);
      assertEquals(0, shown.status(), shown.err());
      assertTrue(shown.out().contains("status      approved by " + OFFICER), shown.out());
      assertTrue(shown.out().contains("migration ticket 99"), shown.out());
      // The demo's officer sees no cardholder data: the rows are counted, not shown (docs/gateway.md).
      assertTrue(shown.out().contains("writes      UPDATE payments.cards\nsets        payments.cards.status = "),
          shown.out());
      assertTrue(shown.out().contains("\nwhere       card_id = 12 or pan = '"), shown.out());
      assertTrue(shown.out().contains("row would change, read ") || shown.out().contains("rows would change, read "),
          shown.out());
      assertTrue(shown.out().contains("preview     no row shown\n    (Your role does not see payments.cards:"
          + " its rows are counted, not shown.)"), shown.out());
      assertTrue(shown.out().contains("plan        (--plan prints"), shown.out());
      assertFalse(shown.out().contains(pan) || shown.out().contains("\u001b"), shown.out());

      assertEquals(1, statement.executeUpdate(update), "the statement approved on the command line runs");
    }
    assertFalse(fixture.auditText().contains(pan), "no PAN in the audit log");
  }

  private long transactions() throws SQLException {
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM payments.transactions")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
