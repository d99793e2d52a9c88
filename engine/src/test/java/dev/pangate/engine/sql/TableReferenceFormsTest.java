package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a table is named in FROM: {@code ONLY t} (without the tables inheriting from it) and alias
 * lists naming only the first columns, answered as PostgreSQL answers them for a role that sees
 * the columns in clear, and over the masked rows for a role that does not.
 */
@ExtendWith(PostgresExtension.class)
class TableReferenceFormsTest {

  /** Card ids of the rows of the table inheriting from payments.cards. */
  private static final int CHILD_IDS = 1_000_000;

  private static GatewayFixture fixture;
  private static Session fraud;
  private static Session migration;
  private static Session support;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
      statement.execute("create table payments.cards_reissued () inherits (payments.cards)");
      statement.execute("insert into payments.cards_reissued select * from payments.cards"
          + " where card_id <= 5");
      statement.execute("update payments.cards_reissued set card_id = card_id + " + CHILD_IDS);
    }
    fraud = fixture.session("fraud-analyst");
    migration = fixture.session("migration-bot");
    support = fixture.session("support-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    fraud.close();
    migration.close();
    support.close();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
      statement.execute("drop table if exists payments.cards_reissued");
    }
    fixture.close();
  }

  private static void samePostgres(Session session, String sql) throws Exception {
    List<List<String>> expected = fixture.direct(sql);
    assertFalse(expected.isEmpty(), sql);
    assertEquals(expected, rows(session, sql), sql);
  }

  /** The labels PostgreSQL gives the statement's columns. */
  private static List<String> postgresLabels(String sql) throws Exception {
    List<String> labels = new java.util.ArrayList<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
      statement.setMaxRows(1);
      java.sql.ResultSetMetaData meta = statement.executeQuery(sql).getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        labels.add(meta.getColumnLabel(i));
      }
    }
    return labels;
  }

  private static List<String> labels(Session session, String sql) {
    return session.prepare(sql).planned().columns().stream()
        .map(dev.pangate.engine.plan.OutputColumn::name).toList();
  }

  private static String pushed(Session session, String sql) {
    return session.prepare(sql).planned().pushedSql().toLowerCase(Locale.ROOT);
  }

  @Test
  void onlyReadsTheTableWithoutTheTablesInheritingFromIt() throws Exception {
    for (String sql : List.of(
        "select count(*), min(card_id), max(card_id) from only payments.cards",
        "select count(*), max(card_id) from payments.cards",
        "select card_id, brand from only payments.cards c where card_id <= 5 order by card_id",
        "select count(*) from payments.transactions t join only payments.cards c"
            + " on c.card_id = t.card_id",
        "select c.card_id, count(t.txn_id) from only payments.cards c left join"
            + " payments.transactions t on t.card_id = c.card_id group by c.card_id"
            + " order by c.card_id limit 10")) {
      samePostgres(fraud, sql);
    }
    assertNotEquals(fixture.direct("select count(*) from payments.cards"),
        rows(fraud, "select count(*) from only payments.cards"));
    String sent = pushed(fraud, "select count(*) from only payments.cards");
    assertTrue(sent.contains("from only \"payments\".\"cards\""), sent);
    // twice in one statement, each reference keeping its own scan
    samePostgres(fraud, "select (select count(*) from only payments.cards),"
        + " (select count(*) from payments.cards), count(*) from only payments.cards a"
        + " join only payments.cards b on a.card_id = b.card_id");
  }

  @Test
  void onlyOverAMaskedTableShowsTheMaskedRowsOfThatTableAlone() {
    // tokens, no row filter: the parent's own rows, masked as the parent's
    List<List<String>> only = rows(migration,
        "select card_id, pan from only payments.cards order by card_id");
    assertEquals(rows(migration, "select card_id, pan from payments.cards where card_id < "
        + CHILD_IDS + " order by card_id"), only);
    assertFalse(only.isEmpty());
    assertTrue(rows(migration, "select card_id from payments.cards").size() > only.size());
    assertTrue(fixture.allPans().stream().noneMatch(pan -> only.toString().contains(pan)));
    // the row filter of payments.cards applies to ONLY payments.cards as well
    assertEquals(rows(support, "select card_id, pan from payments.cards where card_id < "
        + CHILD_IDS + " order by card_id"),
        rows(support, "select card_id, pan from only payments.cards order by card_id"));
    String sent = pushed(support, "select card_id, pan from only payments.cards");
    assertTrue(sent.contains("only \"payments\".\"cards\""), sent);
  }

  @Test
  void aliasListsNamingTheFirstColumnsKeepTheOtherNames() throws Exception {
    for (String sql : List.of(
        "select * from payments.merchants as m(id, title) order by id limit 5",
        "select m.id, m.mcc, m.region from payments.merchants m(id) order by 1 limit 5",
        "select * from (select card_id, brand, status from payments.cards) as x(a)"
            + " order by a limit 5",
        "select x.a, x.status from (select card_id, brand, status from payments.cards) x(a, b)"
            + " where x.b = 'Visa' order by a limit 5",
        "select * from (values (1, 'one', 1.5), (2, 'two', 2.5)) as v(n) order by n",
        "select v.n, v.column2, v.column3 from (values (1, 'one', 1.5)) v(n)",
        "select * from generate_series(1, 3) as g(a)",
        "select m.*, t.txn, t.amount from payments.merchants m(id) join payments.transactions"
            + " t(txn) on t.merchant_id = m.id where t.txn <= 20 order by txn")) {
      samePostgres(fraud, sql);
      assertEquals(postgresLabels(sql), labels(fraud, sql), sql);
    }
    // a masked table: the renamed and the kept columns carry the role's masks; denied columns
    // stay absent (support-bot sees eight of the ten columns of cardholders)
    assertEquals(rows(fraud, "select card_id, cardholder_id, pan, brand from payments.cards"
        + " order by card_id limit 20"),
        rows(fraud, "select a, b, pan, brand from payments.cards x(a, b) order by a limit 20"));
    List<List<String>> tokens = rows(migration,
        "select * from payments.cards x(id) order by id limit 20");
    assertEquals(rows(migration, "select * from payments.cards order by card_id limit 20"), tokens);
    assertTrue(fixture.allPans().stream().noneMatch(pan -> tokens.toString().contains(pan)));
    List<String> supportLabels = labels(support, "select * from payments.cardholders h(id)");
    assertEquals(List.of("id", "full_name", "email", "phone", "city", "postal_code", "country",
        "created_at"), supportLabels);
    assertEquals(rows(support, "select * from payments.cardholders order by cardholder_id"),
        rows(support, "select * from payments.cardholders h(id) order by id"));
    // still refused: columns without names of their own, and VALUES of ROW(...) (one composite
    // column in PostgreSQL)
    for (String sql : List.of("select * from (select 1, 2) x(a)",
        "select * from (values (row(1, 2))) as x(a)",
        "select * from payments.merchants m(id, id)")) {
      assertEquals("SQL_VALIDATION_ERROR", refusal(fraud, sql), sql);
    }
  }

  private static String refusal(Session session, String sql) {
    try {
      rows(session, sql);
      return "answered";
    } catch (dev.pangate.engine.EngineException e) {
      return e.code();
    }
  }
}
