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
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL's forms that Calcite's parser or renderer did not carry, each answered as PostgreSQL
 * answers the same statement (compared with a direct connection, as the fraud analyst's role
 * sees every column used here in clear), or refused where PostgreSQL refuses it or where it would
 * read a masked value the gateway cannot evaluate.
 */
@ExtendWith(PostgresExtension.class)
class PostgresFormsTest {

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


  /** The statement answers as PostgreSQL does, rows in order (every statement here sorts). */
  private static void samePostgres(String sql) throws Exception {
    fixture.assertSameAsPostgres(fraud, sql);
  }

  private static String pushed(String sql) {
    return fraud.prepare(sql).planned().pushedSql().toLowerCase(Locale.ROOT);
  }

  @Test
  void groupsFramesRunAsPostgresqlsGroupsFrames() throws Exception {
    String[] frames = {
        "groups between 1 preceding and current row",
        "groups between current row and 1 following",
        "groups between unbounded preceding and current row",
        "groups between 2 preceding and 1 preceding",
        "groups between 1 following and unbounded following",
        "groups 1 preceding",
        "groups current row",
        "groups between 0 preceding and 0 following exclude current row",
        "groups between 1 preceding and 1 following exclude group",
        "groups between 1 preceding and 1 following exclude ties",
        "groups between unbounded preceding and unbounded following",
    };
    for (String frame : frames) {
      String sql = "select card_id, sum(card_id) over (partition by brand order by expiry_year "
          + frame + ") as s, count(*) over w as c from payments.cards"
          + " window w as (order by expiry_month " + frame + ") order by card_id limit 40";
      samePostgres(sql);
      if (!frame.contains("unbounded following") || !frame.contains("unbounded preceding")) {
        assertTrue(pushed(sql).contains(" groups between "), pushed(sql));
      }
    }
  }

