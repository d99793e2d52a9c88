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
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Masks before predicates (issue item 2): whatever the gateway evaluates over masked values gives
 * the answer one gets by masking the rows first and computing afterwards. The masked rows come
 * from the plainest query there is ({@code select txn_id, pan}), the expected answers are
 * computed here in Java from them, and the raw PANs (read as administrator) show that the answer
 * is not the one the raw values would give.
 */
@ExtendWith(PostgresExtension.class)
class MaskSemanticsTest {

  private static GatewayFixture fixture;
  private static Session support;
  private static Session fraud;
  private static Session migration;
  private static PanDetector pans;
  private static Map<Long, String> raw;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    support = fixture.session("support-bot");
    fraud = fixture.session("fraud-analyst");
    migration = fixture.session("migration-bot");
    pans = new PanDetector(fixture.allPans());
    raw = new HashMap<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select txn_id, pan from payments.transactions")) {
      while (rs.next()) {
        raw.put(rs.getLong(1), rs.getString(2));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    support.close();
    fraud.close();
    migration.close();
    fixture.close();
  }

  /** Runs a statement that must succeed and show no PAN. */
  private static Outcome rows(Session session, String sql) {
    Outcome outcome = Outcome.run(session, sql, List.of());
    assertFalse(outcome.failed(), sql + ": " + outcome.summary());
    assertEquals(List.of(), pans.inspect(outcome), sql);
    return outcome;
  }

  /** txn_id to the PAN as the session's role sees it. */
  private static Map<Long, String> masked(Session session) {
    Map<Long, String> values = new HashMap<>();
    for (List<Object> row : rows(session, "select txn_id, pan from payments.transactions").rows()) {
      values.put(((Number) row.get(0)).longValue(), (String) row.get(1));
    }
    return values;
  }

  private static Set<Long> ids(Outcome outcome) {
    return outcome.values(0).stream().map(v -> ((Number) v).longValue()).collect(Collectors.toSet());
  }

  private static Set<Long> where(Map<Long, String> values, Predicate<String> predicate) {
    return values.entrySet().stream().filter(e -> e.getValue() != null && predicate.test(e.getValue()))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
  }

  @Test
  void binPredicateOnTokensAgreesWithTheMaskedValues() {
    Map<Long, String> tokens = masked(support);
    String bin = tokens.values().iterator().next().substring(0, 6);
    Outcome outcome = rows(support,
        "select txn_id from payments.transactions where substring(pan, 1, 6) = '" + bin + "'");
    assertEquals(where(tokens, p -> p.startsWith(bin)), ids(outcome));
    assertFalse(outcome.rows().isEmpty());
  }

  @Test
  void middleDigitPredicateOnTokensSeesTheTokenNotThePan() {
    Map<Long, String> tokens = masked(support);
    Set<Long> byToken = where(tokens, p -> p.charAt(6) == '5');
    Set<Long> byRaw = tokens.keySet().stream().filter(id -> raw.get(id).charAt(6) == '5')
        .collect(Collectors.toSet());
    assertNotEquals(byToken, byRaw, "tokens and PANs differ in their middle digits");
    Outcome outcome = rows(support,
        "select txn_id from payments.transactions where substring(pan, 7, 1) = '5'");
    assertEquals(byToken, ids(outcome), "the predicate saw the token");
  }

  @Test
  void middleDigitProjectionIsTheTokensDigit() {
    Map<Long, String> tokens = masked(support);
    Outcome outcome = rows(support, "select txn_id, substring(pan, 7, 1) from payments.transactions");
    assertEquals(tokens.size(), outcome.rows().size());
    for (List<Object> row : outcome.rows()) {
      assertEquals(tokens.get(((Number) row.get(0)).longValue()).substring(6, 7), row.get(1));
    }
  }

  @Test
  void orderByTokenSortsTheTokensNotThePans() {
    Map<Long, String> tokens = masked(support);
    Outcome outcome = rows(support, "select txn_id, pan from payments.transactions order by pan");
    List<String> shown = outcome.values(1).stream().map(String.class::cast).toList();
    List<String> expected = tokens.values().stream().sorted().toList();
    assertEquals(expected, shown, "rows in the order of their tokens");
    List<String> rawInThatOrder = outcome.values(0).stream()
        .map(id -> raw.get(((Number) id).longValue())).toList();
    assertNotEquals(rawInThatOrder.stream().sorted().toList(), rawInThatOrder,
        "the order tells nothing of the raw PANs' order");
  }

