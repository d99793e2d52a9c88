package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.masking.pan.Luhn;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SMALL demo database as loaded into a real PostgreSQL: shape, content and invariants. */
@ExtendWith(PostgresExtension.class)
class DemoDatabaseTest {

  private static TestDatabase database;
  private static DemoSummary summary;

  @BeforeAll
  static void load(TestDatabase testDatabase) throws SQLException {
    database = testDatabase;
    try (Connection admin = database.connect()) {
      summary = DemoDatabase.create(admin, DemoSize.SMALL, 42);
    }
  }

  @Test
  void summaryAndTablesHoldTheCountsOfTheSize() throws SQLException {
    DemoSize size = DemoSize.SMALL;
    Map<String, Long> expected = Map.of(
        "payments.merchants", 50L,
        "payments.cardholders", 300L,
        "payments.cards", 500L,
        "payments.transactions", 5_000L,
        "payments.disputes", 200L,
        "payments.settlements", 500L);
    assertEquals(expected, summary.rowCounts());
    assertEquals(List.of(size.merchants(), size.cardholders(), size.cards(), size.transactions(),
        size.disputes(), size.settlements()), List.of(50, 300, 500, 5_000, 200, 500));
    for (Map.Entry<String, Long> table : expected.entrySet()) {
      assertEquals(table.getValue(), count("SELECT count(*) FROM " + table.getKey()), table.getKey());
    }
    assertEquals(6_550, summary.totalRows());
    assertEquals(DemoSize.SMALL, summary.size());
    assertEquals(42, summary.seed());
  }

  @Test
  void everyPanIsLuhnValidDigitsOfAPanLength() throws SQLException {
    Set<String> pans;
    try (Connection connection = database.connect()) {
      pans = DemoDatabase.allPans(connection);
    }
    assertEquals(500, pans.size(), "every PAN in the database is a card's PAN");
    assertEquals(pans, strings("SELECT pan FROM payments.cards"));
    for (String pan : pans) {
      assertTrue(pan.matches("[0-9]{15,19}"), "digits only, 15 to 19 of them");
      assertTrue(Set.of(15, 16, 19).contains(pan.length()), "a length the brands use");
      assertTrue(Luhn.isValid(pan), "Luhn-valid");
    }
  }

