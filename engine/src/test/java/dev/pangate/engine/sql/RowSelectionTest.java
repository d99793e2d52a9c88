package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code SELECT DISTINCT ON (...)} and {@code FETCH ... WITH TIES}: answered as PostgreSQL answers
 * over clear columns (compared with a direct connection), refused where PostgreSQL refuses, and
 * over a masked PAN (tokens for the migration bot, truncation for the fraud analyst) computed on
 * the masked values the role sees, compared here with the answer computed in Java from the
 * masked rows.
 */
@ExtendWith(PostgresExtension.class)
class RowSelectionTest {

  private static GatewayFixture fixture;
  private static Session fraud;
  private static Session migration;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    fraud = fixture.session("fraud-analyst");
    migration = fixture.session("migration-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    fraud.close();
    migration.close();
    fixture.close();
  }

  private static Session session(String agent) {
    return agent.equals("fraud-analyst") ? fraud : migration;
  }

  /** The statement answers as PostgreSQL does, rows in order. */
  private static void samePostgres(String sql) throws Exception {
    List<List<String>> expected = fixture.direct(sql);
    assertFalse(expected.isEmpty(), sql);
    assertEquals(expected, rows(fraud, sql), sql);
  }

  /** The same rows as PostgreSQL's, in any order (where PostgreSQL's order among ties is its own). */
  private static void sameRowsAsPostgres(String sql) throws Exception {
    List<List<String>> expected = sorted(fixture.direct(sql));
    assertFalse(expected.isEmpty(), sql);
    assertEquals(expected, sorted(rows(fraud, sql)), sql);
  }

