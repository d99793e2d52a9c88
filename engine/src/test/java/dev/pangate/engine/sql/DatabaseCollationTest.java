package dev.pangate.engine.sql;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.LocaleDatabase;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In a database whose default collation does not sort by code point (ICU en-US here), text
 * orderings the gateway would evaluate over masked values are refused, since the gateway orders
 * text by code point; with COLLATE "C" they answer, orderings of clear columns run in PostgreSQL,
 * and equality keeps working. In the C.UTF-8 test database the same orderings answer as before.
 */
@ExtendWith(PostgresExtension.class)
class DatabaseCollationTest {

  private static LocaleDatabase icuDatabase;
  private static GatewayFixture icu;
  private static GatewayFixture c;
  private static Session icuFraud;
  private static Session icuSupport;
  private static Session cFraud;
  private static TestDatabase cDatabase;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    icuDatabase = LocaleDatabase.icuEnUs();
    icu = GatewayFixture.demo(icuDatabase.database());
    icuFraud = icu.session("fraud-analyst");
    icuSupport = icu.session("support-bot");
    cDatabase = database;
    c = GatewayFixture.demo(database);
    cFraud = c.session("fraud-analyst");
  }

  @AfterAll
  static void stop() throws Exception {
    icuFraud.close();
    icuSupport.close();
    cFraud.close();
    icu.close();
    c.close();
    icuDatabase.close();
  }

  @Test
  void theDatabaseSortsTextOtherwiseThanByCodePoint() throws Exception {
    // what makes the refusal necessary: PostgreSQL's order here is not Java's String order
    List<List<String>> postgres = icu.direct(
        "select x from (values ('a'), ('B'), ('b'), ('A'), ('_z')) v(x) order by x");
    List<List<String>> codePoint = new ArrayList<>(postgres);
    codePoint.sort(Comparator.comparing(row -> row.get(0)));
    assertNotEquals(codePoint, postgres);
    assertEquals(postgres, rows(icuFraud,
        "select x from (values ('a'), ('B'), ('b'), ('A'), ('_z')) v(x) order by x"));
  }

  @Test
  void orderingsOfMaskedTextAreRefusedWithWhatToWrite() {
    for (String sql : List.of(
        "select pan, card_id from payments.cards order by pan, card_id limit 10",
        "select pan from payments.cards order by pan desc",
        "select pan, card_id from payments.cards order by pan collate \"default\", card_id limit 5",
        "select card_id, row_number() over (order by pan, card_id) from payments.cards",
        "select min(pan), max(pan) from payments.cards",
        "select string_agg(pan, ',' order by pan) from payments.cards",
        "select card_id from payments.cards where pan > '5' order by card_id",
        "select card_id from payments.cards where pan between '4' and '5' order by card_id",
        "select distinct on (pan) pan, card_id from payments.cards order by pan, card_id")) {
      EngineException refused = assertThrows(EngineException.class, () -> rows(icuFraud, sql), sql);
      assertEquals("NEEDS_MASKED_VALUES", refused.code(), sql + ": " + refused.getMessage());
      assertTrue(refused.getMessage().contains("en-US"), refused.getMessage());
      assertTrue(refused.getMessage().contains("COLLATE \"C\""), refused.getMessage());
    }
    // tokens too
    EngineException tokens = assertThrows(EngineException.class, () -> rows(icuSupport,
        "select pan from payments.cards order by pan limit 3"));
    assertEquals("NEEDS_MASKED_VALUES", tokens.code());
  }

  @Test
  void withCollateCTheGatewayAnswersInCodePointOrder() {
    List<List<String>> all = byPanDescending(icuFraud);
    List<List<String>> sorted = firstByPanDescending(icuFraud, "pan collate \"C\" desc");
    assertEquals(List.of(List.of(all.get(all.size() - 1).get(0), all.get(0).get(0))),
        rows(icuFraud, "select min(pan collate \"C\"), max(pan collate \"POSIX\")"
            + " from payments.cards"));
    assertFalse(rows(icuFraud, "select card_id, row_number() over (order by pan collate \"C\","
        + " card_id) from payments.cards").isEmpty());
    assertEquals(all.stream().filter(row -> row.get(0).compareTo("5") > 0).count(),
        rows(icuFraud, "select card_id from payments.cards where pan collate \"C\" > '5'").size());
    assertTrue(icu.allPans().stream().noneMatch(pan -> sorted.toString().contains(pan)));
  }

  @Test
  void equalityAndGroupingOfMaskedValuesAnswer() {
    List<List<String>> all = rows(icuFraud, "select pan from payments.cards");
    String one = all.get(0).get(0);
    assertEquals(all.stream().filter(row -> row.get(0).equals(one)).count(),
        Long.parseLong(rows(icuFraud, "select count(*) from payments.cards where pan = '" + one
            + "'").get(0).get(0)));
    assertEquals(all.stream().map(row -> row.get(0)).distinct().count(),
        Long.parseLong(rows(icuFraud, "select count(distinct pan) from payments.cards")
            .get(0).get(0)));
    assertEquals(all.stream().map(row -> row.get(0)).distinct().count(),
        rows(icuFraud, "select pan, count(*) from payments.cards group by pan").size());
  }

  @Test
  void clearColumnOrderingsRunInPostgresqlAndAnswerAsIt() throws Exception {
    for (String sql : List.of(
        "select brand, card_id from payments.cards order by brand desc, card_id limit 20",
        "select name, merchant_id from payments.merchants order by name, merchant_id",
        "select card_id from payments.cards where brand between 'a' and 'N' order by card_id"
            + " limit 20",
        "select min(name), max(name) from payments.merchants")) {
      icu.assertSameAsPostgres(icuFraud, sql);
    }
    String sent = icuFraud.prepare("select brand, card_id from payments.cards"
        + " order by brand desc, card_id limit 20").planned().pushedSql();
    assertTrue(sent.toUpperCase(java.util.Locale.ROOT).contains("ORDER BY"), sent);
  }

  @Test
  void aCodePointDatabaseKeepsOrderingMaskedValuesInTheGateway() {
    assertEquals(firstByPanDescending(cFraud, "pan desc"),
        firstByPanDescending(cFraud, "pan collate \"default\" desc"));
    assertFalse(rows(cFraud, "select min(pan), max(pan) from payments.cards where pan > '4'")
        .isEmpty());
  }

  @Test
  void aMirroredColumnsOwnCollationCountsToo() throws Exception {
    cDatabase.execute("create schema collated",
        "create table collated.names (id int primary key, name text collate \"en-US-x-icu\")",
        "create table collated.codes (id int primary key, code text collate \"C\")");
    try (dev.pangate.engine.catalog.PostgresCatalog both = dev.pangate.engine.catalog.PostgresCatalog
            .open(dev.pangate.engine.EngineConfig.of(cDatabase.url(), cDatabase.user(),
                cDatabase.password(), List.of("collated")));
        dev.pangate.engine.catalog.PostgresCatalog payments = dev.pangate.engine.catalog
            .PostgresCatalog.open(dev.pangate.engine.EngineConfig.of(cDatabase.url(),
                cDatabase.user(), cDatabase.password(), List.of("payments")))) {
      assertEquals("the collation \"en-US-x-icu\" of the column collated.names.name",
          both.textOrder());
      assertEquals(null, payments.textOrder());
    }
  }

  /** The role's cards (pan, card_id) sorted by the masked PAN's code points, descending, then id. */
  private static List<List<String>> byPanDescending(Session session) {
    List<List<String>> all = new ArrayList<>(rows(session, "select pan, card_id from payments.cards"));
    all.sort(Comparator.<List<String>, String>comparing(row -> row.get(0)).reversed()
        .thenComparing(row -> Long.parseLong(row.get(1))));
    return all;
  }

  /** The first 40 cards ordered by {@code key}, then id; asserted to be the code-point order. */
  private static List<List<String>> firstByPanDescending(Session session, String key) {
    List<List<String>> sorted = rows(session, "select pan, card_id from payments.cards order by "
        + key + ", card_id limit 40");
    assertEquals(byPanDescending(session).subList(0, 40), sorted, key);
    return sorted;
  }
}
