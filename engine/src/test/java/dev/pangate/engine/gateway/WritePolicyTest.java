package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.approval.ApprovalStatus;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes obey row filters and masks: UPDATE and DELETE reach only visible rows, INSERT and UPDATE
 * leave only rows the role can see; an approver may not approve its own request.
 */
@ExtendWith(PostgresExtension.class)
class WritePolicyTest {

  /** Roles that write under row filters and masks; {@link TransactionTest} uses it too. */
  static final String POLICY = """
      version: 1
      token_families:
        pan: {key: tokenization}
      agents:
        clerk: {role: clerk, attributes: {merchant_ids: [1, 2, 3]}}
        teller: {role: teller, attributes: {merchant_ids: [1, 2, 3]}}
        stranger: {role: teller}
        stamper: {role: stamper, attributes: {merchant_ids: [1, 2, 3]}}
        supervisor: {role: supervisor, attributes: {merchant_ids: [1, 2, 3]}}
        officer-a: {role: officer}
        officer-b: {role: officer}
      roles:
        clerk:
          tables:
            payments.transactions:
              columns_default: clear
              columns:
                pan: {mask: tokenize, family: pan}
              row_filter: "merchant_id IN (:agent.merchant_ids)"
              dml: allow
            payments.disputes:
              columns_default: clear
              columns:
                pan: deny
        teller:
          tables:
            payments.transactions:
              columns_default: clear
              row_filter: >-
                merchant_id IN (:agent.merchant_ids)
                AND card_id IN (SELECT card_id FROM payments.cards WHERE status = 'active')
              dml: allow
        stamper:
          tables:
            payments.transactions:
              columns_default: clear
              columns:
                status: deny
              row_filter: "merchant_id IN (:agent.merchant_ids) AND status = 'pending'"
              dml: allow
        supervisor:
          tables:
            payments.transactions:
              columns_default: clear
              columns:
                pan: deny
              row_filter: "merchant_id IN (:agent.merchant_ids)"
              dml: approval
        officer:
          approve: true
          tables:
            payments.cards:
              columns_default: clear
              columns:
                pan: deny
              dml: approval
      """;

  /** A PAN-shaped value and a distinctive amount that inserts write; no message may show them. */
  private static final String PAN = "4111111111111111";
  private static final String AMOUNT = "31337.42";

