package dev.pangate.engine.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code WITH RECURSIVE} runs in PostgreSQL as a recursive query, every table inside its
 * non-recursive and recursive terms read through the role's view (row filter, masks), and
 * answers as PostgreSQL answers the same statement over what the role sees.
 */
@ExtendWith(PostgresExtension.class)
class RecursiveQueryTest {

  private static GatewayFixture fixture;
  private static Session support;
  private static Session fraud;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    support = fixture.session("support-bot");
    fraud = fixture.session("fraud-analyst");
  }

  @AfterAll
  static void stop() throws Exception {
    support.close();
    fraud.close();
    fixture.close();
  }

  private static List<List<String>> rows(Session session, String sql) {
    return GatewayFixture.rows(session, sql);
  }

  /** The statement runs in PostgreSQL as one recursive query and answers as PostgreSQL does. */
  private static void sameAsPostgresql(Session session, String sql) throws Exception {
    PlannedStatement planned = session.prepare(sql).planned();
    assertEquals(1, planned.queries().size(), "one statement sent to PostgreSQL");
    assertTrue(planned.pushedSql().contains("WITH RECURSIVE"), planned.pushedSql());
    assertEquals(fixture.direct(sql), rows(session, sql), sql);
  }

  @Test
  void aCounterAndADateSpineAnswerAsInPostgresql() throws Exception {
    sameAsPostgresql(fraud, "with recursive r(n) as (select 1 union all select n + 1 from r"
        + " where n < 10) select n from r order by n");
    sameAsPostgresql(fraud, "with recursive days(d) as (select date '2024-02-25' union all"
        + " select cast(d + 1 as date) from days where d < date '2024-03-03') select d from days"
        + " order by d");
  }

  @Test
  void aUnionRecursionEndsWhenItFindsNoNewRow() throws Exception {
    // UNION discards rows equal to any earlier row: the cycle 1..5 ends; UNION ALL would not.
    sameAsPostgresql(fraud, "with recursive r(n) as (select 1 union select n % 5 + 1 from r)"
        + " select n from r order by n");
    sameAsPostgresql(fraud, "with recursive r(n, m) as (select 1, 1 union select m, n % 3 + 1"
        + " from r) select n, m from r order by n, m");
  }

  @Test
  void aLimitStopsAnEndlessRecursionAsInPostgresql() throws Exception {
    sameAsPostgresql(fraud, "with recursive r(n) as (select 1 union all select n + 1 from r)"
        + " select n from r limit 7");
  }

  @Test
  void aRecursionJoinedToTablesAndReadTwiceAnswersAsInPostgresql() throws Exception {
    sameAsPostgresql(fraud, "with recursive r(n) as (select 1 union all select n + 1 from r"
        + " where n < 4) select m.merchant_id, m.name, r.n from payments.merchants m join r on"
        + " m.merchant_id = r.n order by m.merchant_id");
    sameAsPostgresql(fraud, "with recursive r(n) as (select 1 union all select n + 1 from r"
        + " where n < 3) select a.n, b.n from r a join r b on b.n >= a.n order by 1, 2");
    sameAsPostgresql(fraud, "with recursive walk(id, depth) as (select min(txn_id), 0 from"
        + " payments.transactions union all select t.txn_id, w.depth + 1 from walk w join"
        + " payments.transactions t on t.txn_id = w.id + 1 where w.depth < 20) select id, depth"
        + " from walk order by depth");
  }

  @Test
  void severalRecursiveQueriesAndOneOverAnotherAnswerAsInPostgresql() throws Exception {
    sameAsPostgresql(fraud, "with recursive a(n) as (select 1 union all select n + 1 from a"
        + " where n < 3), b(m) as (select n from a union all select m * 10 from b where m < 100)"
        + " select m from b order by m");
    sameAsPostgresql(fraud, "with recursive a(n) as (select 1 union all select n + 1 from a"
        + " where n < 3), b(n) as (select 10 union all select n + 10 from b where n < 30)"
        + " select a.n, b.n from a, b order by 1, 2");
  }

  @Test
  void theRowFilterHoldsInsideTheRecursiveTerm() throws Exception {
    // A walk along consecutive transaction ids: support-bot's stops at the first transaction of
    // a merchant it may not see, as the same walk over its visible rows does.
    String walk = "with recursive walk(id, merchant, depth) as (select txn_id, merchant_id, 0"
        + " from %1$s s where txn_id = (select min(txn_id) from %1$s m) union all select t.txn_id,"
        + " t.merchant_id, w.depth + 1 from walk w join %1$s t on t.txn_id = w.id + 1 where"
        + " w.depth < 200) select id, merchant, depth from walk order by depth";
    String visible = "(select * from payments.transactions where merchant_id in (1, 2, 3))";
    List<List<String>> seen = rows(support, walk.formatted("payments.transactions"));
    assertEquals(fixture.direct(walk.formatted(visible)), seen);
    assertNotEquals(fixture.direct(walk.formatted("payments.transactions")), seen,
        "the walk over every row goes further");
    assertFalse(seen.isEmpty());
    seen.forEach(row -> assertTrue(List.of("1", "2", "3").contains(row.get(1)), row.toString()));
  }

  @Test
  void maskedColumnsCarriedThroughTheRecursionAreMaskedAbove() throws Exception {
    String sql = "with recursive r(n, pan) as (select 1, pan from payments.cards where card_id ="
        + " (select min(card_id) from payments.cards) union all select n + 1, pan from r where"
        + " n < 3) select n, pan from r order by n";
    PlannedStatement planned = support.prepare(sql).planned();
    assertTrue(planned.pushedSql().contains("WITH RECURSIVE"), planned.pushedSql());
    String token = rows(support, "select pan from payments.cards where card_id ="
        + " (select min(card_id) from payments.cards)").get(0).get(0);
    assertFalse(fixture.allPans().contains(token));
    assertEquals(List.of(List.of("1", token), List.of("2", token), List.of("3", token)),
        rows(support, sql));
    String truncated = rows(fraud, "select pan from payments.cards where card_id ="
        + " (select min(card_id) from payments.cards)").get(0).get(0);
    assertEquals(List.of(List.of("1", truncated), List.of("2", truncated), List.of("3", truncated)),
        rows(fraud, sql));
  }

  @Test
  void aTokenComparedWithAValueInsideTheRecursionMatchesItsRows() throws Exception {
    // Each later transaction of one card, found through the card's token in the recursive term.
    String card = rows(support, "select min(card_id) from payments.transactions").get(0).get(0);
    String token = rows(support, "select pan from payments.cards where card_id = " + card)
        .get(0).get(0);
    String sql = ("with recursive r(id) as (select min(txn_id) from payments.transactions where"
        + " card_id = %s union all select min(t.txn_id) from r join payments.transactions t on"
        + " t.txn_id > r.id where t.pan = '%s') select id from r where id is not null order by id")
        .formatted(card, token);
    // PostgreSQL refuses an aggregate in the recursive term; the same walk without one:
    String walk = ("with recursive r(id) as (select txn_id from payments.transactions where"
        + " card_id = %s union select t.txn_id from r join payments.transactions t on"
        + " t.txn_id > r.id where t.pan = '%s') select id from r order by id")
        .formatted(card, token);
    EngineException aggregate = assertThrows(EngineException.class, () -> rows(support, sql));
    assertTrue(aggregate.getMessage().contains("aggregate"), aggregate.getMessage());
    PlannedStatement planned = support.prepare(walk).planned();
    assertTrue(planned.pushedSql().contains("WITH RECURSIVE"), planned.pushedSql());
    assertFalse(planned.pushedSql().contains(token), planned.pushedSql());
    assertEquals(rows(support, "select txn_id from payments.transactions where card_id = " + card
        + " order by txn_id"), rows(support, walk));
    // Two tokenized columns compared with each other are not compared raw in PostgreSQL.
    EngineException joined = assertThrows(EngineException.class, () -> rows(support, "with"
        + " recursive r(id, pan) as (select txn_id, pan from payments.transactions where card_id = "
        + card + " union select t.txn_id, t.pan from r join payments.transactions t on t.pan ="
        + " r.pan and t.txn_id > r.id) select id from r"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES, joined.errorCode(), joined.getMessage());
  }

  @Test
  void aMaskedValueComputedInsideTheRecursionIsRefusedWithWhatToWriteInstead() {
    EngineException e = assertThrows(EngineException.class, () -> rows(fraud, "with recursive"
        + " r(n, p) as (select 1, pan from payments.cards where card_id = 1 union all select"
        + " n + 1, substring(p, 2) from r where n < 3) select n, p from r"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES, e.errorCode(), e.getMessage());
    assertTrue(e.getMessage().contains("WITH RECURSIVE"), e.getMessage());
    assertTrue(e.getMessage().contains("carry masked columns through the recursion unchanged"),
        e.getMessage());
    // UNION would remove rows whose truncated PANs are equal, not their raw PANs.
    EngineException union = assertThrows(EngineException.class, () -> rows(fraud, "with recursive"
        + " r(p) as (select pan from payments.cards union select p from r) select p from r"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES, union.errorCode(), union.getMessage());
  }
}