  @Test
  void brandsPrefixesAndLengthsCoverAllSixProducts() throws SQLException {
    Map<CardProduct, Integer> seen = new EnumMap<>(CardProduct.class);
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT brand, pan FROM payments.cards")) {
      while (rows.next()) {
        CardProduct product = classify(rows.getString(1), rows.getString(2));
        seen.merge(product, 1, Integer::sum);
      }
    }
    assertEquals(Set.of(CardProduct.values()), seen.keySet(), "all six brand/length combinations");
    for (int cards : seen.values()) {
      assertTrue(cards >= 5, "each combination has several cards: " + seen);
    }
  }

  /** The product a card is, judged from its brand and PAN alone; fails on any inconsistency. */
  private static CardProduct classify(String brand, String pan) {
    int two = Integer.parseInt(pan.substring(0, 2));
    int four = Integer.parseInt(pan.substring(0, 4));
    CardProduct product = switch (brand) {
      case "Visa" -> pan.startsWith("4") && pan.length() == 16 ? CardProduct.VISA_16
          : pan.startsWith("4") && pan.length() == 19 ? CardProduct.VISA_19 : null;
      case "Mastercard" -> pan.length() != 16 ? null
          : two >= 51 && two <= 55 ? CardProduct.MASTERCARD_5_SERIES
          : four >= 2221 && four <= 2720 ? CardProduct.MASTERCARD_2_SERIES : null;
      case "American Express" -> pan.length() == 15 && (two == 34 || two == 37)
          ? CardProduct.AMERICAN_EXPRESS : null;
      case "Discover" -> pan.length() == 16 && (four == 6011 || two == 65)
          ? CardProduct.DISCOVER : null;
      default -> null;
    };
    if (product == null) {
      throw new AssertionError("brand " + brand + " does not match a PAN of length " + pan.length()
          + " starting " + pan.substring(0, 4));
    }
    return product;
  }

  @Test
  void keysForeignKeysUniquePanAndIndexesExist() throws SQLException {
    assertEquals(6, count("SELECT count(*) FROM pg_constraint WHERE contype = 'p'"
        + " AND connamespace = 'payments'::regnamespace"));
    assertEquals(5, count("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
        + " AND connamespace = 'payments'::regnamespace"));
    assertEquals(Set.of("pan"), strings("SELECT a.attname FROM pg_constraint c"
        + " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
        + " WHERE c.contype = 'u' AND c.conrelid = 'payments.cards'::regclass"));
    Set<String> indexed = strings("SELECT t.relname || '(' || a.attname || ')' FROM pg_index i"
        + " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = t.oid"
        + " AND a.attnum = i.indkey[0] WHERE t.relnamespace = 'payments'::regnamespace");
    for (String needed : List.of("transactions(card_id)", "transactions(merchant_id)",
        "transactions(created_at)", "disputes(txn_id)", "cards(pan)")) {
      assertTrue(indexed.contains(needed), needed + " is indexed: " + indexed);
    }
    // Column statistics exist only after ANALYZE (and, unlike pg_stat_*, are transactional).
    assertEquals(6, count("SELECT count(DISTINCT tablename) FROM pg_stats WHERE schemaname = 'payments'"),
        "every table analyzed");
  }

  @Test
  void referencesResolve() throws SQLException {
    assertEquals(0, count("SELECT count(*) FROM payments.cards c LEFT JOIN payments.cardholders h"
        + " USING (cardholder_id) WHERE h.cardholder_id IS NULL"));
    assertEquals(0, count("SELECT count(*) FROM payments.transactions t LEFT JOIN payments.cards c"
        + " USING (card_id) WHERE c.card_id IS NULL"));
    assertEquals(0, count("SELECT count(*) FROM payments.transactions t"
        + " LEFT JOIN payments.merchants m USING (merchant_id) WHERE m.merchant_id IS NULL"));
    assertEquals(0, count("SELECT count(*) FROM payments.disputes d"
        + " LEFT JOIN payments.transactions t USING (txn_id) WHERE t.txn_id IS NULL"));
    assertEquals(0, count("SELECT count(*) FROM payments.settlements s"
        + " LEFT JOIN payments.merchants m USING (merchant_id) WHERE m.merchant_id IS NULL"));
    assertEquals(300, count("SELECT count(DISTINCT cardholder_id) FROM payments.cards"),
        "every cardholder has a card");
    assertEquals(200, count("SELECT count(DISTINCT txn_id) FROM payments.disputes"),
        "one dispute per disputed transaction");
  }

  @Test
  void panIsTheSameWhereverItIsCopied() throws SQLException {
    assertEquals(0, count("SELECT count(*) FROM payments.transactions t"
        + " JOIN payments.cards c USING (card_id) WHERE t.pan <> c.pan"));
    assertEquals(0, count("SELECT count(*) FROM payments.disputes d"
        + " JOIN payments.transactions t USING (txn_id) WHERE d.pan <> t.pan"));
    assertEquals(0, count("SELECT count(*) FROM payments.settlements s WHERE s.pan IS NOT NULL"
        + " AND NOT EXISTS (SELECT 1 FROM payments.cards c WHERE c.pan::numeric = s.pan)"));
    // Each settlement settles a transaction of its merchant on that card, for that amount.
    assertEquals(0, count("SELECT count(*) FROM payments.settlements s WHERE s.pan IS NOT NULL"
        + " AND NOT EXISTS (SELECT 1 FROM payments.transactions t WHERE t.pan::numeric = s.pan"
        + " AND t.merchant_id = s.merchant_id AND t.amount = s.amount"
        + " AND s.settled_on - t.created_at::date BETWEEN 1 AND 3)"));
  }

  @Test
  void merchantsOneToThreeHaveFixedRegionsTransactionsAndDisputes() throws SQLException {
    assertEquals(Set.of("1 DE EU", "2 US NA", "3 JP APAC"), strings("SELECT merchant_id || ' '"
        + " || country || ' ' || region FROM payments.merchants WHERE merchant_id <= 3"));
    assertEquals(3, count("SELECT count(DISTINCT t.merchant_id) FROM payments.disputes d"
        + " JOIN payments.transactions t USING (txn_id) WHERE t.merchant_id <= 3"));
    assertTrue(count("SELECT min(n) FROM (SELECT count(*) AS n FROM payments.transactions"
        + " WHERE merchant_id <= 3 GROUP BY merchant_id) per_merchant") >= 100);
    assertEquals(Set.of("EU", "NA", "APAC", "LATAM"),
        strings("SELECT DISTINCT region FROM payments.merchants"));
  }

  @Test
  void nullableColumnsHoldSomeNullsButNotOnlyNulls() throws SQLException {
    for (String column : List.of("disputes.reason", "cardholders.phone", "transactions.auth_code",
        "settlements.pan")) {
      String table = "payments." + column.substring(0, column.indexOf('.'));
      String name = column.substring(column.indexOf('.') + 1);
      long nulls = count("SELECT count(*) FROM " + table + " WHERE " + name + " IS NULL");
      long total = count("SELECT count(*) FROM " + table);
      assertTrue(nulls > 0 && nulls < total / 2, column + " has a few NULLs: " + nulls + " of " + total);
    }
  }

  @Test
  void valuesComeFromSmallFixedSetsAndRanges() throws SQLException {
    assertEquals(Set.of("approved", "declined", "reversed", "pending"),
        strings("SELECT DISTINCT status FROM payments.transactions"));
    assertEquals(Set.of("active", "blocked", "lost", "expired"),
        strings("SELECT DISTINCT status FROM payments.cards"));
    assertEquals(Set.of("open", "under_review", "won", "lost"),
        strings("SELECT DISTINCT status FROM payments.disputes"));
    assertEquals(0, count("SELECT count(*) FROM payments.transactions"
        + " WHERE (auth_code IS NULL) <> (status IN ('declined', 'pending'))"));
    assertTrue(count("SELECT count(*) FROM payments.transactions WHERE amount <> trunc(amount)")
        > 4_000, "amounts have cents");
    assertEquals(0, count("SELECT count(*) FROM payments.transactions WHERE amount <= 0"));
    assertEquals(0, count("SELECT count(*) FROM payments.transactions"
        + " WHERE created_at < '2023-01-01T00:00:00Z' OR created_at >= '2025-01-01T00:00:00Z'"));
    assertEquals(24, count("SELECT count(DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'))"
        + " FROM payments.transactions"), "transactions in every month of two years");
    assertEquals(0, count("SELECT count(*) FROM payments.disputes d JOIN payments.transactions t"
        + " USING (txn_id) WHERE d.opened_at <= t.created_at OR d.amount > t.amount"));
    assertEquals(0, count("SELECT count(*) FROM payments.transactions t"
        + " JOIN payments.merchants m USING (merchant_id) WHERE t.currency <> CASE m.region"
        + " WHEN 'EU' THEN 'EUR' ELSE t.currency END"), "EU merchants charge in euros");
  }

  @Test
  void textWithAccentsAndApostrophesSurvivesCopy() throws SQLException {
    assertTrue(count("SELECT count(*) FROM payments.cardholders WHERE full_name LIKE '%''%'") > 0);
    assertTrue(count("SELECT count(*) FROM payments.cardholders"
        + " WHERE full_name ~ '[äöüéëáí]'") > 0);
    assertEquals(0, count("SELECT count(*) FROM payments.cardholders WHERE email !~"
        + " '^[a-z]+\\.[a-z]+\\.[0-9]+@example\\.(com|org|net)$'"));
    assertEquals(0, count("SELECT count(*) FROM payments.cardholders"
        + " WHERE phone ~ '([0-9][ -]?){13}'"), "no phone number looks like a PAN");
  }

  @Test
  void allPansIncludesNumericSettlementPansAsDigitStrings() throws SQLException {
    try (Connection connection = database.connect()) {
      Set<String> pans = DemoDatabase.allPans(connection);
      Set<String> settled = strings("SELECT pan::text FROM payments.settlements WHERE pan IS NOT NULL");
      assertTrue(settled.size() > 100);
      assertTrue(pans.containsAll(settled));
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Set<String> strings(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return new HashSet<>(values);
  }
}
