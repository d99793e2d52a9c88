package dev.pangate.engine.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The order oracle over an injective mask (a hex keyed hash), where grouping, DISTINCT, joins,
 * set operations and windows do run on the raw column in PostgreSQL: the rows (and those a LIMIT
 * keeps) must not follow the raw values' order, compared with that order read straight from
 * PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
class HashOrderTest {

  private static GatewayFixture fixture;
  private static Session hasher;
  /** hash as the role sees it → raw PAN. */
  private static final Map<String, String> RAW_OF = new HashMap<>();
  private static List<String> rawOrder;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    // On the SMALL demo PostgreSQL hashes its groups and scans tables whole; on production-sized
    // tables, or with a LIMIT, it groups in the order of the index on pan: in raw PAN order.
    // These settings make it do so here too, so the oracle sees that order.
    database.execute("ALTER DATABASE " + database.name() + " SET enable_seqscan = off",
        "ALTER DATABASE " + database.name() + " SET enable_bitmapscan = off",
        "ALTER DATABASE " + database.name() + " SET enable_hashagg = off");
    String policy = GatewayFixture.demoPolicy()
        .replace("agents:\n", "agents:\n  hash-analyst:\n    role: hash_analyst\n")
        .replace("roles:\n", "roles:\n  hash_analyst:\n    tables:\n      payments.cards:\n"
            + "        columns_default: clear\n        columns:\n"
            + "          pan: {mask: hash, key: hashing, format: hex}\n"
            + "        dml: allow\n");
    fixture = GatewayFixture.withPolicy(database, policy);
    hasher = fixture.session("hash-analyst");
    Map<Long, String> raw = new HashMap<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select card_id, pan from payments.cards")) {
      while (rs.next()) {
        raw.put(rs.getLong(1), rs.getString(2));
      }
    }
    for (List<Object> row : rows("select card_id, pan from payments.cards").rows()) {
      RAW_OF.put((String) row.get(1), raw.get(((Number) row.get(0)).longValue()));
    }
    rawOrder = RAW_OF.entrySet().stream().sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey).toList();
    rawCardOrder = raw.entrySet().stream().sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey).toList();
    assertFalse(rawCardOrder.subList(0, 5).equals(List.of(1L, 2L, 3L, 4L, 5L)),
        "the oracle needs raw PAN order and card order to differ");
  }

  /** Card ids in raw PAN order, read straight from PostgreSQL. */
  private static List<Long> rawCardOrder;

  private static long id(Object cell) {
    return ((Number) cell).longValue();
  }

  /** The grouped cards (one per hash), as a derived table: PostgreSQL groups by the raw PAN. */
  private static final String GROUPED =
      "(select min(card_id) as card_id from payments.cards group by pan) as g";

  /**
   * A LIMIT, OFFSET or FETCH inside a scalar, IN or EXISTS sub-query picks rows too: walking a
   * scalar sub-query's OFFSET must not visit the cards in raw PAN order, and an IN sub-query's
   * LIMIT (DISTINCT or not) must not keep the smallest raw PANs.
   */
  @Test
  void aLimitInsideASubQueryDoesNotPickByRawOrder() {
    List<Long> walked = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      Outcome picked = rows("select card_id from payments.cards where card_id = (select card_id"
          + " from " + GROUPED + " offset " + k + " limit 1)");
      walked.add(id(picked.rows().get(0).get(0)));
    }
    assertFalse(rawCardOrder.subList(0, 5).equals(walked),
        "a scalar sub-query's OFFSET walked the cards in raw PAN order: " + walked);
    java.util.Set<Long> smallest = new java.util.HashSet<>(rawCardOrder.subList(0, 5));
    for (String sql : List.of(
        "select card_id from payments.cards where card_id in (select card_id from " + GROUPED
            + " limit 5)",
        "select card_id from payments.cards where card_id in (select card_id from " + GROUPED
            + " fetch first 5 rows only)",
        "select card_id from payments.cards where pan in (select distinct pan from"
            + " payments.cards limit 5)",
        "select card_id from payments.cards c where exists (select 1 from (select pan from"
            + " payments.cards group by pan limit 5) as f where f.pan = c.pan)")) {
      Outcome kept = Outcome.run(hasher, sql, List.of());
      if (kept.failed()) {
        assertTrue(kept.failedCleanly(), sql + ": " + kept.summary());
        assertTrue(kept.failureText().contains("NEEDS_MASKED_VALUES"), kept.summary());
        continue;
      }
      java.util.Set<Long> ids = new java.util.HashSet<>();
      kept.values(0).forEach(v -> ids.add(id(v)));
      assertEquals(5, ids.size(), sql);
      assertFalse(smallest.equals(ids), "the sub-query's LIMIT kept the smallest raw PANs: " + sql);
    }
  }

  /** A write's sub-query LIMIT picks the rows it changes: not by raw PAN order either. */
  @Test
  void aWriteDoesNotPickItsRowsByRawOrder() throws Exception {
    Outcome written = rows("update payments.cards set status = 'order-probe' where card_id in"
        + " (select card_id from " + GROUPED + " limit 3)");
    assertEquals(3L, id(written.rows().get(0).get(0)));
    java.util.Set<Long> changed = new java.util.HashSet<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(
            "select card_id from payments.cards where status = 'order-probe'")) {
      while (rs.next()) {
        changed.add(rs.getLong(1));
      }
    }
    assertEquals(3, changed.size());
    assertFalse(new java.util.HashSet<>(rawCardOrder.subList(0, 3)).equals(changed),
        "the write changed the cards of the smallest raw PANs: " + changed);
  }

  /** string_agg and array_agg without ORDER BY combine values in the order groups arrive. */
  @Test
  void aggregatesDoNotCombineInRawOrder() {
    for (String sql : List.of("select string_agg(card_id::text, ',') from " + GROUPED,
        "select array_agg(card_id) from " + GROUPED)) {
      List<Long> combined = Outcome.numbersIn(rows(sql).rows().get(0).get(0));
      assertEquals(rawCardOrder.size(), combined.size(), sql);
      assertFalse(rawCardOrder.equals(combined), "combined in raw PAN order: " + sql);
    }
    Outcome hashes = Outcome.run(hasher, "select string_agg(pan, ',') from (select pan from"
        + " payments.cards group by pan) as g", List.of());
    if (hashes.failed()) {
      assertTrue(hashes.failedCleanly(), hashes.summary());
    } else {
      assertFalse(rawOrder.equals(List.of(String.valueOf(hashes.rows().get(0).get(0)).split(","))),
          "hashes combined in raw PAN order");
    }
  }

  /** row_number(), first_value() and lag() without an ORDER BY follow the order rows arrive in. */
  @Test
  void windowFunctionsDoNotNumberInRawOrder() {
    List<Long> byNumber = rows("select card_id, row_number() over () as n from " + GROUPED)
        .rows().stream().sorted(java.util.Comparator.comparingLong(r -> id(r.get(1))))
        .map(r -> id(r.get(0))).toList();
    assertFalse(rawCardOrder.equals(byNumber), "row_number() numbered the cards in raw PAN order");
    long first = id(rows("select first_value(card_id) over () from " + GROUPED).rows().get(0).get(0));
    assertFalse(rawCardOrder.get(0).equals(first),
        "first_value() took the card of the smallest raw PAN");
    Map<Long, Object> previous = new HashMap<>();
    rows("select card_id, lag(card_id) over () from " + GROUPED).rows()
        .forEach(r -> previous.put(id(r.get(0)), r.get(1)));
    int chained = 0;
    for (int i = 1; i < rawCardOrder.size(); i++) {
      Object before = previous.get(rawCardOrder.get(i));
      chained += before != null && id(before) == rawCardOrder.get(i - 1) ? 1 : 0;
    }
    assertTrue(chained < rawCardOrder.size() / 2, "lag() chained " + chained
        + " cards to the card of the next smaller raw PAN");
  }

  @AfterAll
  static void stop() throws Exception {
    hasher.close();
    fixture.close();
  }

  private static Outcome rows(String sql) {
    Outcome outcome = Outcome.run(hasher, sql, List.of());
    assertFalse(outcome.failed(), sql + ": " + outcome.summary());
    return outcome;
  }

  private static List<String> strings(List<Object> values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add((String) v));
    return out;
  }

  @Test
  void groupedHashesComeBackInNoRawOrder() {
    for (String sql : List.of("select pan from payments.cards group by pan",
        "select distinct pan from payments.cards",
        "select pan from payments.cards union select pan from payments.cards",
        "select pan from (select pan, row_number() over (partition by pan) as n"
            + " from payments.cards) as w where n = 1")) {
      List<String> returned = strings(rows(sql).values(0));
      assertEquals(RAW_OF.size(), returned.size(), sql);
      assertFalse(rawOrder.equals(returned), "rows came back in raw order: " + sql);
    }
  }

  @Test
  void aLimitDoesNotKeepTheSmallestRawValues() {
    List<String> smallest = rawOrder.subList(0, 5);
    for (String sql : List.of("select pan from payments.cards group by pan limit 5",
        "select distinct pan from payments.cards limit 5",
        "select pan from (select pan from payments.cards group by pan limit 5) as g",
        "select c.pan from payments.cards c join payments.cards d on c.pan = d.pan limit 5")) {
      List<String> kept = strings(rows(sql).values(0));
      assertEquals(5, kept.size(), sql);
      assertFalse(smallest.equals(kept), "a LIMIT kept the smallest raw values: " + sql);
      assertTrue(kept.stream().noneMatch(RAW_OF.values()::contains), "no raw value: " + sql);
    }
  }
}