  private static GatewayFixture fixture;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.withPolicy(database, POLICY);
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
      statement.execute("GRANT DELETE ON payments.transactions TO " + fixture.gatewayRole());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static long scalar(String sql) throws Exception {
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String insert(long txnId, long cardId, int merchantId) {
    return "insert into payments.transactions (txn_id, card_id, pan, merchant_id, amount, currency,"
        + " created_at, status) values " + row(txnId, cardId, merchantId);
  }

  private static String row(long txnId, long cardId, int merchantId) {
    return "(" + txnId + ", " + cardId + ", '" + PAN + "', " + merchantId + ", " + AMOUNT
        + ", 'EUR', timestamp '2024-06-01 12:00:00', 'pending')";
  }

  private static long activeCard() throws Exception {
    return scalar("select min(card_id) from payments.cards where status = 'active'");
  }

  private static long firstTransaction(int merchantId) throws Exception {
    return scalar("select min(txn_id) from payments.transactions where merchant_id = " + merchantId);
  }

  private static long transactions() throws Exception {
    return scalar("select count(*) from payments.transactions");
  }

  private static EngineException refusedByRowFilter(Session session, String sql,
      Object... parameters) {
    EngineException refused = assertThrows(EngineException.class, () -> {
      try (ResultCursor cursor = session.query(sql, List.of(parameters))) {
        cursor.next();
      }
    });
    assertEquals("ROW_FILTER_VIOLATION", refused.code(), refused.getMessage());
    return refused;
  }

  private static long run(Session session, String sql, Object... parameters) {
    try (ResultCursor cursor = session.query(sql, List.of(parameters))) {
      cursor.next();
      return (Long) cursor.row()[0];
    }
  }

  private static String requestId(EngineException held) {
    assertEquals("APPROVAL_REQUIRED", held.code(), held.getMessage());
    Matcher id = Pattern.compile("Request ([0-9a-f-]{36})").matcher(held.getMessage());
    assertTrue(id.find(), held.getMessage());
    return id.group(1);
  }

  @Test
  void anUpdateAndADeleteReachOnlyTheRowsTheRowFilterShows() throws Exception {
    long mine = scalar("select count(*) from payments.transactions where merchant_id in (1, 2, 3)"
        + " and amount > 400 and txn_id not in (select txn_id from payments.disputes)");
    String othersCount = "select count(*) from payments.transactions where merchant_id not in (1, 2, 3)";
    long others = scalar(othersCount);
    assertTrue(mine > 0);
    try (Session clerk = fixture.session("clerk")) {
      assertEquals(mine, run(clerk, "update payments.transactions set status = 'reviewed'"
          + " where amount > 400 and txn_id not in (select txn_id from payments.disputes)"));
      assertEquals(0, scalar("select count(*) from payments.transactions where status = 'reviewed'"
          + " and merchant_id not in (1, 2, 3)"), "no other merchant's row was updated");
      assertEquals(mine, run(clerk, "delete from payments.transactions where status = 'reviewed'"));
    }
    assertEquals(others, scalar(othersCount), "no other merchant's row was deleted");
  }

  @Test
  void anUnsafePredicateInAWriteDoesNotFailOnHiddenRows() {
    try (Session clerk = fixture.session("clerk")) {
      // Divides by zero only on merchant 4's rows, which the clerk does not see.
      long changed = run(clerk, "update payments.transactions set currency = currency"
          + " where 1/(case when merchant_id = 4 then 0 else 1 end) = 1 and txn_id < 50");
      assertTrue(changed >= 0);
    }
  }

  @Test
  void explainingAWriteShowsItsPlanAndWritesNothing() throws Exception {
    long row = firstTransaction(1);
    int lines = 0;
    try (Session clerk = fixture.session("clerk");
        ResultCursor plan = clerk.query("explain plan for update payments.transactions"
            + " set status = 'explained' where txn_id = " + row, List.of())) {
      while (plan.next()) {
        lines++;
      }
    }
    assertTrue(lines > 1, "the plan is shown");
    assertEquals(0, scalar("select count(*) from payments.transactions where status = 'explained'"));
  }

  @Test
  void aWriteOfATokenColumnNeedsTheDetokenizePermission() {
    try (Session clerk = fixture.session("clerk")) {
      EngineException refused = assertThrows(EngineException.class,
          () -> run(clerk, "update payments.transactions set pan = '4111111111111111' where txn_id = 1"));
      assertEquals("WRITE_REFUSED", refused.code());
    }
  }

  @Test
  void anInsertInsideTheRowFilterIsWrittenByOneStatementThatChecksIt() throws Exception {
    long before = transactions();
    try (Session teller = fixture.session("teller")) {
      String insert = insert(900_000_001L, activeCard(), 2);
      String pushed = teller.prepare(insert).planned().pushedSql();
      assertTrue(pushed.startsWith("WITH \"written_rows\" AS (INSERT INTO \"payments\".\"transactions\""
          + " (\"txn_id\", \"card_id\", \"pan\", \"merchant_id\", \"amount\", \"currency\","
          + " \"created_at\", \"status\", \"auth_code\") SELECT "), pushed);
      assertTrue(pushed.endsWith(" RETURNING \"card_id\", \"merchant_id\") SELECT COUNT(*) AS"
          + " \"written\", COUNT(*) FILTER (WHERE ((\"merchant_id\" = 1 OR \"merchant_id\" = 2 OR"
          + " \"merchant_id\" = 3) AND \"card_id\" IN (SELECT \"card_id\" FROM \"payments\".\"cards\""
          + " WHERE \"status\" = 'active')) IS NOT TRUE) AS \"outside\" FROM \"written_rows\""),
          pushed);
      assertEquals(1L, run(teller, insert), "the rows-affected figure is the rows written");
      List<String> explain = new ArrayList<>();
      try (ResultCursor cursor = teller.query("explain plan for " + insert, List.of())) {
        while (cursor.next()) {
          explain.add((String) cursor.row()[0]);
        }
      }
      assertTrue(explain.contains("-- every row this INSERT writes must pass your row filter"
          + " payments.transactions: merchant_id IN (:agent.merchant_ids) AND card_id IN (SELECT"
          + " card_id FROM payments.cards WHERE status = 'active'); if one does not, nothing is"
          + " written."), String.join("\n", explain));
    }
    assertEquals(before + 1, transactions());
    assertEquals(2L, scalar("select merchant_id from payments.transactions where txn_id = 900000001"));
  }

  @Test
  void anInsertOfARowOutsideTheRowFilterIsRefusedAndWritesNothing() throws Exception {
    long before = transactions();
    long blocked = scalar("select min(card_id) from payments.cards where status <> 'active'");
    try (Session teller = fixture.session("teller")) {
      EngineException otherMerchant = refusedByRowFilter(teller,
          insert(987_654_321L, activeCard(), 4));
      assertEquals("The INSERT would write 1 row(s) that role 'teller' could not see (its row filter"
          + " for payments.transactions is: merchant_id IN (:agent.merchant_ids) AND card_id IN"
          + " (SELECT card_id FROM payments.cards WHERE status = 'active')); nothing was written."
          + " Write only rows inside your row filter.", otherMerchant.getMessage());
      for (String value : List.of(PAN, "987654321", AMOUNT, "EUR", "2024-06-01")) {
        assertFalse(otherMerchant.getMessage().contains(value), value + " is in the message");
      }
      // Inside the merchants, outside the filter's sub-query (a card that is not active).
      refusedByRowFilter(teller, insert(900_000_011L, blocked, 1));
      EngineException oneBadRow = refusedByRowFilter(teller, insert(900_000_012L, activeCard(), 1)
          + ", " + row(900_000_013L, activeCard(), 5));
      assertTrue(oneBadRow.getMessage().startsWith("The INSERT would write 1 row(s) "),
          oneBadRow.getMessage());
      // The same with the values bound as parameters.
      refusedByRowFilter(teller, "insert into payments.transactions (txn_id, card_id, pan,"
          + " merchant_id, amount, currency, created_at, status) values (?, ?, ?, ?, 1.00, 'EUR',"
          + " timestamp '2024-06-01 12:00:00', 'pending')", 900_000_014L, activeCard(), PAN, 6);
    }
    assertEquals(before, transactions(), "no row was written, not even the one inside the filter");
    assertEquals(0L, scalar("select count(*) from payments.transactions where txn_id in"
        + " (987654321, 900000011, 900000012, 900000013, 900000014)"));
  }

  @Test
  void anInsertSelectIsCheckedRowByRow() throws Exception {
    String visible = "merchant_id = 1 and card_id in (select card_id from payments.cards"
        + " where status = 'active') and txn_id < 500";
    long copies = scalar("select count(*) from payments.transactions where " + visible);
    assertTrue(copies > 1, "the demo data has rows to copy");
    long before = transactions();
    String copy = "insert into payments.transactions (txn_id, card_id, pan, merchant_id, amount,"
        + " currency, created_at, status) select txn_id + 800000000, card_id, pan, %s, amount,"
        + " currency, created_at, status from payments.transactions where merchant_id = 1"
        + " and txn_id < 500";
    try (Session teller = fixture.session("teller")) {
      EngineException moved = refusedByRowFilter(teller, copy.formatted("4"));
      assertTrue(moved.getMessage().startsWith("The INSERT would write " + copies + " row(s) "),
          moved.getMessage());
      assertEquals(before, transactions());
      assertEquals(copies, run(teller, copy.formatted("merchant_id")));
    }
    assertEquals(before + copies, transactions());
  }

  @Test
  void anInsertByAnAgentWithoutTheFiltersAttributeIsRefused() throws Exception {
    long before = transactions();
    try (Session stranger = fixture.session("stranger")) {
      EngineException refused = assertThrows(EngineException.class,
          () -> run(stranger, insert(900_000_021L, activeCard(), 1)));
      assertEquals("MISSING_AGENT_ATTRIBUTE", refused.code(), refused.getMessage());
    }
    assertEquals(before, transactions());
  }

  @Test
  void theCheckSeesTheStoredRowIncludingTheDefaultOfADeniedColumn() throws Exception {
    // The stamper cannot see or write status; its filter accepts only status 'pending'.
    String insert = "insert into payments.transactions (txn_id, card_id, pan, merchant_id, amount,"
        + " currency, created_at) values (%d, " + activeCard() + ", '" + PAN + "', 1, 1.00, 'EUR',"
        + " timestamp '2024-06-01 12:00:00')";
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        Session stamper = fixture.session("stamper")) {
      statement.execute("ALTER TABLE payments.transactions ALTER COLUMN status SET DEFAULT 'pending'");
      try {
        assertEquals(1L, run(stamper, insert.formatted(900_000_031L)));
        statement.execute("ALTER TABLE payments.transactions ALTER COLUMN status SET DEFAULT 'held'");
        refusedByRowFilter(stamper, insert.formatted(900_000_032L));
      } finally {
        statement.execute("ALTER TABLE payments.transactions ALTER COLUMN status DROP DEFAULT");
      }
    }
    assertEquals(1L, scalar("select count(*) from payments.transactions where txn_id in"
        + " (900000031, 900000032)"));
  }

