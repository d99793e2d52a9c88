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
    // On the SMALL demo PostgreSQL scans the tables whole; on tables of a production's size it
    // reads the index on pan for a list of PANs, in raw PAN order. These settings make it read
    // the index here too, so the oracle sees what a production database would hand back.
    database.execute("ALTER DATABASE " + database.name() + " SET enable_seqscan = off",
        "ALTER DATABASE " + database.name() + " SET enable_bitmapscan = off");
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

  /** The cards ordered by visible values only (their ids): what the fixed order must follow. */
  private static List<Long> visibleOrder() {
    return TOKEN.keySet().stream().sorted().toList();
  }

  /**
   * A LIMIT/OFFSET inside a scalar or IN sub-query picks rows too: the OFFSET k of a scalar
   * sub-query over an IN list of tokens, for k = 0..3, must not walk the cards in raw PAN order,
   * nor may an IN sub-query's LIMIT keep the smallest raw PANs.
   */
  @Test
  void aLimitInsideASubQueryDoesNotPickByRawOrder() {
    assertNotEquals(rawOrder().get(0), visibleOrder().get(0),
        "the oracle needs raw and visible orders to differ");
    List<Long> walked = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      Outcome picked = rows("select card_id from payments.cards where card_id = (select card_id"
          + " from payments.cards where pan in (" + tokenList() + ") offset " + k + " limit 1)");
      assertEquals(1, picked.rows().size(), "offset " + k);
      walked.add(((Number) picked.rows().get(0).get(0)).longValue());
    }
    assertNotEquals(rawOrder().subList(0, 4), walked, "a scalar sub-query's OFFSET walked the"
        + " cards in raw PAN order");
    assertEquals(visibleOrder().subList(0, 4), walked, "ordered by what the caller sees");
    Outcome kept = rows("select card_id from payments.cards where card_id in (select card_id from"
        + " payments.cards where pan in (" + tokenList() + ") limit 3)");
    java.util.Set<Long> keptIds = new java.util.HashSet<>();
    kept.values(0).forEach(v -> keptIds.add(((Number) v).longValue()));
    assertEquals(3, keptIds.size());
    assertNotEquals(new java.util.HashSet<>(rawOrder().subList(0, 3)), keptIds,
        "an IN sub-query's LIMIT kept the smallest raw PANs");
    Outcome exists = Outcome.run(migration, "select card_id from payments.cards c where exists"
        + " (select 1 from (select pan from payments.cards where pan in (" + tokenList() + ")"
        + " limit 1) f where f.pan = c.pan)", List.of());
    assertTrue(exists.failedCleanly() || exists.rows().size() == 1
        && !rawOrder().get(0).equals(((Number) exists.rows().get(0).get(0)).longValue()),
        "a LIMIT inside EXISTS kept the smallest raw PAN: " + exists.summary());
  }

  /** string_agg and array_agg without ORDER BY combine values in the order rows arrive. */
  @Test
  void aggregatesDoNotCombineInRawOrder() {
    for (String sql : List.of(
        "select string_agg(card_id::text, ',') from payments.cards where pan in (" + tokenList() + ")",
        "select array_agg(card_id) from payments.cards where pan in (" + tokenList() + ")",
        "select string_agg(card_id::text, ',' order by brand) from payments.cards where pan in ("
            + tokenList() + ")")) {
      List<Long> combined = Outcome.numbersIn(rows(sql).rows().get(0).get(0));
      assertEquals(TOKEN.size(), combined.size(), sql);
      assertNotEquals(rawOrder(), combined, "combined in raw PAN order: " + sql);
      assertNotEquals(reversed(rawOrder()), combined, "combined in reverse raw PAN order: " + sql);
    }
    Outcome tokens = Outcome.run(migration, "select string_agg(pan, ',') from payments.cards"
        + " where pan in (" + tokenList() + ")", List.of());
    if (!tokens.failed()) {
      List<Long> combined = cardsOf(List.of((Object[]) String.valueOf(tokens.rows().get(0).get(0))
          .split(",")));
      assertNotEquals(rawOrder(), combined, "tokens combined in raw PAN order");
    } else {
      assertTrue(tokens.failedCleanly(), tokens.summary());
    }
  }

  /** row_number(), first_value() and lag() without an ORDER BY follow the order rows arrive in. */
  @Test
  void windowFunctionsDoNotNumberInRawOrder() {
    Outcome numbered = rows("select card_id, row_number() over () as n from payments.cards"
        + " where pan in (" + tokenList() + ")");
    List<Long> byNumber = numbered.rows().stream()
        .sorted(Comparator.comparingLong(r -> ((Number) r.get(1)).longValue()))
        .map(r -> ((Number) r.get(0)).longValue()).toList();
    assertEquals(TOKEN.size(), byNumber.size());
    assertNotEquals(rawOrder(), byNumber, "row_number() numbered the cards in raw PAN order");
    assertNotEquals(reversed(rawOrder()), byNumber, "row_number() in reverse raw PAN order");
    Outcome first = rows("select first_value(card_id) over () from payments.cards"
        + " where pan in (" + tokenList() + ")");
    assertNotEquals(rawOrder().get(0), ((Number) first.rows().get(0).get(0)).longValue(),
        "first_value() took the card of the smallest raw PAN");
    Outcome lagged = rows("select card_id, lag(card_id) over () from payments.cards"
        + " where pan in (" + tokenList() + ")");
    Map<Long, Long> previous = new LinkedHashMap<>();
    lagged.rows().forEach(r -> previous.put(((Number) r.get(0)).longValue(),
        r.get(1) == null ? null : ((Number) r.get(1)).longValue()));
    List<Long> raw = rawOrder();
    boolean followsRaw = true;
    for (int i = 1; i < raw.size(); i++) {
      followsRaw &= raw.get(i - 1).equals(previous.get(raw.get(i)));
    }
    assertFalse(followsRaw, "lag() chained the cards in raw PAN order");
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
