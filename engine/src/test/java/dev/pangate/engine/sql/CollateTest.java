package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code expression COLLATE collation}: in comparisons, {@code ORDER BY}, {@code GROUP BY},
 * {@code DISTINCT}, aggregates and windows it reaches PostgreSQL with its collation, and over
 * masked values the gateway sorts the values the role sees in the collation's order where that
 * order is its own (code points: {@code "C"}, {@code "POSIX"}, the database's code-point
 * {@code "default"}), refusing any other.
 */
@ExtendWith(PostgresExtension.class)
class CollateTest {

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

  @Test
  void theDatabaseCollationOrdersByCodePoint() throws Exception {
    // the gateway's own text order (and so "default" in the gateway) is code-point order; this
    // holds only for a database whose collation is C, POSIX or C.UTF-8, as the test database's
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery(
            "select datcollate from pg_database where datname = current_database()")) {
      assertTrue(rows.next());
      assertTrue(List.of("C", "POSIX", "C.UTF-8", "C.utf8").contains(rows.getString(1)),
          rows.getString(1));
    }
  }

  @Test
  void clearColumnsAnswerAsPostgresql() throws Exception {
    for (String sql : List.of(
        "select brand collate \"C\" from payments.cards order by brand collate \"C\", card_id"
            + " limit 20",
        "select x from (values ('a'), ('B'), ('b'), ('A'), ('_z'), ('Z')) v(x)"
            + " order by x collate \"C\" desc",
        "select max(status collate \"C\") filter (where (brand collate \"POSIX\") > 'M')"
            + " from payments.cards",
        "select brand collate \"C\", count(*) from payments.cards group by 1 order by 1",
        "select distinct status collate \"default\" from payments.cards order by 1",
        "select card_id from payments.cards where brand collate \"C\" between 'A' and 'N'"
            + " and status collate pg_catalog.\"POSIX\" <> 'lost' order by card_id limit 20",
        "select card_id, rank() over (order by status collate \"C\" desc, card_id)"
            + " from payments.cards order by card_id limit 20",
        "select card_id::text collate \"C\" as t from payments.cards order by 1 limit 20",
        "select 'a' || 'b' collate \"C\" || 'c' as y",
        "select min(name collate \"C\"), max(name collate \"POSIX\") from payments.merchants")) {
      List<List<String>> expected = fixture.direct(sql);
      assertFalse(expected.isEmpty(), sql);
      assertEquals(expected, rows(fraud, sql), sql);
    }
    String sent = fraud.prepare("select card_id from payments.cards order by brand collate \"C\""
        + " limit 3").planned().pushedSql();
    assertTrue(sent.contains("COLLATE \"C\""), sent);
    assertEquals(List.of("brand", "t"), fraud.prepare("select brand collate \"C\","
        + " card_id::text collate \"C\" as t from payments.cards").planned().columns().stream()
        .map(OutputColumn::name).toList());
  }

  @Test
  void maskedValuesSortInTheCollationsOrderInTheGateway() {
    for (Session session : List.of(fraud, migration)) {
      for (String collation : List.of("\"C\"", "\"POSIX\"", "\"default\"")) {
        String sql = "select pan, card_id from payments.cards order by pan collate " + collation
            + " desc, card_id limit 40";
        List<List<String>> sorted = rows(session, sql);
        assertEquals(40, sorted.size());
        // the masked values, sorted by code point, are what comes back
        List<List<String>> all = new ArrayList<>(rows(session,
            "select pan, card_id from payments.cards"));
        all.sort(Comparator.<List<String>, String>comparing(row -> row.get(0)).reversed()
            .thenComparing(row -> Long.parseLong(row.get(1))));
        assertEquals(all.subList(0, 40), sorted, sql);
        assertTrue(fixture.allPans().stream().noneMatch(pan -> sorted.toString().contains(pan)));
      }
    }
    // a comparison of a masked value: the truncation the role sees, as without COLLATE
    assertEquals(rows(fraud, "select card_id from payments.cards where pan > '5' order by card_id"),
        rows(fraud, "select card_id from payments.cards where pan collate \"C\" > '5'"
            + " order by card_id"));
    assertNotEquals(List.of(), rows(fraud, "select card_id from payments.cards"
        + " where pan collate \"C\" like '4%'"));
  }

  @Test
  void whatCannotKeepTheCollationIsRefused() {
    assertEquals("NEEDS_MASKED_VALUES", refusal(fraud,
        "select card_id from payments.cards order by pan collate \"en_US\" limit 5"));
    assertEquals("NEEDS_MASKED_VALUES", refusal(migration,
        "select min(pan collate \"und-x-icu\") from payments.cards"));
    assertEquals("SQL_VALIDATION_ERROR", refusal(fraud,
        "select card_id collate \"C\" from payments.cards"));
    assertEquals("SQL_VALIDATION_ERROR", refusal(fraud,
        "select pg_collate(brand, '\"C\"; drop table payments.cards') from payments.cards"));
    // an unknown collation on clear columns: PostgreSQL's own error
    assertEquals("SQL_VALIDATION_ERROR", refusal(fraud,
        "select brand collate \"nosuch\" from payments.cards"));
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