  @Test
  void anUpdateThatMovesARowOutOfTheRowFilterIsRefusedAndChangesNothing() throws Exception {
    long first = firstTransaction(1);
    long third = firstTransaction(3);
    try (Session clerk = fixture.session("clerk")) {
      String move = "update payments.transactions set merchant_id = 4 where txn_id = " + first;
      assertEquals("WITH \"written_rows\" AS (UPDATE \"payments\".\"transactions\" SET"
          + " \"merchant_id\" = 4 WHERE \"txn_id\" IN (SELECT \"txn_id\" FROM"
          + " \"payments\".\"transactions\" WHERE (\"merchant_id\" = 1 OR \"merchant_id\" = 2 OR"
          + " \"merchant_id\" = 3) AND \"txn_id\" = ?) RETURNING \"merchant_id\") SELECT COUNT(*) AS"
          + " \"written\", COUNT(*) FILTER (WHERE (\"merchant_id\" = 1 OR \"merchant_id\" = 2 OR"
          + " \"merchant_id\" = 3) IS NOT TRUE) AS \"outside\" FROM \"written_rows\"",
          clerk.prepare(move).planned().pushedSql());
      EngineException refused = refusedByRowFilter(clerk, move);
      assertTrue(refused.getMessage().startsWith("The UPDATE would write 1 row(s) that role"
          + " 'clerk' could not see"), refused.getMessage());
      refusedByRowFilter(clerk, "update payments.transactions set merchant_id = ?"
          + " where txn_id = ?", 4, first);
      // One row stays inside (1 -> 2), the other leaves (3 -> 4): neither is written.
      refusedByRowFilter(clerk, "update payments.transactions set merchant_id = merchant_id + 1"
          + " where txn_id in (" + first + ", " + third + ")");
    }
    assertEquals(1L, scalar("select merchant_id from payments.transactions where txn_id = " + first));
    assertEquals(3L, scalar("select merchant_id from payments.transactions where txn_id = " + third));
    String audit = fixture.auditText();
    assertTrue(audit.contains("ROW_FILTER_VIOLATION"), "the refusal is audited");
  }

