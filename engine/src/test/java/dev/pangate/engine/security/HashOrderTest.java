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
    String policy = GatewayFixture.demoPolicy()
        .replace("agents:\n", "agents:\n  hash-analyst:\n    role: hash_analyst\n")
        .replace("roles:\n", "roles:\n  hash_analyst:\n    tables:\n      payments.cards:\n"
            + "        columns_default: clear\n        columns:\n"
            + "          pan: {mask: hash, key: hashing, format: hex}\n");
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
