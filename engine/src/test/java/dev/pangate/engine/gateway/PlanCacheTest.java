package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.sql.LiteralLifter;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The plan cache: shared plans for statements differing only in compared values; reload empties it. */
@ExtendWith(PostgresExtension.class)
class PlanCacheTest {

  private static GatewayFixture fixture;
  private static Session support;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    support = fixture.session("support-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    support.close();
    fixture.close();
  }

  private static List<Long> ids(PreparedQuery query) {
    List<Long> ids = new ArrayList<>();
    try (ResultCursor cursor = support.execute(query, List.of())) {
      while (cursor.next()) {
        ids.add((Long) cursor.row()[0]);
      }
    }
    return ids;
  }

  @Test
  void statementsDifferingOnlyInComparedValuesShareOnePlan() {
    PreparedQuery a = support.prepare("select txn_id from payments.transactions where txn_id = 2");
    PreparedQuery b = support.prepare("select txn_id from payments.transactions where txn_id = 40");
    assertSame(a.planned(), b.planned(), "one plan for both");
    assertEquals(List.of(2L), ids(a));
    assertEquals(List.of(40L), ids(b));
    assertEquals("select txn_id from payments.transactions where txn_id = 40", b.sql(),
        "the audit log records the statement as written");
    assertTrue(b.parameterTypes().isEmpty(), "the caller binds nothing");
  }

  @Test
  void aRepeatedStatementIsServedFromTheCache() {
    String sql = "select count(*) from payments.transactions where status = 'approved' and amount > 10";
    assertSame(support.prepare(sql).planned(), support.prepare(sql).planned());
  }

  @Test
  void valuesThatWouldNotBindExactlyKeepTheirOwnPlan() {
    PreparedQuery a = support.prepare(
        "select count(*) from payments.transactions where created_at > '2024-01-01'");
    PreparedQuery b = support.prepare(
        "select count(*) from payments.transactions where created_at > '2024-06-01'");
    assertNotSame(a.planned(), b.planned(), "a string compared with a timestamp is not lifted");
    assertNotEquals(ids(a), ids(b));
  }

  @Test
  void theLifterLeavesShapeLiteralsInTheText() {
    LiteralLifter.Lifted lifted = LiteralLifter.lift("select pan, 1 from payments.cards"
        + " where card_id in (1, 2) and brand like 'V%' and card_id between 1 and 9"
        + " and issued_at > date '2020-01-01' order by 1 limit 5");
    assertEquals("select pan, 1 from payments.cards where card_id in (?, ?) and brand like ?"
        + " and card_id between ? and ? and issued_at > date '2020-01-01' order by 1 limit 5",
        lifted.text());
    assertEquals(5, lifted.literals().size());
    assertEquals(null, LiteralLifter.lift("select 1 from payments.cards where card_id = ?"),
        "statements with their own parameters are left alone");
    LiteralLifter.Lifted quoted = LiteralLifter.lift("select x from t where s = 'it''s'");
    assertEquals("it's", quoted.literals().get(0).value());
  }

  @Test
  void anAbandonedResultIsAuditedAsAFailureNotAsCompleted() throws Exception {
    ResultCursor cursor = support.query("select txn_id from payments.transactions", List.of());
    assertTrue(cursor.next());
    cursor.abandon("CLIENT_GONE", "the client disconnected after 1 row");
    assertTrue(fixture.auditText().contains("the client disconnected after 1 row"));
    assertTrue(fixture.auditText().contains("\"CLIENT_GONE\""));
  }

  @Test
  void aPolicyReloadEmptiesTheCache() throws Exception {
    String sql = "select txn_id from payments.transactions where txn_id = 2";
    PreparedQuery before = support.prepare(sql);
    Files.writeString(fixture.policyFile(), Files.readString(fixture.policyFile()) + "\n# reloaded\n");
    fixture.gateway().reloadPolicy(fixture.policyFile(), "test");
    PreparedQuery after = support.prepare(sql);
    assertNotSame(before.planned(), after.planned());
    assertEquals(List.of(2L), ids(before), "a statement prepared before the reload is planned again");
  }
}