  @Test
  void groupsFramesPostgresqlRefusesAreRefused() {
    for (String frame : List.of("groups between current row and 1 preceding",
        "groups between 1 following and current row", "groups unbounded following",
        "groups 1 following")) {
      EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
          "select sum(card_id) over (order by brand " + frame + ") from payments.cards"));
      assertEquals(ErrorCode.SQL_PARSE_ERROR.name(), refused.code(), frame);
    }
    // without an ORDER BY, PostgreSQL refuses GROUPS; so does the statement sent to it
    EngineException unordered = assertThrows(EngineException.class, () -> rows(fraud,
        "select sum(card_id) over (groups between 1 preceding and current row) from payments.cards"));
    assertTrue(unordered.getMessage().contains("GROUPS mode requires an ORDER BY clause"),
        unordered.getMessage());
  }

  @Test
  void aColumnNamedGroupsIsStillAColumn() throws Exception {
    samePostgres("select groups from (select card_id as groups from payments.cards) t"
        + " where groups between 1 and 5 order by groups");
  }

  @Test
  void aGroupsFrameOverAMaskedValueIsRefused() {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select first_value(pan) over (order by card_id groups between 1 preceding and current row)"
            + " from payments.cards"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refused.code(), refused.getMessage());
  }

  @Test
  void leadAndLagAcceptAFrameAndIgnoreItAsPostgresqlDoes() throws Exception {
    samePostgres("select card_id, lead(card_id) over (order by card_id rows between 1 preceding"
        + " and current row), lag(card_id, 2) over (order by card_id range between unbounded"
        + " preceding and current row), first_value(card_id) over (order by card_id rows between"
        + " 1 preceding and current row) from payments.cards order by card_id limit 30");
  }

  @Test
  void lateralAfterAJoinReadsTheJoinsColumns() throws Exception {
    // the correlated input is a join of two tables with columns of the same names
    samePostgres("select c.card_id, m.merchant_id, ss.x from payments.merchants m,"
        + " payments.cards c join lateral (select m.merchant_id + c.card_id as x) ss on true"
        + " where c.card_id < 20 order by 1, 2");
    samePostgres("select count(*) from payments.merchants a, payments.merchants b"
        + " join lateral (values (a.merchant_id)) ss(x) on b.merchant_id = ss.x");
    samePostgres("select t.txn_id, c.card_id, ss.n from payments.transactions t"
        + " join payments.cards c on c.card_id = t.card_id,"
        + " lateral (select count(*) as n from payments.disputes d where d.txn_id = t.txn_id) ss"
        + " order by t.txn_id limit 25");
    samePostgres("select * from (select card_id from payments.cards where card_id < 5) a"
        + " left join lateral (select a.card_id * 2 as twice) b on true,"
        + " lateral (select b.twice + 1 as more) c order by 1");
  }

  @Test
  void substringWithPatternsIsPostgresqlsRegularExpressionForm() throws Exception {
    String sql = "select card_id, substring(brand from 'V.s'), substring(brand from '(a.)'),"
        + " substring(brand similar '%#\"a_#\"%' escape '#'), substring(brand from '%#\"is#\"%' for '#'),"
        + " substring(brand from '3' for '2'), substring(brand from 2 for 3), substring(brand, 2)"
        + " from payments.cards order by card_id limit 20";
    samePostgres(sql);
    // with a pattern, PostgreSQL's function over a masked value is not evaluated by the gateway
    EngineException refused = assertThrows(EngineException.class,
        () -> rows(fraud, "select substring(pan from '4[0-9]+') from payments.cards"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refused.code(), refused.getMessage());
    EngineException similar = assertThrows(EngineException.class,
        () -> rows(fraud, "select substring(pan similar '4%' escape '#') from payments.cards"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), similar.code(), similar.getMessage());
  }

  @Test
  void emptySelectListsGiveRowsOfNoColumns() throws Exception {
    for (String sql : List.of("select from payments.cards where card_id < 7",
        "select from payments.cards where card_id < 7 union select from payments.merchants",
        "select from payments.cards where card_id < 7 union all select from payments.merchants",
        "select from payments.cards intersect select from payments.merchants",
        "select from payments.cards except select from payments.merchants",
        "select union select")) {
      List<List<String>> expected = fixture.direct(sql);
      List<List<String>> actual = rows(fraud, sql);
      assertEquals(expected, actual, sql);
      assertTrue(actual.stream().allMatch(List::isEmpty), sql);
      assertEquals(0, fraud.prepare(sql).columns().size(), sql);
    }
    samePostgres("select merchant_id from payments.merchants m where exists (select from"
        + " payments.transactions t where t.merchant_id = m.merchant_id and t.amount > 100)"
        + " order by merchant_id");
    // where the columns matter, PostgreSQL refuses it (a sub-query compared with IN) or a
    // placeholder would change the answer: not read as an empty select list
    for (String sql : List.of(
        "select card_id from payments.cards where card_id in (select from payments.merchants)",
        "select from payments.cards union select card_id from payments.cards",
        "select * from (select from payments.cards) s")) {
      EngineException refused = assertThrows(EngineException.class, () -> rows(fraud, sql));
      assertEquals(ErrorCode.SQL_PARSE_ERROR.name(), refused.code(), sql);
    }
  }

  @Test
  void joinsNestedWithoutParenthesesPairEachOnWithTheNearestJoin() throws Exception {
    samePostgres("select c.card_id, t.txn_id, m.merchant_id from payments.cards c"
        + " left join payments.transactions t join payments.merchants m"
        + " on m.merchant_id = t.merchant_id and m.region = 'EU' on t.card_id = c.card_id"
        + " order by c.card_id, t.txn_id limit 60");
    samePostgres("select count(*), count(t.txn_id), count(d.dispute_id) from payments.cards c"
        + " left join payments.transactions t left join payments.disputes d using (txn_id)"
        + " on t.card_id = c.card_id");
    samePostgres("select count(*) from payments.merchants a join payments.merchants b"
        + " on a.merchant_id = b.merchant_id left join payments.cards c cross join payments.merchants d"
        + " on c.card_id = d.merchant_id");
  }

  @Test
  void constantsBeyondADoublesRangeAreExactNumerics() throws Exception {
    samePostgres("select round(4.4e131071, -131071) = 4e131071, trunc(9.9e131071, -131071) = 9e131071,"
        + " 2e-16383 > 0, 1e400 / 1e399, (0.1 - 2e-16383) > 0.0999");
  }

  @Test
  void stringConstantsInAValuesColumnTakeTheTypeOfItsOtherValues() throws Exception {
    samePostgres("select x, x + 1 as y from (values (1.5::numeric), ('2'), ('-3.25')) v(x) order by x");
    samePostgres("select d, d + 1 as day_after from (values (date '2024-01-31'), ('2024-02-28')) v(d)"
        + " order by d");
    samePostgres("select a, b from (values (1, 'one'), ('2', 'two')) v(a, b) order by a");
    samePostgres("with v(x) as (values ('10'::bigint), ('20')) select sum(x) from v");
    // PostgreSQL reads the constant as the column's type: a constant that is no number is its error
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select x from (values (1), ('x')) v(x)"));
    assertTrue(refused.getMessage().contains("invalid input syntax"), refused.getMessage());
  }

  @Test
  void aValuesColumnJoinedToAMaskedColumnShowsTheMaskedValues() throws Exception {
    List<List<String>> joined = rows(fraud, "select v.id, c.pan from (values (1::bigint), ('2'))"
        + " v(id) join payments.cards c on c.card_id = v.id order by v.id");
    List<List<String>> plain = rows(fraud,
        "select card_id, pan from payments.cards where card_id in (1, 2) order by card_id");
    assertEquals(2, joined.size());
    assertEquals(plain, joined);
    for (String pan : fixture.allPans()) {
      assertFalse(joined.toString().contains(pan), "a clear PAN in " + joined);
    }
  }

  @Test
  void nullsInAValuesColumnUnitedWithNumbersKeepTheNumbersType() throws Exception {
    samePostgres("select card_id, n from (select card_id, 1 as n from payments.cards where card_id < 4"
        + " union all select null, 42 union all select null, 43) s order by n, card_id");
    samePostgres("select d from (select date '2024-01-01' as d union all select null"
        + " union all select null) s order by d nulls first");
  }

  @Test
  void aTableWithAStarIsTheTableWithThoseInheritingFromIt() throws Exception {
    samePostgres("select count(*) from payments.cards* c");
    samePostgres("select c.card_id from payments.cards* c join payments.cards * d"
        + " on d.card_id = c.card_id order by 1 limit 5");
  }

  @Test
  void numericNanAndInfinityAreRefusedSayingHowToReadThem() throws Exception {
    for (String value : List.of("'NaN'::numeric", "'Infinity'::numeric", "'-inf'::numeric")) {
      EngineException refused = assertThrows(EngineException.class,
          () -> rows(fraud, "select " + value));
      assertEquals(ErrorCode.DATA_EXCEPTION.name(), refused.code(), refused.getMessage());
      assertTrue(refused.getMessage().contains("(::float8)"), refused.getMessage());
    }
    samePostgres("select 'NaN'::numeric::float8, 'Infinity'::numeric::text, 1.5::numeric");
  }

  @Test
  void aRangeOffsetWrittenAsAStringIsOfTheOrderingColumnsType() throws Exception {
    samePostgres("select card_id, count(*) over (order by card_id range between '2' preceding"
        + " and '1' following) as c from payments.cards order by card_id limit 20");
    samePostgres("select card_id, sum(card_id) over w as s from payments.cards window w as"
        + " (order by card_id::float8 range between 'inf' preceding and '1.5' following)"
        + " order by card_id limit 20");
    assertTrue(pushed("select count(*) over (order by card_id range between '2' preceding and"
        + " current row) from payments.cards").contains("range between"));
    // not a number where the ordering column is one: PostgreSQL's error
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select count(*) over (order by card_id range between 'x' preceding and current row)"
            + " from payments.cards"));
    assertTrue(refused.getMessage().contains("invalid input syntax"), refused.getMessage());
  }

  @Test
  void aRangeOffsetOverAMaskedOrderingIsStillRefused() {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select count(*) over (order by pan range between '2' preceding and current row)"
            + " from payments.cards"));
    assertTrue(refused.code().equals(ErrorCode.SQL_VALIDATION_ERROR.name())
        || refused.code().equals(ErrorCode.NEEDS_MASKED_VALUES.name()), refused.getMessage());
  }

  @Test
  void orderedSetAndHypotheticalAggregatesAreRunByPostgresql() throws Exception {
    String[] statements = {
        "select rank(3) within group (order by card_id) from payments.cards",
        // two calls differing only in their ordering stay two aggregates
        "select rank(3) within group (order by card_id desc) as a, rank(3) within group (order by card_id) as b,"
            + " dense_rank(3) within group (order by card_id) as c from payments.cards",
        "select brand, mode() within group (order by expiry_year) from payments.cards group by brand order by brand",
        "select percentile_disc(array[0.25, 0.5]) within group (order by card_id) from payments.cards",
        "select percentile_cont(array[0.25, 0.5]) within group (order by card_id) from payments.cards",
        "select brand, percent_rank(2026) within group (order by expiry_year) filter (where status = 'active'),"
            + " cume_dist(2026, 6) within group (order by expiry_year, expiry_month nulls first)"
            + " from payments.cards group by brand order by 1",
        "select percentile_disc(0.5) within group (order by card_id) from payments.cards",
    };
    for (String sql : statements) {
      samePostgres(sql);
    }
    assertTrue(pushed(statements[1]).contains("within group (order by \"card_id\" desc)"), pushed(statements[1]));
  }

  @Test
  void anOrderedSetAggregateOverAMaskedValueIsRefused() {
    for (String sql : new String[] {
        "select mode() within group (order by pan) from payments.cards",
        "select rank('4000000000000000') within group (order by pan) from payments.cards",
        "select percentile_disc(array[0.5]) within group (order by pan) from payments.cards"}) {
      EngineException refused = assertThrows(EngineException.class, () -> rows(fraud, sql), sql);
      assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refused.code(), sql);
    }
  }

  @Test
  void windowsNamedInTheWindowClauseResolveEverywhere() throws Exception {
    samePostgres("select brand, card_id, rank() over w as r from payments.cards"
        + " window w as (partition by brand order by card_id) order by rank() over w, card_id limit 5");
    // two names for the same window, which Calcite refused as a duplicate specification
    samePostgres("select sum(card_id) over w1 as a, count(*) over w2 as b, card_id from payments.cards"
        + " window w1 as (order by card_id), w2 as (order by card_id) order by card_id limit 5");
    samePostgres("select card_id, sum(card_id) over w from payments.cards"
        + " window w as (order by card_id rows between 1 preceding and current row) order by card_id limit 5");
    // a name defined twice is PostgreSQL's error, even for equal windows
    assertThrows(EngineException.class, () -> rows(fraud, "select count(*) over w from payments.cards"
        + " window w as (order by card_id), w as (order by card_id)"));
    // an unused window PostgreSQL refuses is still refused
    assertThrows(EngineException.class, () -> rows(fraud, "select card_id, sum(card_id) over w from payments.cards"
        + " window w as (order by card_id rows between 1 preceding and current row), w2 as (w)"));
  }

  @Test
  void theIntervalAgeReturnsComparesAsPostgresqlComparesIt() throws Exception {
    // age() is an interval in PostgreSQL, read as text here; compared with an interval it is cast
    // to interval as it is (a cast to interval day would drop its hours and count other rows)
    samePostgres("select count(*) from payments.transactions"
        + " where age(timestamp '2026-01-01 00:00:00', created_at) between interval '1 day' and interval '900 days'");
    samePostgres("select txn_id from payments.transactions where age(timestamp '2026-01-01 00:00:00', created_at)"
        + " > interval '1000 days' order by txn_id limit 5");
    samePostgres("select age(timestamp '2026-01-01 00:00:00', created_at) > interval '3 years' as old, count(*)"
        + " from payments.transactions group by 1 order by 1");
  }
}