  @Test
  void anUpdateThatKeepsTheRowInsideTheRowFilterIsWritten() throws Exception {
    long row = firstTransaction(2);
    try (Session clerk = fixture.session("clerk")) {
      assertEquals(1L, run(clerk, "update payments.transactions set merchant_id = 3"
          + " where txn_id = " + row));
      assertEquals(3L, scalar("select merchant_id from payments.transactions where txn_id = " + row));
      assertEquals(1L, run(clerk, "update payments.transactions set merchant_id = ?, amount = ?"
          + " where txn_id = ?", 2, new java.math.BigDecimal("12.34"), row));
    }
    assertEquals(2L, scalar("select merchant_id from payments.transactions where txn_id = " + row));
  }

  @Test
  void writesWithoutARowFilterOnTheTargetAreSentWithoutTheCheck() {
    try (Session officer = fixture.session("officer-a"); Session clerk = fixture.session("clerk")) {
      PlannedStatement update = officer.prepare(
          "update payments.cards set status = 'x' where card_id = 9").planned();
      assertNull(update.rowFilterCheck());
      assertTrue(update.pushedSql().startsWith("UPDATE \"payments\".\"cards\" SET"),
          update.pushedSql());
      assertFalse(update.pushedSql().contains("RETURNING"), update.pushedSql());
      // A DELETE leaves no row behind, so it has nothing to check.
      PlannedStatement delete = clerk.prepare(
          "delete from payments.transactions where txn_id = 1").planned();
      assertNull(delete.rowFilterCheck());
      assertTrue(delete.pushedSql().startsWith("DELETE FROM"), delete.pushedSql());
    }
  }

