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
}
