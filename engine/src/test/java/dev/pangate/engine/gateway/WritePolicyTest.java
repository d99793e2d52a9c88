package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Writes obey row filters and masks; an approver may not approve its own request. */
@ExtendWith(PostgresExtension.class)
class WritePolicyTest {

  private static final String POLICY = """
      version: 1
      token_families:
        pan: {key: tokenization}
      agents:
        clerk: {role: clerk, attributes: {merchant_ids: [1, 2, 3]}}
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
        officer:
          approve: true
          tables:
            payments.cards:
              columns_default: clear
              columns:
                pan: deny
              dml: approval
      """;

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

  private static long count(String sql) throws Exception {
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long run(Session session, String sql) {
    try (ResultCursor cursor = session.query(sql, List.of())) {
      cursor.next();
      return (Long) cursor.row()[0];
    }
  }

  @Test
  void anUpdateAndADeleteReachOnlyTheRowsTheRowFilterShows() throws Exception {
    long mine = count("select count(*) from payments.transactions where merchant_id in (1, 2, 3)"
        + " and amount > 400 and txn_id not in (select txn_id from payments.disputes)");
    long others = count("select count(*) from payments.transactions where merchant_id not in (1, 2, 3)");
    assertTrue(mine > 0);
    try (Session clerk = fixture.session("clerk")) {
      assertEquals(mine, run(clerk, "update payments.transactions set status = 'reviewed'"
          + " where amount > 400 and txn_id not in (select txn_id from payments.disputes)"));
      assertEquals(0, count("select count(*) from payments.transactions where status = 'reviewed'"
          + " and merchant_id not in (1, 2, 3)"), "no other merchant's row was updated");
      assertEquals(mine, run(clerk, "delete from payments.transactions where status = 'reviewed'"));
    }
    assertEquals(others, count("select count(*) from payments.transactions where merchant_id not in (1, 2, 3)"),
        "no other merchant's row was deleted");
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
    long row = count("select min(txn_id) from payments.transactions where merchant_id = 1");
    int lines = 0;
    try (Session clerk = fixture.session("clerk");
        ResultCursor plan = clerk.query("explain plan for update payments.transactions"
            + " set status = 'explained' where txn_id = " + row, List.of())) {
      while (plan.next()) {
        lines++;
      }
    }
    assertTrue(lines > 1, "the plan is shown");
    assertEquals(0, count("select count(*) from payments.transactions where status = 'explained'"));
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
  void anApproverCannotApproveItsOwnRequest() {
    try (Session officerA = fixture.session("officer-a")) {
      EngineException held = assertThrows(EngineException.class,
          () -> run(officerA, "update payments.cards set status = 'x' where card_id = 9"));
      Matcher id = Pattern.compile("Request ([0-9a-f-]{36})").matcher(held.getMessage());
      assertTrue(id.find(), held.getMessage());
      Caller self = new Caller("officer-a", "127.0.0.1:1", "a", "test");
      EngineException selfApproval = assertThrows(EngineException.class,
          () -> fixture.gateway().approvals().approve(self, id.group(1), "looks fine"));
      assertEquals("SELF_APPROVAL", selfApproval.code());
      Caller other = new Caller("officer-b", "127.0.0.1:2", "b", "test");
      fixture.gateway().approvals().approve(other, id.group(1), "four eyes");
      assertEquals(1L, run(officerA, "update payments.cards set status = 'x' where card_id = 9"));
    }
  }
}