  @Test
  void anApprovedWriteIsCheckedAndCountsTheRowsItWrote() throws Exception {
    long row = firstTransaction(3);
    Caller approver = new Caller("officer-b", "127.0.0.1:2", "b", "test");
    Approvals approvals = fixture.gateway().approvals();
    try (Session supervisor = fixture.session("supervisor")) {
      String out = "update payments.transactions set merchant_id = 7 where txn_id = " + row;
      String outId = requestId(assertThrows(EngineException.class, () -> run(supervisor, out)));
      approvals.approve(approver, outId, "checked by the gateway");
      refusedByRowFilter(supervisor, out);
      assertEquals(3L, scalar("select merchant_id from payments.transactions where txn_id = " + row));
      assertEquals(ApprovalStatus.APPROVED, approvals.get(approver, outId).status(),
          "a refused write does not consume its approval");

      String in = "update payments.transactions set merchant_id = 1 where txn_id = " + row;
      String id = requestId(assertThrows(EngineException.class, () -> run(supervisor, in)));
      approvals.approve(approver, id, "inside the filter");
      assertEquals(1L, run(supervisor, in));
      assertEquals(1L, approvals.get(approver, id).rowsAffected());
    }
    assertEquals(1L, scalar("select merchant_id from payments.transactions where txn_id = " + row));
  }

  @Test
  void anApproverCannotApproveItsOwnRequest() throws Exception {
    try (Session officerA = fixture.session("officer-a")) {
      String id = requestId(assertThrows(EngineException.class,
          () -> run(officerA, "update payments.cards set status = 'x' where card_id = 9")));
      Caller self = new Caller("officer-a", "127.0.0.1:1", "a", "test");
      EngineException selfApproval = assertThrows(EngineException.class,
          () -> fixture.gateway().approvals().approve(self, id, "looks fine"));
      assertEquals("SELF_APPROVAL", selfApproval.code());
      assertTrue(fixture.auditText().lines().anyMatch(line -> line.contains("\"APPROVAL_DECISION\"")
          && line.contains("SELF_APPROVAL") && line.contains("officer-a") && line.contains(id)),
          "the self-approval attempt is audited");
      Caller other = new Caller("officer-b", "127.0.0.1:2", "b", "test");
      fixture.gateway().approvals().approve(other, id, "four eyes");
      assertEquals(1L, run(officerA, "update payments.cards set status = 'x' where card_id = 9"));
    }
  }
}
