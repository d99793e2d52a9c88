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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Correlated sub-queries whose outer row is a join, a VALUES list, a derived table or an
 * aggregate, with the same tables and column names inside and outside: each answers as PostgreSQL
 * answers the same statement. The outer row is read through an alias no FROM item of the
 * sub-query hides, so a reference to it can neither fail ("column reference is ambiguous") nor
 * resolve to the sub-query's own row (a wrong answer).
 */
@ExtendWith(PostgresExtension.class)
class CorrelatedSubQueryTest {

  private static GatewayFixture fixture;
  private static Session fraud;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    fraud = fixture.session("fraud-analyst");
  }

  @AfterAll
  static void stop() throws Exception {
    fraud.close();
    fixture.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // The reported statements: a scalar sub-query over the row of a two-table join.
      "select c.card_id, (select count(*) from payments.cards c2 where c2.card_id < c.card_id) as n"
          + " from payments.cards c join payments.transactions t on c.card_id = t.card_id"
          + " order by 1 desc limit 2",
      "select t.card_id, (select count(*) from payments.transactions t2 where t2.txn_id < t.txn_id"
          + " and t2.card_id = c.card_id) as n from payments.cards c join payments.transactions t"
          + " on c.card_id = t.card_id order by t.txn_id desc limit 2",
      // The same table inside as outside, the same column names (card_id, status, amount).
      "select t.txn_id, (select count(*) from payments.transactions t where t.card_id = c.card_id)"
          + " from payments.cards c join payments.transactions t on t.card_id = c.card_id"
          + " where t.txn_id < 6 order by 1",
      "select c.card_id, t.status, (select count(*) from payments.transactions t2"
          + " where t2.status = t.status and t2.card_id = c.card_id and t2.amount > t.amount)"
          + " from payments.cards c join payments.transactions t on t.card_id = c.card_id"
          + " order by t.txn_id limit 20",
      // Three tables outside, a join inside reading two of them.
      "select c.card_id, m.merchant_id, (select max(t2.amount) from payments.transactions t2"
          + " join payments.merchants m2 on m2.merchant_id = t2.merchant_id"
          + " where t2.card_id = c.card_id and m2.region = m.region) from payments.cards c"
          + " join payments.transactions t on c.card_id = t.card_id"
          + " join payments.merchants m on m.merchant_id = t.merchant_id order by t.txn_id limit 20",
      // In WHERE: a scalar comparison, EXISTS, NOT EXISTS and IN over the join's row.
      "select c.card_id, m.merchant_id from payments.cards c"
          + " join payments.transactions t on c.card_id = t.card_id"
          + " join payments.merchants m on m.merchant_id = t.merchant_id"
          + " where t.amount = (select max(t2.amount) from payments.transactions t2"
          + " join payments.merchants m2 on m2.merchant_id = t2.merchant_id"
          + " where t2.card_id = c.card_id and m2.region = m.region) order by 1, 2 limit 20",
      "select c.card_id, t.txn_id from payments.cards c join payments.transactions t"
          + " on c.card_id = t.card_id where exists (select 1 from payments.transactions t2"
          + " where t2.card_id = c.card_id and t2.txn_id > t.txn_id and t2.amount > t.amount)"
          + " order by 2 limit 20",
      "select c.card_id, t.txn_id from payments.cards c join payments.transactions t"
          + " on c.card_id = t.card_id where not exists (select 1 from payments.transactions t"
          + " where t.card_id = c.card_id and t.status = c.status) order by 2 limit 20",
      "select t.txn_id from payments.cards c join payments.transactions t on c.card_id = t.card_id"
          + " where t.merchant_id in (select t2.merchant_id from payments.transactions t2"
          + " where t2.card_id = c.card_id and t2.txn_id <> t.txn_id) order by 1 limit 20",
      "select c.card_id from payments.cards c where c.card_id in (select t.card_id"
          + " from payments.transactions t where t.amount > (select avg(t2.amount)"
          + " from payments.transactions t2 where t2.card_id = c.card_id)) order by 1 limit 20",
      // In HAVING, over a join and over one table.
      "select c.card_id, count(*) from payments.cards c join payments.transactions t"
          + " on c.card_id = t.card_id group by c.card_id having count(*) > (select count(*)"
          + " from payments.transactions t2 where t2.card_id = c.card_id - 1) order by 1 limit 20",
      "select c.brand, count(*) from payments.cards c group by c.brand having count(*) >"
          + " (select count(*) / 5 from payments.cards c2 where c2.brand <> c.brand) order by 1",
      // Nested two levels, each level reading its own outer row and the outermost.
      "select c.card_id, (select max(m.name) from payments.merchants m"
          + " where m.merchant_id = t.merchant_id and exists (select 1 from payments.transactions t3"
          + " where t3.merchant_id = m.merchant_id and t3.card_id = c.card_id))"
          + " from payments.cards c join payments.transactions t on c.card_id = t.card_id"
          + " order by t.txn_id limit 20",
      "select c.card_id, (select count(*) from payments.cards c2 where c2.brand = c.brand"
          + " and c2.card_id < c.card_id and exists (select 1 from payments.cards c3"
          + " where c3.card_id = c2.card_id and c3.status = c.status)) from payments.cards c"
          + " order by 1 limit 20",
      "select c.card_id, (select count(*) from payments.transactions t2 where t2.card_id = c.card_id"
          + " and t2.amount > (select avg(t3.amount) from payments.transactions t3"
          + " where t3.merchant_id = t.merchant_id and t3.card_id <> c.card_id))"
          + " from payments.cards c join payments.transactions t on c.card_id = t.card_id"
          + " order by t.txn_id limit 20",
      // LATERAL over a join's row, inner and left.
      "select c.card_id, x.n from payments.cards c join payments.transactions t"
          + " on c.card_id = t.card_id cross join lateral (select count(*) as n"
          + " from payments.transactions t2 where t2.card_id = c.card_id and t2.txn_id < t.txn_id) x"
          + " order by t.txn_id desc limit 20",
      "select c.card_id, x.txn_id from payments.cards c join payments.merchants m"
          + " on m.merchant_id = c.card_id left join lateral (select t.txn_id"
          + " from payments.transactions t where t.card_id = c.card_id"
          + " and t.merchant_id = m.merchant_id order by t.txn_id limit 1) x on true order by 1",
      // The outer row of a derived table: a UNION, a LIMIT, an aggregate.
      "select a.card_id, (select count(*) from payments.transactions t where t.card_id = a.card_id)"
          + " from (select card_id, brand from payments.cards union all select card_id, brand"
          + " from payments.cards where card_id < 3) a order by 1 limit 20",
      "select card_id, (select count(*) from payments.transactions t where t.card_id = s.card_id)"
          + " from (select card_id from payments.cards order by card_id desc limit 3) s order by 1",
      "select s.card_id, s.n, (select count(*) from payments.transactions t"
          + " where t.card_id = s.card_id and t.amount > s.a) from (select card_id, count(*) as n,"
          + " avg(amount) as a from payments.transactions group by card_id) s order by 1 limit 20",
      // VALUES outside and inside, with the same column name on both sides.
      "select (select count(inner_c) from (values (1)) t0(inner_c) where outer_c <> 0)"
          + " from (values (2),(3)) t1(outer_c) order by 1",
      "select (select count(*) from (values (1)) t0(inner_c) where inner_c < outer_c)"
          + " from (values (2),(3)) t1(outer_c) order by 1",
      "select x, (select count(*) from (values (1),(2),(3)) v(x) where v.x < w.x)"
          + " from (values (1),(2),(3)) w(x) order by 1",
      "select w.x, (select count(*) from (values (1),(2),(3)) w(x) where w.x < 3)"
          + " from (values (1),(2),(3)) w(x) order by 1",
      "select a.x, b.x, (select count(*) from (values (1),(2),(3)) b(x) where b.x <= a.x)"
          + " from (values (1),(2)) a(x) join (values (1),(2),(3)) b(x) on b.x >= a.x order by 1, 2",
      // A table read without its inheriting tables (aliased as Calcite aliases derived rows).
      "select c.card_id, (select count(*) from (values (1),(2)) v(card_id)"
          + " where v.card_id < c.card_id) from only payments.cards c order by 1 limit 5",
      // In a join's ON and in a CASE.
      "select a.x, c.card_id from (values (1),(2)) a(x) join payments.cards c"
          + " on c.card_id = (select max(v.x) from (values (1),(2)) v(x) where v.x <= a.x)"
          + " order by 1",
      "select c.card_id, case when exists (select 1 from payments.transactions t"
          + " where t.card_id = c.card_id and t.amount > 990) then 'big' else 'small' end"
          + " from payments.cards c join payments.cardholders h on h.cardholder_id = c.cardholder_id"
          + " order by 1 limit 20",
  })
  void answersAsPostgresql(String sql) throws Exception {
    fixture.assertSameAsPostgres(fraud, sql);
  }

  @Test
  void theOuterRowOfAJoinIsReadThroughAnAliasOfItsOwnInOneStatement() {
    String sql = "select t.card_id, (select count(*) from payments.transactions t2"
        + " where t2.txn_id < t.txn_id and t2.card_id = c.card_id) as n from payments.cards c"
        + " join payments.transactions t on c.card_id = t.card_id order by t.txn_id desc limit 2";
    List<String> pushed = fraud.prepare(sql).planned().pushedSqlList();
    assertEquals(1, pushed.size(), pushed.toString());
    assertTrue(pushed.get(0).contains("\"txn_id\" < \"$cor0\".\"txn_id\" AND \"card_id\" ="
        + " \"$cor0\".\"card_id\""), pushed.get(0));
    assertTrue(pushed.get(0).contains(") AS \"$cor0\" (\"card_id\", "), pushed.get(0));
  }

  /**
   * A FROM item inside the sub-query named as the outer row's alias (a recursive CTE's name is the
   * statement's own): PostgreSQL's answer or UNSUPPORTED_SQL, never the inner row read as the
   * outer one.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cards", "\"$cor0\""})
  void anInnerItemNamedAsTheOuterRowIsNeverReadAsIt(String name) throws Exception {
    String sql = "select c.card_id from payments.cards c join payments.transactions t"
        + " on t.card_id = c.card_id where exists (with recursive " + name
        + "(card_id) as (select 1 union all select card_id + 1 from " + name
        + " where card_id < 3) select 1 from " + name + " where " + name + ".card_id = c.card_id"
        + " + 1) order by 1";
    String single = sql.replace(" join payments.transactions t on t.card_id = c.card_id", "");
    for (String statement : List.of(sql, single)) {
      List<List<String>> expected = fixture.direct(statement);
      assertFalse(expected.isEmpty(), statement);
      try {
        assertEquals(expected, rows(fraud, statement), statement);
      } catch (EngineException refused) {
        assertEquals(ErrorCode.UNSUPPORTED_SQL, refused.errorCode(), statement + ": " + refused);
      }
    }
  }

  /**
   * An aggregate of a sub-query whose arguments and FILTER read only the outer row is the outer
   * query's in PostgreSQL (one row, {@code [2]}, for the first statement), the sub-query's in
   * Calcite's plan; where Calcite dropped the argument of its own ({@code count(inner_c)} over a
   * column never NULL), the rendered SQL would have been PostgreSQL's outer aggregate, another
   * answer than PostgreSQL's {@code [1], [1]}. Both are refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "select (select count(*) filter (where outer_c <> 0) from (values (1)) t0(inner_c))"
          + " from (values (2),(3)) t1(outer_c)",
      "select (select count(inner_c) filter (where outer_c <> 0) from (values (1)) t0(inner_c))"
          + " from (values (2),(3)) t1(outer_c)",
      "select (select max(outer_c) from (values (1)) t0(inner_c)) from (values (2),(3)) t1(outer_c)",
      "select (select max(0) filter (where c.card_id > 490)) from payments.cards c",
      // A masked column: the gateway evaluates the plan, one value per outer row.
      "select (select max(c.pan) from payments.merchants m where m.merchant_id = 1)"
          + " from payments.cards c",
      "select c.card_id, (select max(c.card_id) from payments.transactions t"
          + " where t.card_id = c.card_id) from payments.cards c join payments.merchants m"
          + " on m.merchant_id = c.card_id order by 1",
  })
  void anAggregateOfTheOuterRowOnlyIsRefused(String sql) {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud, sql));
    assertEquals(ErrorCode.UNSUPPORTED_SQL, refused.errorCode(), sql + ": " + refused);
    assertTrue(refused.getMessage().contains("outer query"), refused.getMessage());
  }

  /**
   * The fraud analyst sees PANs truncated: a masked column beside a correlated sub-query over the
   * join's row, and a correlated sub-query comparing masked PANs inside with the outer row's,
   * answer as computed here from the masked rows.
   */
  @Test
  void maskedColumnsKeepTheirMaskedMeaning() throws Exception {
    Map<String, String> txnPans = new HashMap<>();
    for (List<String> row : rows(fraud, "select txn_id, pan from payments.transactions")) {
      txnPans.put(row.get(0), row.get(1));
    }
    Map<String, String> cardPans = new HashMap<>();
    for (List<String> row : rows(fraud, "select card_id, pan from payments.cards")) {
      cardPans.put(row.get(0), row.get(1));
    }
    assertTrue(cardPans.values().stream().allMatch(pan -> pan.contains("*****")), "truncated");

    List<List<String>> counts = fixture.direct("select t.txn_id, (select count(*)"
        + " from payments.transactions t2 where t2.card_id = c.card_id and t2.txn_id < t.txn_id)"
        + " from payments.cards c join payments.transactions t on c.card_id = t.card_id"
        + " order by t.txn_id desc limit 10");
    List<List<String>> expected = new ArrayList<>();
    for (List<String> row : counts) {
      expected.add(List.of(row.get(0), txnPans.get(row.get(0)), row.get(1)));
    }
    assertEquals(expected, rows(fraud, "select t.txn_id, t.pan, (select count(*)"
        + " from payments.transactions t2 where t2.card_id = c.card_id and t2.txn_id < t.txn_id)"
        + " from payments.cards c join payments.transactions t on c.card_id = t.card_id"
        + " order by t.txn_id desc limit 10"));

    // Equal truncated PANs, not equal PANs: computed over the masked values.
    List<List<String>> sameMasked = new ArrayList<>();
    for (int card = 1; card <= 20; card++) {
      String pan = cardPans.get(Integer.toString(card));
      long n = txnPans.values().stream().filter(pan::equals).count();
      sameMasked.add(List.of(Integer.toString(card), pan, Long.toString(n)));
    }
    assertEquals(sameMasked, rows(fraud, "select c.card_id, c.pan, (select count(*)"
        + " from payments.transactions t2 where t2.pan = c.pan) from payments.cards c"
        + " join payments.cardholders h on h.cardholder_id = c.cardholder_id where c.card_id <= 20"
        + " order by 1"));
  }
}