  @Test
  void orderByTruncatedPanSortsTheTruncatedValues() {
    Map<Long, String> truncated = masked(fraud);
    Outcome outcome = rows(fraud,
        "select txn_id, pan from payments.transactions order by pan desc, txn_id");
    List<String> expected = truncated.values().stream().sorted(Comparator.reverseOrder()).toList();
    assertEquals(expected, outcome.values(1));
  }

  @Test
  void minAndMaxAreTheMaskedValuesExtremes() {
    for (Session session : List.of(support, fraud)) {
      List<String> values = masked(session).values().stream().sorted().toList();
      Outcome outcome = rows(session, "select min(pan), max(pan) from payments.transactions");
      assertEquals(List.of(values.get(0), values.get(values.size() - 1)), outcome.rows().get(0),
          session.caller().agentId());
    }
  }

  @Test
  void groupByTruncatedPanCountsTheTruncatedValues() {
    Map<String, Long> expected = masked(fraud).values().stream()
        .collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
    Outcome outcome = rows(fraud, "select pan, count(*) from payments.transactions group by pan");
    Map<String, Long> actual = new TreeMap<>();
    for (List<Object> row : outcome.rows()) {
      actual.put((String) row.get(0), ((Number) row.get(1)).longValue());
    }
    assertEquals(expected, actual);
    long distinctRaw = raw.values().stream().distinct().count();
    assertTrue(actual.size() <= distinctRaw, "truncation can only merge PANs");
  }

  @Test
  void countDistinctTruncatedPanCountsTruncatedValues() {
    long expected = masked(fraud).values().stream().distinct().count();
    Outcome outcome = rows(fraud, "select count(distinct pan) from payments.transactions");
    assertEquals(expected, ((Number) outcome.rows().get(0).get(0)).longValue());
  }

  @Test
  void likeOnTokensMatchesTheTokens() {
    Map<Long, String> tokens = masked(support);
    for (String pattern : List.of("5%", "%00%", "______5%", "4%1_")) {
      Pattern regex = Pattern.compile(pattern.replace("%", ".*").replace("_", "."));
      Outcome outcome = rows(support,
          "select txn_id from payments.transactions where pan like '" + pattern + "'");
      assertEquals(where(tokens, p -> regex.matcher(p).matches()), ids(outcome), pattern);
    }
  }

  @Test
  void likeOnTruncatedPansNeverMatchesHiddenDigits() {
    Outcome outcome = rows(fraud, "select txn_id from payments.transactions where pan like '______5%'");
    assertEquals(Set.of(), ids(outcome), "the seventh character of a truncated PAN is '*'");
  }

  @Test
  void rangePredicateOnTokensComparesTokens() {
    Map<Long, String> tokens = masked(support);
    String bound = tokens.values().stream().sorted().toList().get(tokens.size() / 2);
    Outcome outcome = rows(support,
        "select txn_id from payments.transactions where pan < '" + bound + "'");
    assertEquals(where(tokens, p -> p.compareTo(bound) < 0), ids(outcome));
  }

  @Test
  void arithmeticOnNumericTokensUsesTheToken() {
    Map<Long, Object> tokens = new HashMap<>();
    for (List<Object> row : rows(migration,
        "select settlement_id, pan from payments.settlements where pan is not null").rows()) {
      tokens.put(((Number) row.get(0)).longValue(), row.get(1));
    }
    Outcome outcome = rows(migration, "select settlement_id, pan % 10000, pan - 1 from"
        + " payments.settlements where pan is not null");
    assertEquals(tokens.size(), outcome.rows().size());
    for (List<Object> row : outcome.rows()) {
      java.math.BigDecimal token = new java.math.BigDecimal(
          tokens.get(((Number) row.get(0)).longValue()).toString());
      assertEquals(0, token.remainder(java.math.BigDecimal.valueOf(10000))
          .compareTo(new java.math.BigDecimal(row.get(1).toString())));
      assertEquals(0, token.subtract(java.math.BigDecimal.ONE)
          .compareTo(new java.math.BigDecimal(row.get(2).toString())));
    }
  }

  @Test
  void tokenEqualityFindsExactlyTheRowsOfThatToken() {
    Map<Long, String> tokens = masked(support);
    String token = tokens.values().iterator().next();
    Outcome outcome = rows(support,
        "select txn_id, pan from payments.transactions where pan = '" + token + "'");
    assertEquals(where(tokens, token::equals), ids(outcome));
    List<Object> shown = new ArrayList<>(outcome.values(1));
    assertTrue(shown.stream().allMatch(token::equals));
  }
}
