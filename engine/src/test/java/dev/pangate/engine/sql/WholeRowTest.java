package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole-row references ({@code select t from t}, {@code row(t.*)}, {@code count(t.*)},
 * {@code t is [not] null}) answer as PostgreSQL answers them over the role's view: the row holds
 * the columns the role sees, masked as it sees them, and none it may not see.
 */
@ExtendWith(PostgresExtension.class)
class WholeRowTest {

  private static GatewayFixture fixture;
  private static Session fraud;
  private static Session migration;
  private static Session support;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    fraud = fixture.session("fraud-analyst");
    migration = fixture.session("migration-bot");
    support = fixture.session("support-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    fraud.close();
    migration.close();
    support.close();
    fixture.close();
  }

  @Test
  void clearRowsAnswerAsPostgresql() throws Exception {
    for (String sql : List.of(
        "select m from payments.merchants m order by merchant_id limit 10",
        "select row(m.*) from payments.merchants m order by merchant_id limit 10",
        "select m.*, m from payments.merchants m order by merchant_id limit 5",
        "select v from (values (1, 'a b', '', null::text, 'x\"y\\z', 'p,q', '(r)', true, 1.50,"
            + " date '2020-01-02', 'tab\there')) v",
        "select foo from (select 'xyzzy', 1, null offset 0) as foo",
        "select c.card_id, count(t.*) from payments.cards c left join payments.transactions t"
            + " on t.card_id = c.card_id and t.amount > 190 group by c.card_id order by c.card_id"
            + " limit 30",
        "select m.region, count(e) from payments.merchants m left join (select * from"
            + " payments.merchants where country = 'DE') e on e.merchant_id = m.merchant_id"
            + " group by m.region order by 1",
        "select count(*) from payments.merchants m left join payments.cards c on false"
            + " where c is null and m is not null",
        "select count(*) from payments.transactions t where t is not null",
        "select m.merchant_id, e from payments.merchants m left join payments.merchants e"
            + " on e.merchant_id = m.merchant_id and e.region = 'EU' order by 1 limit 10")) {
      List<List<String>> expected = fixture.direct(sql);
      assertFalse(expected.isEmpty(), sql);
      assertEquals(expected, rows(fraud, sql), sql);
    }
    assertEquals(List.of("m", "row", "e"), fraud.prepare("select m, row(m.*), e from"
        + " payments.merchants m, payments.merchants e").planned().columns().stream()
        .map(OutputColumn::name).toList());
    // a row of clear columns is computed by PostgreSQL
    String sent = fraud.prepare("select m from payments.merchants m").planned().pushedSql();
    assertFalse(sent.contains("\"m\"") && !sent.contains("format"), sent);
  }

  @Test
  void aRowCarriesTheMaskedColumnsTheRoleSees() throws Exception {
    for (Session session : List.of(fraud, migration, support)) {
      List<List<String>> whole = rows(session,
          "select c.card_id, c from payments.cards c order by card_id");
      List<List<String>> columns = rows(session, "select card_id, cardholder_id, pan, brand,"
          + " expiry_month, expiry_year, status, issued_at from payments.cards order by card_id");
      assertEquals(columns.size(), whole.size());
      for (int i = 0; i < whole.size(); i++) {
        assertEquals(record(columns.get(i)), whole.get(i).get(1));
      }
      String text = whole.toString();
      assertTrue(fixture.allPans().stream().noneMatch(text::contains));
      assertEquals(whole, rows(session,
          "select c.card_id, row(c.*) from payments.cards c order by card_id"));
    }
    // denied columns are not in the row: support-bot sees eight columns of cardholders
    List<List<String>> holders = rows(support,
        "select h from payments.cardholders h order by cardholder_id");
    List<List<String>> visible = rows(support, "select cardholder_id, full_name, email, phone,"
        + " city, postal_code, country from payments.cardholders order by cardholder_id");
    List<List<String>> created = fixture.direct("select created_at::text from payments.cardholders"
        + " where cardholder_id in (" + String.join(",", visible.stream().map(r -> r.get(0))
        .toList()) + ") order by cardholder_id");
    for (int i = 0; i < holders.size(); i++) {
      List<String> fields = new ArrayList<>(visible.get(i));
      fields.add(created.get(i).get(0));
      assertEquals(record(fields), holders.get(i).get(0));
    }
    List<List<String>> streets = fixture.direct("select street from payments.cardholders");
    String text = holders.toString();
    assertTrue(streets.stream().noneMatch(street -> text.contains(street.get(0))));
    // counts of rows the role sees, never of hidden ones
    assertEquals(rows(support, "select count(*) from payments.cards"),
        rows(support, "select count(c.*) from payments.cards c"));
    assertEquals(rows(support, "select count(*) from payments.transactions"),
        rows(support, "select count(t.*) from payments.cards c left join payments.transactions t"
            + " on t.card_id = c.card_id"));
  }

  @Test
  void otherUsesOfAWholeRowAreRefused() {
    for (String sql : List.of("select card_id from payments.cards c where c::text like '4%'",
        "select row_to_json(m) from payments.merchants m",
        "select count(*) from payments.merchants a, payments.merchants b where a = b",
        // rows as text would sort and compare as text, not as PostgreSQL compares rows
        "select m from payments.merchants m order by 1",
        "select row(m.*) as r from payments.merchants m order by r",
        "select distinct m from payments.merchants m",
        "select x from (select m as x from payments.merchants m) s",
        "select m from payments.merchants m union select m from payments.merchants m",
        "select m from payments.merchants m group by m")) {
      assertEquals("UNSUPPORTED_SQL", refusal(fraud, sql), sql);
    }
    // a token of a numeric PAN has no text the gateway can write as PostgreSQL would
    assertEquals("NEEDS_MASKED_VALUES", refusal(migration,
        "select s from payments.settlements s"));
  }

  /** PostgreSQL's record output of the values (null as an empty field). */
  private static String record(List<String> values) {
    StringBuilder text = new StringBuilder("(");
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      text.append(i == 0 ? "" : ",");
      if (value == null) {
        continue;
      }
      boolean quote = value.isEmpty() || value.chars().anyMatch(c -> "\"\\(),".indexOf(c) >= 0
          || Character.isWhitespace(c));
      text.append(quote ? "\"" + value.replace("\\", "\\\\").replace("\"", "\"\"") + "\"" : value);
    }
    return text.append(')').toString();
  }

  private static String refusal(Session session, String sql) {
    try {
      rows(session, sql);
      return "answered";
    } catch (EngineException e) {
      return e.code();
    }
  }
}
