package dev.pangate.engine.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The order oracle and honest token semantics (issue 12, items 2 and 3). Tokens must not come back
 * in the raw PANs' order, nor may a LIMIT keep rows by it: the returned order is compared with the
 * raw order read straight from PostgreSQL, over cards that share a BIN and last four (so the
 * visible digits order nothing). And a tokenized column holding values that are not PANs shows
 * them all as the same stars: grouping, counting distinct and joining treat them as one value.
 */
@ExtendWith(PostgresExtension.class)
class TokenOrderTest {

  private static GatewayFixture fixture;
  private static Session migration;
  /** card_id → raw PAN, for cards of the most common BIN. */
  private static final Map<Long, String> RAW = new LinkedHashMap<>();
  /** card_id → token as migration-bot sees it. */
  private static final Map<Long, String> TOKEN = new LinkedHashMap<>();

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    migration = fixture.session("migration-bot");
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
      try (ResultSet rs = statement.executeQuery("select card_id, pan from payments.cards"
          + " where left(pan, 6) = (select left(pan, 6) from payments.cards where card_id > 10"
          + " group by 1 order by count(*) desc limit 1) and card_id > 10 order by card_id limit 12")) {
        while (rs.next()) {
          RAW.put(rs.getLong(1), rs.getString(2));
        }
      }
      // Two values that are not PANs, of one length: both show as the same stars.
      statement.executeUpdate("update payments.cards set pan = 'unknown-000001' where card_id = 1");
      statement.executeUpdate("update payments.cards set pan = 'unknown-000002' where card_id = 2");
    }
    assertTrue(RAW.size() >= 8, "enough cards of one BIN: " + RAW.size());
    String ids = RAW.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
    Outcome tokens = rows("select card_id, pan from payments.cards where card_id in (" + ids + ")");
    for (List<Object> row : tokens.rows()) {
      TOKEN.put(((Number) row.get(0)).longValue(), (String) row.get(1));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    migration.close();
    fixture.close();
  }

  private static Outcome rows(String sql) {
    Outcome outcome = Outcome.run(migration, sql, List.of());
    assertFalse(outcome.failed(), sql + ": " + outcome.summary());
    return outcome;
  }

  /** The cards in raw PAN order (what PostgreSQL's index on pan gives). */
  private static List<Long> rawOrder() {
    return RAW.entrySet().stream().sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey).toList();
  }

  private static List<Long> reversed(List<Long> list) {
    List<Long> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static List<Long> cardsOf(List<Object> tokens) {
    Map<String, Long> byToken = new LinkedHashMap<>();
    TOKEN.forEach((card, token) -> byToken.put(token, card));
    List<Long> cards = new ArrayList<>();
    for (Object token : tokens) {
      cards.add(byToken.get((String) token));
    }
    return cards;
  }

  private static String tokenList() {
    return TOKEN.values().stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
  }

  @Test
  void anInListOfTokensDoesNotComeBackInRawOrder() {
    List<Long> returned = cardsOf(rows("select pan from payments.cards where pan in ("
        + tokenList() + ")").values(0));
    assertEquals(TOKEN.size(), returned.size());
    List<Long> raw = rawOrder();
    assertNotEquals(raw, returned, "rows came back in raw PAN order");
    assertNotEquals(reversed(raw), returned, "rows came back in reverse raw PAN order");
  }

  @Test
  void aLimitDoesNotKeepTheRowsWithTheSmallestRawPans() {
    List<Long> kept = cardsOf(rows("select pan from payments.cards where pan in ("
        + tokenList() + ") limit 3").values(0));
    List<Long> byVisible = TOKEN.entrySet().stream().sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey).limit(3).toList();
    List<Long> byRaw = rawOrder().subList(0, 3);
    assertNotEquals(byRaw, byVisible, "the oracle needs raw and visible orders to differ");
    assertNotEquals(byRaw, kept, "the LIMIT kept the smallest raw PANs");
  }

  @Test
  void groupedTokensDoNotComeBackInRawOrder() {
    String ids = RAW.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
    for (String sql : List.of(
        "select pan from payments.cards where card_id in (" + ids + ") group by pan",
        "select distinct pan from payments.cards where card_id in (" + ids + ")",
        "select pan from payments.cards where card_id in (" + ids + ") union"
            + " select pan from payments.cards where card_id in (" + ids + ")")) {
      List<Long> returned = cardsOf(rows(sql).values(0));
      assertEquals(RAW.size(), returned.size(), sql);
      assertNotEquals(rawOrder(), returned, "raw PAN order: " + sql);
      assertNotEquals(reversed(rawOrder()), returned, "reverse raw PAN order: " + sql);
    }
  }

  @Test
  void valuesThatAreNotPansAreOneValueWhenTokenized() {
    Outcome shown = rows("select card_id, pan from payments.cards where card_id in (1, 2)"
        + " order by card_id");
    assertEquals(shown.rows().get(0).get(1), shown.rows().get(1).get(1), "both show the same stars");
    assertTrue(((String) shown.rows().get(0).get(1)).chars().allMatch(c -> c == '*'));
    Outcome grouped = rows("select pan, count(*) from payments.cards where card_id in (1, 2)"
        + " group by pan");
    assertEquals(1, grouped.rows().size(), "one visible value is one group: " + grouped.rows());
    assertEquals(2L, ((Number) grouped.rows().get(0).get(1)).longValue());
    Outcome distinct = rows("select count(distinct pan) from payments.cards where card_id in (1, 2)");
    assertEquals(1L, ((Number) distinct.rows().get(0).get(0)).longValue());
    Outcome joined = rows("select a.card_id, b.card_id from payments.cards a join payments.cards b"
        + " on a.pan = b.pan where a.card_id in (1, 2) and b.card_id in (1, 2)");
    assertEquals(4, joined.rows().size(), "equal visible values join: " + joined.rows());
    Outcome union = rows("select pan from payments.cards where card_id = 1 union"
        + " select pan from payments.cards where card_id = 2");
    assertEquals(1, union.rows().size(), "a set operation sees one value");
    String stars = (String) shown.rows().get(0).get(1);
    Outcome matched = Outcome.run(migration, "select card_id from payments.cards where pan = ?",
        List.of(stars));
    assertTrue(matched.failed() || matched.rows().size() == 2,
        "stars match both rows or are refused, never nothing: " + matched.summary());
    Outcome literal = Outcome.run(migration, "select card_id from payments.cards where pan = '"
        + stars + "'", List.of());
    assertTrue(literal.failedCleanly() || literal.rows().size() == 2,
        "stars as a literal match both rows or are refused: " + literal.summary());
  }
}
