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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL's own functions that Calcite's libraries lack reach PostgreSQL as written and answer
 * as PostgreSQL does; over a masked value they are refused; functions that read the database
 * (catalogs, settings, a query given as text) are not offered at all.
 */
@ExtendWith(PostgresExtension.class)
class PostgresFunctionsTest {

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


  @Test
  void functionsCalciteLacksRunInPostgresqlAsWritten() throws Exception {
    String sql = "select card_id, regexp_replace(brand, '[aeiou]', '*', 'g'),"
        + " to_number('12,454.8-', '99G999D9S'), scale(1.250), trim_scale(1.250),"
        + " width_bucket(card_id, 0, 100, 4), format('%s-%s', brand, card_id)"
        + " from payments.cards order by card_id limit 5";
    String pushed = support.prepare(sql).planned().pushedSql().toLowerCase(java.util.Locale.ROOT);
    assertTrue(pushed.contains("regexp_replace") && pushed.contains("to_number")
        && pushed.contains("width_bucket") && pushed.contains("format"), pushed);
    // the support role sees cards of its merchants only: the same rows directly
    String filtered = sql.replace("from payments.cards", "from payments.cards where card_id in"
        + " (select card_id from payments.transactions where merchant_id in (1, 2, 3))");
    assertEquals(fixture.direct(filtered), rows(support, sql));
  }

  @Test
  void aNameCalciteDefinesOtherwiseIsPostgresqlsFunctionWhenCalledAsPostgresqlDefinesIt() {
    assertEquals(List.of(List.of("trim", "Xbc")), rows(support,
        "select ltrim('zzzytrim', 'xyz'), regexp_replace('abc', 'a', 'X', 1)"));
  }

  @Test
  void aggregatesOfPostgresqlsRunThere() throws Exception {
    String sql = "select corr(amount, txn_id)::numeric(10,6), regr_count(amount, txn_id), regr_sxy(amount, txn_id)::numeric(20,4)"
        + " from payments.transactions";
    assertEquals(fixture.direct(sql), rows(fraud, sql));
  }

  @Test
  void overAMaskedValueSuchAFunctionIsRefused() {
    EngineException refused = assertThrows(EngineException.class,
        () -> rows(fraud, "select regexp_count(pan, '1') from payments.cards"));
    assertEquals(ErrorCode.NEEDS_MASKED_VALUES.name(), refused.code(), refused.getMessage());
    for (String pan : fixture.allPans()) {
      assertFalse(refused.getMessage().contains(pan));
    }
    // The masked value as the role sees it, compared, works without the function
    assertFalse(rows(fraud, "select pan from payments.cards where pan like '4%' limit 1").isEmpty());
  }

  @Test
  void functionsThatReadTheDatabaseAreNotOffered() {
    for (String sql : List.of(
        "select query_to_xml('select pan from payments.cards', true, true, '')",
        "select table_to_xml('payments.cards', true, true, '')",
        "select current_setting('search_path')",
        "select pg_read_file('/etc/passwd')",
        "select has_table_privilege('payments.cards', 'select')",
        "select to_regclass('payments.cards')",
        "select nextval('payments.cards_card_id_seq')",
        "select pg_get_viewdef('payments.cards')",
        "select set_config('search_path', 'payments', false)",
        "select pg_sleep(1)")) {
      EngineException refused = assertThrows(EngineException.class, () -> rows(support, sql), sql);
      assertEquals(ErrorCode.SQL_VALIDATION_ERROR.name(), refused.code(), sql + ": " + refused.getMessage());
    }
  }

  @Test
  void aCallPostgresqlHasNoFunctionForIsRefusedWithItsReason() {
    EngineException refused = assertThrows(EngineException.class,
        () -> rows(support, "select trim_scale('abc'::text)"));
    assertEquals(ErrorCode.SQL_VALIDATION_ERROR.name(), refused.code());
    assertTrue(refused.getMessage().contains("trim_scale"), refused.getMessage());
  }

  @Test
  void setReturningFunctionsInFromRunInPostgresqlWithPostgresqlsNames() throws Exception {
    assertEquals(List.of(List.of("1"), List.of("2"), List.of("3")),
        rows(support, "select g from generate_series(1, 3) g order by g"));
    assertEquals(List.of(List.of("2", "1"), List.of("2", "2")),
        rows(support, "select x.n, g.i from (values (2)) x(n), lateral generate_series(1, x.n) as g(i)"
            + " order by g.i"));
    // implicitly lateral, as in PostgreSQL; and in a select list, a row per value
    assertEquals(List.of(List.of("1", "1"), List.of("2", "1"), List.of("2", "2")),
        rows(support, "select i, j from generate_series(1, 2) i, generate_series(1, i) j order by i, j"));
    assertEquals(List.of(List.of("a"), List.of("b")),
        rows(support, "select regexp_split_to_table('a,b', ',')"));
  }

  @Test
  void aSetReturningFunctionOverAMaskedValueIsRefused() {
    EngineException refused = assertThrows(EngineException.class, () -> rows(fraud,
        "select c.card_id, s from payments.cards c, lateral regexp_split_to_table(c.pan, '') s"));
    assertTrue(refused.code().equals(ErrorCode.NEEDS_MASKED_VALUES.name())
        || refused.code().equals(ErrorCode.UNSUPPORTED_SQL.name()), refused.getMessage());
  }

  @Test
  void postgresqlSpellingsOfOrderingAndBinaryStrings() throws Exception {
    String sql = "select card_id from payments.cards order by card_id using > limit 3";
    assertEquals(fixture.direct("select card_id from payments.cards where card_id in (select card_id"
        + " from payments.transactions where merchant_id in (1, 2, 3)) order by card_id desc limit 3"),
        rows(support, sql));
    assertEquals(fixture.direct("select encode('\\x1234abcd'::bytea, 'base64'), get_byte('\\x1234'::bytea, 1)"),
        rows(support, "select encode('\\x1234abcd'::bytea, 'base64'), get_byte('\\x1234'::bytea, 1)"));
  }
}