  private static List<List<String>> sorted(List<List<String>> rows) {
    List<List<String>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Object::toString));
    return copy;
  }

  private static String pushed(String sql) {
    return fraud.prepare(sql).planned().pushedSql().toLowerCase(Locale.ROOT);
  }

  private static void refusedAsPostgres(String sql, String sqlState) {
    SQLException postgres = assertThrows(SQLException.class, () -> fixture.direct(sql));
    assertEquals(sqlState, postgres.getSQLState(), sql);
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud, sql));
    assertEquals(sqlState, refused.sqlState(), sql + ": " + refused.getMessage());
  }

  @Test
  void distinctOnKeepsTheFirstRowOfEachGroupInTheOrderByOrder() throws Exception {
    samePostgres("select distinct on (card_id) card_id, txn_id, amount from payments.transactions"
        + " order by card_id, amount desc, txn_id");
    // an output position and an output name, several keys, an expression
    samePostgres("select distinct on (1) merchant_id as m, txn_id from payments.transactions"
        + " order by m, txn_id desc");
    samePostgres("select distinct on (card_id % 5, status) card_id % 5 as k, status, txn_id"
        + " from payments.transactions order by card_id % 5, status, txn_id limit 7 offset 2");
    // the ORDER BY may list the keys in another order
    samePostgres("select distinct on (status, merchant_id) status, merchant_id, txn_id"
        + " from payments.transactions order by merchant_id, status, created_at, txn_id");
    // over groups, in a CTE, in a derived table and in an IN sub-query
    samePostgres("select distinct on (status) status, card_id, count(*) from payments.transactions"
        + " group by status, card_id order by status, count(*) desc, card_id");
    samePostgres("with d as (select distinct on (card_id) card_id, txn_id from"
        + " payments.transactions order by card_id, txn_id desc) select * from d order by txn_id");
    samePostgres("select count(*), sum(txn_id) from (select distinct on (card_id) txn_id"
        + " from payments.transactions t order by t.card_id, created_at desc, txn_id) s");
    samePostgres("select txn_id from payments.transactions where txn_id in (select distinct on"
        + " (card_id) txn_id from payments.transactions order by card_id, amount, txn_id)"
        + " order by txn_id");
    assertTrue(pushed("select distinct on (card_id) card_id, txn_id from payments.transactions"
        + " order by card_id, txn_id").contains("row_number() over (partition by"));
  }

  @Test
  void distinctOnAsPostgresqlsOwnRegressionTestsWriteIt() throws Exception {
    samePostgres("select distinct on (brand) brand, expiry_month, card_id from payments.cards"
        + " order by brand using <, expiry_month using >, card_id using <");
    samePostgres("select distinct on (brand, expiry_year) brand, expiry_year, card_id"
        + " from payments.cards order by brand using <, expiry_year using >, card_id using <");
    samePostgres("select distinct on (status) status, card_id from payments.cards"
        + " where status = 'active' order by 1, 2");
    refusedAsPostgres("select distinct on (brand, expiry_year) brand, expiry_month, expiry_year"
        + " from payments.cards order by brand, expiry_month, expiry_year", "42P10");
  }

  @Test
  void aVolatileKeyIsRefusedSinceItWouldBeEvaluatedTwice() {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select distinct on (1) floor(random() * 2) as r, card_id from payments.cards"
            + " order by 1, 2"));
    assertEquals(ErrorCode.UNSUPPORTED_SQL.name(), refused.code(), refused.getMessage());
  }

  @Test
  void distinctOnWithoutOrderByKeepsOneRowOfEachGroup() throws Exception {
    samePostgres("select count(*), count(distinct merchant_id) from (select distinct on"
        + " (merchant_id) merchant_id, txn_id from payments.transactions) s");
    // whichever row is kept, it is a row of its group
    samePostgres("select count(*) from (select distinct on (merchant_id) merchant_id, txn_id"
        + " from payments.transactions) s join payments.transactions t using (txn_id, merchant_id)");
  }

  @Test
  void distinctOnRefusesWhatPostgresqlRefuses() {
    refusedAsPostgres("select distinct on (card_id) card_id, txn_id from payments.transactions"
        + " order by txn_id", "42P10");
    refusedAsPostgres("select distinct on (card_id, status) card_id, txn_id from"
        + " payments.transactions order by card_id, txn_id, status", "42P10");
    refusedAsPostgres("select distinct on (card_id, status) card_id, txn_id from"
        + " payments.transactions order by card_id, txn_id", "42P10");
  }

  @Test
  void withTiesReturnsTheRowsTiedWithTheLast() throws Exception {
    samePostgres("select card_id from payments.transactions order by card_id"
        + " fetch first 3 rows with ties");
    samePostgres("select card_id from payments.transactions order by card_id desc"
        + " fetch first rows with ties");
    samePostgres("select merchant_id from payments.transactions order by merchant_id"
        + " offset 4 rows fetch next 2 rows with ties");
    sameRowsAsPostgres("select card_id, txn_id from payments.transactions order by card_id"
        + " fetch first 5 rows with ties");
    sameRowsAsPostgres("select card_id, count(*) from payments.transactions group by card_id"
        + " order by count(*) desc fetch first 2 rows with ties");
    samePostgres("select count(*) from (select card_id from payments.transactions order by"
        + " card_id fetch first 4 rows with ties) s");
    samePostgres("select card_id from payments.transactions order by card_id"
        + " fetch first 2 rows only");
  }

  @Test
  void withTiesWithoutOrderByIsPostgresqlsSyntaxError() {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select card_id from payments.transactions fetch first 2 rows with ties"));
    assertEquals(ErrorCode.SQL_PARSE_ERROR.name(), refused.code());
    assertTrue(refused.getMessage().contains("WITH TIES cannot be specified without ORDER BY"),
        refused.getMessage());
  }

  /** Masked transactions of the first 40 cards as the role sees them: txn_id, card_id, pan. */
  private static List<List<String>> maskedTxns(Session session) {
    return rows(session, "select txn_id, card_id, pan from payments.transactions"
        + " where card_id <= 40");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"migration-bot", "fraud-analyst"})
  void distinctOnAMaskedColumnGroupsTheMaskedValues(String agent) {
    List<List<String>> txns = maskedTxns(session(agent));
    Map<String, Long> first = new java.util.TreeMap<>();
    for (List<String> row : txns) {
      first.merge(row.get(2), Long.parseLong(row.get(0)), Math::min);
    }
    List<List<String>> expected = new ArrayList<>();
    first.forEach((pan, txn) -> expected.add(List.of(pan, Long.toString(txn))));
    assertEquals(expected, rows(session(agent), "select distinct on (pan) pan, txn_id"
        + " from payments.transactions where card_id <= 40 order by pan, txn_id"), agent);
    // by the masked ordering within each card: the smallest masked PAN the role sees
    Map<Long, String> smallest = new java.util.TreeMap<>();
    for (List<String> row : txns) {
      smallest.merge(Long.parseLong(row.get(1)), row.get(2),
          (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    List<List<String>> perCard = new ArrayList<>();
    smallest.forEach((card, pan) -> perCard.add(List.of(Long.toString(card), pan)));
    assertEquals(perCard, rows(session(agent), "select distinct on (card_id) card_id, pan"
        + " from payments.transactions where card_id <= 40 order by card_id, pan"), agent);
    // without an ORDER BY: one row per masked value
    assertEquals(first.size(), rows(session(agent), "select distinct on (pan) pan, txn_id"
        + " from payments.transactions where card_id <= 40").size(), agent);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"migration-bot", "fraud-analyst"})
  void withTiesOverAMaskedOrderingTiesOnTheMaskedValues(String agent) {
    List<String> pans = new ArrayList<>();
    for (List<String> row : maskedTxns(session(agent))) {
      pans.add(row.get(2));
    }
    pans.sort(Comparator.naturalOrder());
    for (int[] window : new int[][] {{0, 5}, {3, 4}, {0, 1}}) {
      int skip = window[0];
      int count = window[1];
      int end = skip + count;
      while (end < pans.size() && pans.get(end).equals(pans.get(skip + count - 1))) {
        end++;
      }
      List<List<String>> expected = new ArrayList<>();
      for (String pan : pans.subList(skip, end)) {
        expected.add(List.of(pan));
      }
      assertEquals(expected, rows(session(agent), "select pan from payments.transactions"
          + " where card_id <= 40 order by pan offset " + skip + " rows fetch first " + count
          + " rows with ties"), agent + " " + skip + " " + count);
    }
  }

  @Test
  void distinctOnAndWithTiesOverAMaskedValueRunInTheGateway() {
    String sql = "select distinct on (pan) pan, txn_id from payments.transactions"
        + " order by pan, txn_id";
    String pushedSql = fraud.prepare(sql).planned().pushedSql().toLowerCase(Locale.ROOT);
    assertFalse(pushedSql.contains("row_number"), pushedSql);
  }

  @Test
  void unsupportedCombinationsAreRefusedClearly() {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select card_id from payments.cards union select card_id from payments.transactions"
            + " order by card_id fetch first 2 rows with ties"));
    assertEquals(ErrorCode.UNSUPPORTED_SQL.name(), refused.code());
  }
}
