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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Masked values through windows, scalar, {@code IN} and {@code EXISTS} sub-queries and
 * string/array aggregation, for every mask kind (FF1 tokens, truncation, redaction, a keyed hash):
 * each answer is the one computed here in Java from the masked rows ({@code select ..., pan}), so
 * every expression sees masked values, and the same comparison written as a join and as a
 * sub-query gives the same rows.
 */
@ExtendWith(PostgresExtension.class)
class MaskedFormsTest {

  private static GatewayFixture fixture;
  private static final Map<String, Session> SESSIONS = new HashMap<>();
  private static Map<Long, String> rawTxnPans;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    database.execute("ALTER DATABASE " + database.name() + " SET enable_seqscan = off",
        "ALTER DATABASE " + database.name() + " SET enable_bitmapscan = off");
    String tables = "      payments.cards:\n        columns_default: clear\n        columns:\n"
        + "          pan: MASK\n"
        + "      payments.transactions:\n        columns_default: clear\n        columns:\n"
        + "          pan: MASK\n";
    String policy = GatewayFixture.demoPolicy()
        .replace("agents:\n", "agents:\n  hash-analyst:\n    role: hash_analyst\n"
            + "  redact-analyst:\n    role: redact_analyst\n")
        .replace("roles:\n", "roles:\n  hash_analyst:\n    tables:\n"
            + tables.replace("MASK", "{mask: hash, key: hashing, format: hex}")
            + "  redact_analyst:\n    tables:\n"
            + tables.replace("MASK", "{mask: redact, value: '****'}"));
    fixture = GatewayFixture.withPolicy(database, policy);
    for (String agent : List.of("migration-bot", "fraud-analyst", "hash-analyst", "redact-analyst",
        "support-bot")) {
      SESSIONS.put(agent, fixture.session(agent));
    }
    rawTxnPans = new HashMap<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select txn_id, pan from payments.transactions")) {
      while (rs.next()) {
        rawTxnPans.put(rs.getLong(1), rs.getString(2));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    SESSIONS.values().forEach(Session::close);
    SESSIONS.clear();
    fixture.close();
  }

  private static Outcome rows(String agent, String sql) {
    Outcome outcome = Outcome.run(SESSIONS.get(agent), sql, List.of());
    assertFalse(outcome.failed(), agent + ": " + sql + ": " + outcome.summary());
    return outcome;
  }

  private static long id(Object cell) {
    return ((Number) cell).longValue();
  }

  /** One masked transaction row: id, card, amount, pan as the role sees it. */
  private record Txn(long id, long card, java.math.BigDecimal amount, String pan) {}

  private static List<Txn> txns(String agent) {
    List<Txn> txns = new ArrayList<>();
    for (List<Object> row : rows(agent, "select txn_id, card_id, amount, pan from payments.transactions"
        + " where card_id <= 40").rows()) {
      txns.add(new Txn(id(row.get(0)), id(row.get(1)), (java.math.BigDecimal) row.get(2),
          (String) row.get(3)));
    }
    return txns;
  }

  private static Map<Long, String> cards(String agent) {
    Map<Long, String> cards = new TreeMap<>();
    for (List<Object> row : rows(agent, "select card_id, pan from payments.cards").rows()) {
      cards.put(id(row.get(0)), (String) row.get(1));
    }
    return cards;
  }

