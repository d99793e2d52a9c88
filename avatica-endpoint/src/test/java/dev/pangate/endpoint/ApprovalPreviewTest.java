package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An approver reading a held write sees how many rows, and which, it would change, as the
 * approver's own role sees them: the rows the write's WHERE selects within the requester's row
 * filter, read when the approver asks, through the approver's masks, hidden columns and row
 * filter. Checked against PostgreSQL read directly and against the approver's own SELECT through
 * the stock driver; raw PANs never appear, rows the approver may not see are counted, not shown.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalPreviewTest {

  private static final String BOT = "migration-bot";
  private static final String OFFICER = "security-officer";
  private static final String AUDITOR = "fraud-analyst";

  /**
   * The migrator writes cards 1-40 (its row filter); the officer sees cards 1-30 with PANs as
   * tokens of the migrator's family and no cardholder ids; a second approver sees every card with
   * PANs truncated.
   */
  private static final String POLICY = String.join("\n",
      "version: 1",
      "token_families:",
      "  pan: {key: tokenization, keep_first: 6, keep_last: 4, luhn: fail}",
      "agents:",
      "  migration-bot: {role: migrator}",
      "  security-officer: {role: officer}",
      "  fraud-analyst: {role: auditor}",
      "roles:",
      "  migrator:",
      "    detokenize: [pan]",
      "    tables:",
      "      payments.cards:",
      "        columns_default: clear",
      "        columns:",
      "          pan: {mask: tokenize, family: pan}",
      "        row_filter: \"card_id <= 40\"",
      "        dml: approval",
      "  officer:",
      "    approve: true",
      "    tables:",
      "      payments.cards:",
      "        columns_default: clear",
      "        columns:",
      "          pan: {mask: tokenize, family: pan}",
      "          cardholder_id: deny",
      "        row_filter: \"card_id <= 30\"",
      "  auditor:",
      "    approve: true",
      "    tables:",
      "      payments.cards:",
      "        columns_default: clear",
      "        columns:",
      "          pan: {mask: truncate, keep_first: 6, keep_last: 4}",
      "");

  private EndpointFixture fixture;
  /** A second gateway on the same database and approval store. */
  private EndpointFixture other;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database).policy(POLICY).start();
    other = EndpointFixture.builder(database).joining(fixture, "gw-b").start();
  }

  @AfterAll
  void stop() throws Exception {
    other.close();
    fixture.close();
  }

  private JsonNode request(String identity, String id) throws Exception {
    return request(fixture, identity, id);
  }

  private JsonNode request(EndpointFixture gateway, String identity, String id) throws Exception {
    HttpResponse<String> found = gateway.get("/v1/approvals/" + id, identity);
    assertEquals(200, found.statusCode(), found.body());
    for (String pan : fixture.allPans()) {
      assertFalse(found.body().contains(pan), "a raw PAN in the approver's document");
    }
    return JSON.readTree(found.body());
  }

  /** Card ids PostgreSQL holds for a condition, in key order. */
  private List<Long> cardIds(String where) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("SELECT card_id FROM payments.cards WHERE " + where
            + " ORDER BY card_id")) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    return ids;
  }

  /** The rows an identity's own SELECT returns for the cards, as text, in key order. */
  private List<List<String>> ownRows(String identity, List<Long> ids) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = fixture.connect(identity);
        PreparedStatement statement = connection.prepareStatement(
            "select * from payments.cards where card_id = ?")) {
      for (long id : ids) {
        statement.setLong(1, id);
        try (ResultSet row = statement.executeQuery()) {
          assertTrue(row.next(), identity + " sees card " + id);
          List<String> values = new ArrayList<>();
          for (int c = 1; c <= row.getMetaData().getColumnCount(); c++) {
            values.add(row.getString(c));
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }

  /** Runs a write as the migrator, which must be held; the request's id. */
  private String hold(String write) throws SQLException {
    try (Connection connection = fixture.connect(BOT); Statement statement = connection.createStatement()) {
      return held(() -> statement.executeUpdate(write));
    }
  }

  /** A card's PAN as the connection reads it (the migrator: its token; PostgreSQL: the PAN). */
  private static String pan(Connection connection, long cardId) throws SQLException {
    try (connection; PreparedStatement statement = connection.prepareStatement(
        "select pan from payments.cards where card_id = ?")) {
      statement.setLong(1, cardId);
      try (ResultSet row = statement.executeQuery()) {
        assertTrue(row.next());
        return row.getString(1);
      }
    }
  }

  private static List<List<String>> shown(JsonNode preview) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : preview.path("shown")) {
      List<String> values = new ArrayList<>();
      row.forEach(v -> values.add(v.isNull() ? null : v.asText()));
      rows.add(values);
    }
    return rows;
  }

  private static long column(List<List<String>> rows, int row, int column) {
    return Long.parseLong(rows.get(row).get(column));
  }

  @Test
  void theApproverSeesExactlyTheRowsTheWriteWouldChangeThroughItsOwnPolicy() throws Exception {
    String update = "update payments.cards set status = 'blocked' where card_id between 25 and 45";
    String id = hold(update);
    JsonNode document = request(OFFICER, id);
    JsonNode preview = document.path("preview");
    // Within the migrator's filter (<= 40): 25..40; the officer sees 25..30 of them.
    List<Long> selected = cardIds("card_id BETWEEN 25 AND 45 AND card_id <= 40");
    List<Long> visible = cardIds("card_id BETWEEN 25 AND 45 AND card_id <= 30");
    assertTrue(preview.path("available").asBoolean(), preview.toString());
    assertEquals(selected.size(), preview.path("rows").asLong(), preview.toString());
    assertFalse(preview.path("truncated").asBoolean());
    assertFalse(preview.path("changed_since_request").asBoolean());
    assertEquals(selected.size() - visible.size(), preview.path("hidden").asInt(), "counted, not shown");
    List<List<String>> rows = shown(preview);
    assertEquals(ownRows(OFFICER, visible), rows, "the rows as the officer's own SELECT returns them");
    List<String> columns = new ArrayList<>();
    preview.path("columns").forEach(c -> columns.add(c.asText()));
    assertFalse(columns.contains("cardholder_id"), "a column the officer may not see is absent");
    assertTrue(columns.contains("pan"));
    for (int r = 0; r < rows.size(); r++) {
      assertTrue(column(rows, r, columns.indexOf("card_id")) <= 30, "no row the officer may not see");
    }

    // Another approver sees the same rows through its own policy: all of them, PANs truncated.
    JsonNode auditors = request(AUDITOR, id).path("preview");
    assertEquals(0, auditors.path("hidden").asInt());
    assertEquals(ownRows(AUDITOR, selected), shown(auditors));

    JsonNode write = document.path("write");
    assertEquals("payments.cards.status", write.path("sets").get(0).path("column").asText());
    assertEquals("'blocked'", write.path("sets").get(0).path("value").asText());
    assertEquals("card_id between 25 and 45", write.path("where").asText());
    assertTrue(document.path("plan").asText().contains("LogicalTableModify"), "the plan is kept in the JSON");

    CliRun shown = CliRun.withEnvironment(Map.of("PANGATE_SECRET", fixture.secret(OFFICER)),
        "approvals", "show", id, "--url", fixture.baseUri().toString(), "--user", OFFICER);
    assertEquals(0, shown.status(), shown.err());
    String text = shown.out();
    assertTrue(text.contains("statement   " + update), text);
    assertTrue(text.contains("sets        payments.cards.status = 'blocked'"), text);
    assertTrue(text.contains("where       card_id between 25 and 45"), text);
    assertTrue(text.contains("rows        " + selected.size() + " rows would change"), text);
    assertTrue(text.contains((selected.size() - visible.size()) + " rows are outside what your role sees"
        + " of payments.cards: counted, not shown"), text);
    assertTrue(text.contains(rows.get(0).get(columns.indexOf("pan"))), "the token is shown: " + text);
    assertFalse(text.contains("LogicalTableModify") || text.contains("$f0"), "no raw plan: " + text);
    CliRun withPlan = CliRun.withEnvironment(Map.of("PANGATE_SECRET", fixture.secret(OFFICER)),
        "approvals", "show", id, "--plan", "--url", fixture.baseUri().toString(), "--user", OFFICER);
    assertEquals(0, withPlan.status(), withPlan.err());
    assertTrue(withPlan.out().contains("LogicalTableModify") && withPlan.out().contains("UPDATE \"payments\".\"cards\" SET"),
        withPlan.out());
  }

  @Test
  void aPreparedWriteShowsEachParameterWithItsValue() throws Exception {
    String id;
    try (Connection connection = fixture.connect(BOT); PreparedStatement statement = connection.prepareStatement(
        "update payments.cards set status = ? where card_id = ?")) {
      statement.setString(1, "blocked");
      statement.setLong(2, 5);
      id = held(statement::executeUpdate);
    }
    JsonNode document = request(OFFICER, id);
    assertEquals("? ('blocked')", document.path("write").path("sets").get(0).path("value").asText());
    assertEquals("card_id = ? (parameter 2 = '5')", document.path("write").path("where").asText());
    List<List<String>> rows = shown(document.path("preview"));
    assertEquals(ownRows(OFFICER, List.of(5L)), rows);
  }

  @Test
  void anotherGatewaySharingTheStorePreviewsWhatItCanVerify() throws Exception {
    String id = hold("update payments.cards set status = 'blocked' where card_id between 3 and 6");
    JsonNode here = request(OFFICER, id).path("preview");
    JsonNode there = request(other, OFFICER, id).path("preview");
    assertTrue(there.path("available").asBoolean(), there.toString());
    assertEquals(here.path("rows").asLong(), there.path("rows").asLong());
    assertEquals(shown(here), shown(there), "the statement planned again from the stored text");
    assertEquals(ownRows(OFFICER, cardIds("card_id BETWEEN 3 AND 6")), shown(there));

    // A prepared write's values are not in the store: the other gateway says so, never guesses.
    String prepared;
    try (Connection connection = fixture.connect(BOT); PreparedStatement statement = connection.prepareStatement(
        "update payments.cards set status = 'blocked' where card_id = ?")) {
      statement.setLong(1, 4);
      prepared = held(statement::executeUpdate);
    }
    JsonNode unknown = request(other, OFFICER, prepared).path("preview");
    assertFalse(unknown.path("available").asBoolean(), unknown.toString());
    assertTrue(unknown.path("note").asText().contains("does not hold the statement's values"), unknown.toString());
    assertEquals(0, unknown.path("shown").size());
    assertTrue(request(OFFICER, prepared).path("preview").path("available").asBoolean(),
        "the gateway that holds it previews it");
  }

  @Test
  void rowsTheApproverMayNotSeeAreCountedNotShown() throws Exception {
    // Every row this write selects is outside the officer's filter (31..40).
    String id = hold("update payments.cards set status = 'lost' where card_id > 30");
    JsonNode preview = request(OFFICER, id).path("preview");
    int selected = cardIds("card_id > 30 AND card_id <= 40").size();
    assertEquals(selected, preview.path("rows").asLong());
    assertEquals(selected, preview.path("hidden").asInt());
    assertEquals(0, preview.path("shown").size(), preview.toString());
  }

  @Test
  void aWriteNamingACardByTokenIsShownWithTheTokenNeverThePan() throws Exception {
    String token = pan(fixture.connect(BOT), 7);
    String pan = pan(fixture.database().connect(), 7);
    assertNotEquals(pan, token);
    String id = hold("update payments.cards set status = 'blocked' where pan = '" + token + "'");
    JsonNode document = request(OFFICER, id);
    JsonNode preview = document.path("preview");
    assertEquals(1, preview.path("rows").asLong());
    List<String> columns = new ArrayList<>();
    preview.path("columns").forEach(c -> columns.add(c.asText()));
    List<List<String>> rows = shown(preview);
    assertEquals(1, rows.size(), preview.toString());
    assertEquals("7", rows.get(0).get(columns.indexOf("card_id")));
    assertEquals(token, rows.get(0).get(columns.indexOf("pan")), "the token form, as the officer sees it");
    assertEquals("pan = '" + token + "'", document.path("write").path("where").asText(),
        "the token whole, so the approver can check which card");
    assertFalse(document.toString().contains(pan));
    AuditTrail audit = AuditTrail.of(fixture);
    ShownEntry read = audit.one("STATEMENT_START", entry -> id.equals(entry.text(EventEncoder.APPROVAL_ID))
        && OFFICER.equals(entry.text(EventEncoder.AGENT)));
    assertTrue(String.valueOf(read.text(EventEncoder.SQL)).startsWith("select * from \"payments\".\"cards\""),
        "the officer's read is audited as its own statement, linked to the request");
    assertFalse(fixture.auditText().contains(pan), "no PAN in the audit log");
  }

  @Test
  void theBoundTruncatesAndAChangeSinceTheRequestIsSaid() throws Exception {
    String id = hold("update payments.cards set status = 'expired' where card_id <= 40 and status <> 'zz-preview'");
    JsonNode preview = request(OFFICER, id).path("preview");
    assertEquals(40, preview.path("rows").asLong());
    assertTrue(preview.path("truncated").asBoolean());
    assertEquals(20, preview.path("limit").asInt());
    assertEquals(20, preview.path("shown").size() + preview.path("hidden").asInt());
    List<Long> first = cardIds("card_id <= 20");
    List<Long> shownIds = new ArrayList<>();
    preview.path("shown").forEach(row -> shownIds.add(row.get(0).asLong()));
    assertEquals(first, shownIds, "the first rows by key");
    CliRun shown = CliRun.withEnvironment(Map.of("PANGATE_SECRET", fixture.secret(OFFICER)),
        "approvals", "show", id, "--url", fixture.baseUri().toString(), "--user", OFFICER);
    assertTrue(shown.out().contains("(truncated: the first 20 of 40 rows; at most 20 are read)"),
        shown.out());

    // A row leaves the selection behind the gateway's back: the approver is told.
    String before = ApprovalSteps.cardStatus(fixture, 3);
    try (Connection admin = fixture.database().connect(); Statement direct = admin.createStatement()) {
      direct.executeUpdate("UPDATE payments.cards SET status = 'zz-preview' WHERE card_id = 3");
    }
    try {
      JsonNode again = request(OFFICER, id).path("preview");
      assertEquals(39, again.path("rows").asLong());
      assertEquals(40, again.path("rows_at_request").asLong());
      assertTrue(again.path("changed_since_request").asBoolean());
      CliRun changed = CliRun.withEnvironment(Map.of("PANGATE_SECRET", fixture.secret(OFFICER)),
          "approvals", "show", id, "--url", fixture.baseUri().toString(), "--user", OFFICER);
      assertTrue(changed.out().contains("39 rows would change") && changed.out().contains(
          "CHANGED since the request (40 then)"), changed.out());
    } finally {
      try (Connection admin = fixture.database().connect(); Statement direct = admin.createStatement()) {
        direct.executeUpdate("UPDATE payments.cards SET status = '" + before + "' WHERE card_id = 3");
      }
    }
  }

  @Test
  void anInsertShowsItsNewRowsMaskedForTheApprover() throws Exception {
    String token = pan(fixture.connect(BOT), 9);
    String pan = pan(fixture.database().connect(), 9);
    String insert = "insert into payments.cards (card_id, cardholder_id, pan, brand, expiry_month,"
        + " expiry_year, status, issued_at) values (39, 1, '" + token + "', 'Visa', 1, 2031, 'active',"
        + " date '2026-01-01')";
    String id = hold(insert);
    // The auditor truncates PANs: the new row's PAN (behind the token) shown as BIN and last four.
    JsonNode preview = request(AUDITOR, id).path("preview");
    assertEquals(1, preview.path("rows").asLong(), preview.toString());
    List<String> columns = new ArrayList<>();
    preview.path("columns").forEach(c -> columns.add(c.asText()));
    List<List<String>> rows = shown(preview);
    assertEquals(1, rows.size(), preview.toString());
    String shownPan = rows.get(0).get(columns.indexOf("pan"));
    assertEquals(pan.substring(0, 6), shownPan.substring(0, 6));
    assertEquals(pan.substring(pan.length() - 4), shownPan.substring(shownPan.length() - 4));
    assertNotEquals(pan, shownPan);
    assertEquals("Visa", rows.get(0).get(columns.indexOf("brand")));
    // The officer's role filters rows, which a row not yet written cannot be checked against.
    JsonNode officers = request(OFFICER, id).path("preview");
    assertEquals(1, officers.path("rows").asLong());
    assertEquals(1, officers.path("hidden").asInt());
    assertEquals(0, officers.path("shown").size());
  }
}