  private static Map<Long, List<Object>> byId(Outcome outcome) {
    Map<Long, List<Object>> rows = new TreeMap<>();
    for (List<Object> row : outcome.rows()) {
      rows.put(id(row.get(0)), row.subList(1, row.size()));
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"migration-bot", "fraud-analyst", "hash-analyst", "redact-analyst"})
  void windowsReadTheMaskedValues(String agent) {
    List<Txn> txns = txns(agent);
    Map<Long, List<Txn>> byCard = txns.stream().sorted(Comparator.comparingLong(Txn::id))
        .collect(Collectors.groupingBy(Txn::card, TreeMap::new, Collectors.toList()));
    Map<String, List<Txn>> byPan = txns.stream()
        .collect(Collectors.groupingBy(Txn::pan, TreeMap::new, Collectors.toList()));
    Map<Long, List<Object>> got = byId(rows(agent, "select txn_id, lag(pan) over (partition by"
        + " card_id order by txn_id), first_value(pan) over (partition by card_id order by txn_id),"
        + " count(*) over (partition by pan), sum(amount) over (partition by pan)"
        + " from payments.transactions where card_id <= 40"));
    assertEquals(txns.size(), got.size());
    for (List<Txn> card : byCard.values()) {
      for (int i = 0; i < card.size(); i++) {
        Txn txn = card.get(i);
        List<Object> row = got.get(txn.id());
        assertEquals(i == 0 ? null : card.get(i - 1).pan(), row.get(0), "lag(pan) of " + txn);
        assertEquals(card.get(0).pan(), row.get(1), "first_value(pan) of " + txn);
        List<Txn> same = byPan.get(txn.pan());
        assertEquals(same.size(), id(row.get(2)), "count(*) over (partition by pan) of " + txn);
        assertEquals(0, same.stream().map(Txn::amount).reduce(java.math.BigDecimal.ZERO,
            java.math.BigDecimal::add).compareTo((java.math.BigDecimal) row.get(3)),
            "sum(amount) over (partition by pan) of " + txn);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"migration-bot", "fraud-analyst", "hash-analyst", "redact-analyst"})
  void stringAndArrayAggregatesCombineTheMaskedValuesInVisibleOrder(String agent) {
    Map<Long, List<String>> expected = new TreeMap<>();
    for (Txn txn : txns(agent)) {
      expected.computeIfAbsent(txn.card(), k -> new ArrayList<>()).add(txn.pan());
    }
    expected.values().forEach(values -> values.sort(Comparator.naturalOrder()));
    Map<Long, List<Object>> got = byId(rows(agent, "select card_id, string_agg(pan, ','),"
        + " array_agg(pan) from payments.transactions where card_id <= 40 group by card_id"));
    assertEquals(expected.keySet(), got.keySet());
    expected.forEach((card, values) -> {
      assertEquals(String.join(",", values), got.get(card).get(0), "string_agg of card " + card);
      // an array reaches the caller as PostgreSQL's text of it
      assertEquals("{" + String.join(",", values) + "}", got.get(card).get(1),
          "array_agg of card " + card);
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"migration-bot", "fraud-analyst", "hash-analyst", "redact-analyst",
      "support-bot"})
  void subQueriesOnMaskedValuesAnswerAsTheSameJoin(String agent) {
    Map<Long, String> cards = cards(agent);
    long first = cards.keySet().iterator().next();
    String few = "c.card_id <= " + (first + 4);
    // The masked truth: transactions whose visible PAN equals a visible card PAN.
    java.util.Set<String> fewPans = cards.entrySet().stream().filter(e -> e.getKey() <= first + 4)
        .map(Map.Entry::getValue).collect(Collectors.toSet());
    Map<Long, String> visible = new TreeMap<>();
    for (List<Object> row : rows(agent, "select txn_id, pan from payments.transactions").rows()) {
      visible.put(id(row.get(0)), (String) row.get(1));
    }
    List<Long> truth = visible.entrySet().stream().filter(e -> fewPans.contains(e.getValue()))
        .map(Map.Entry::getKey).sorted().toList();
    assertFalse(truth.isEmpty());
    List<String> forms = List.of(
        "select distinct t.txn_id from payments.transactions t join payments.cards c on c.pan = t.pan"
            + " where " + few,
        "select t.txn_id from payments.transactions t where t.pan in (select c.pan from"
            + " payments.cards c where " + few + ")",
        "select t.txn_id from payments.transactions t where exists (select 1 from payments.cards c"
            + " where c.pan = t.pan and " + few + ")");
    for (String sql : forms) {
      assertEquals(truth, rows(agent, sql).values(0).stream().map(MaskedFormsTest::id).sorted()
          .toList(), agent + ": " + sql);
    }
    // A scalar sub-query compared with a masked column, and one returning a masked value.
    List<Long> equalToFirst = visible.entrySet().stream()
        .filter(e -> e.getValue().equals(cards.get(first))).map(Map.Entry::getKey).sorted().toList();
    assertEquals(equalToFirst, rows(agent, "select txn_id from payments.transactions where pan ="
        + " (select pan from payments.cards where card_id = " + first + ")").values(0).stream()
        .map(MaskedFormsTest::id).sorted().toList());
    Map<Long, List<Object>> cardPans = byId(rows(agent, "select t.txn_id, (select c.pan from"
        + " payments.cards c where c.card_id = t.card_id) from payments.transactions t"));
    Map<Long, Long> cardOf = new HashMap<>();
    for (List<Object> row : rows(agent, "select txn_id, card_id from payments.transactions").rows()) {
      cardOf.put(id(row.get(0)), id(row.get(1)));
    }
    cardPans.forEach((txn, row) -> assertEquals(cards.get(cardOf.get(txn)), row.get(0),
        "the card PAN of txn " + txn + " as the role sees it"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fraud-analyst", "redact-analyst"})
  void truncatedAndRedactedValuesMatchWhatTheyShowNotTheRawPans(String agent) {
    // Several PANs share one visible value: the sub-query matches them all, as the join does.
    long rawMatches = rows("migration-bot", "select count(*) from payments.transactions t where"
        + " exists (select 1 from payments.cards c where c.pan = t.pan and c.card_id <= 3)")
        .rows().get(0).get(0) instanceof Number n ? n.longValue() : -1;
    long masked = id(rows(agent, "select count(*) from payments.transactions t where exists"
        + " (select 1 from payments.cards c where c.pan = t.pan and c.card_id <= 3)").rows().get(0).get(0));
    long joined = id(rows(agent, "select count(distinct t.txn_id) from payments.transactions t join"
        + " payments.cards c on c.pan = t.pan where c.card_id <= 3").rows().get(0).get(0));
    assertEquals(joined, masked);
    if (agent.equals("redact-analyst")) {
      assertNotEquals(rawMatches, masked, "every redacted PAN looks alike");
      assertEquals(rawTxnPans.size(), masked);
    }
    assertTrue(masked >= rawMatches);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"migration-bot", "support-bot"})
  void aScalarSubQueryOfSeveralRowsFailsAsInPostgresql(String agent) {
    Outcome outcome = Outcome.run(SESSIONS.get(agent), "select txn_id from payments.transactions"
        + " where pan = (select pan from payments.cards)", List.of());
    assertTrue(outcome.failed(), outcome.summary());
    assertTrue(Objects.toString(outcome.failure().getMessage()).contains("more than one row"),
        outcome.summary());
  }
}
