package dev.pangate.engine.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.gateway.TableInfo;
import dev.pangate.masking.pan.PanScrubber;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attack suite (issue item 7): every statement of {@code attacks/attacks.sql} tries to get a
 * raw PAN, a denied column, an invisible table or a filtered-out row out of the gateway, and
 * every outcome, rows or error, is searched for what it must not hold. See the file's header for
 * the directives; each attack is its own test, named after it.
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackSuiteTest {

  static final List<String> AGENTS =
      List.of("support-bot", "fraud-analyst", "migration-bot", "security-officer");

  /** Features the issue names; each needs at least one attack. */
  static final List<String> FEATURES = List.of("predicates", "casts", "arithmetic",
      "string-functions", "aggregates", "ordering", "window", "set-operations", "joins", "cte",
      "subqueries", "values", "metadata", "explain", "error-messages", "hidden-row-errors",
      "lateral", "catalog", "identifiers", "comments-unicode", "postgres-functions", "set-returning", "arrays");

  /** Column names each agent's role must never see (denied, or of an invisible table). */
  static final Map<String, List<String>> DENIED = Map.of(
      "support-bot", List.of("street"),
      "fraud-analyst", List.of("full_name", "email", "phone", "street"),
      "migration-bot", List.of("cardholders", "full_name", "email", "phone", "street"),
      "security-officer", List.of("cardholders", "cards", "transactions", "pan"));

  static final Map<String, String> ROLES = Map.of("support-bot", "support_agent",
      "fraud-analyst", "fraud_analyst", "migration-bot", "migration_bot",
      "security-officer", "approver");

  /** An id no row has, to aim error oracles at nothing. */
  static final long ABSENT_ID = 987_654_321L;

  private static GatewayFixture fixture;
  private static PanDetector pans;
  private static Visibility visibility;
  private static final Map<String, Session> SESSIONS = new HashMap<>();
  private static final Map<String, Map<Long, Object>> MASKED = new HashMap<>();
  private static Map<Long, String> rawTxnPans;
  private static Map<Long, String> rawCardPans;
  /** How many of an agent's cards {card_tokens} lists (its first cards by id). */
  static final int CARD_TOKENS = 12;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    // PostgreSQL plans the SMALL demo with whole-table scans and hashed groups; production-sized
    // tables are read through their indexes, in the order of the indexed (raw) values. The suite
    // makes PostgreSQL read the indexes here too, so the order oracle sees what it would see there.
    database.execute("ALTER DATABASE " + database.name() + " SET enable_seqscan = off",
        "ALTER DATABASE " + database.name() + " SET enable_bitmapscan = off",
        "ALTER DATABASE " + database.name() + " SET enable_hashagg = off");
    fixture = GatewayFixture.demo(database);
    pans = new PanDetector(fixture.allPans());
    try (Connection admin = fixture.admin()) {
      visibility = Visibility.compute(admin);
      rawTxnPans = new HashMap<>();
      try (Statement statement = admin.createStatement();
          ResultSet rs = statement.executeQuery("select txn_id, pan from payments.transactions")) {
        while (rs.next()) {
          rawTxnPans.put(rs.getLong(1), rs.getString(2));
        }
      }
      rawCardPans = new HashMap<>();
      try (Statement statement = admin.createStatement();
          ResultSet rs = statement.executeQuery("select card_id, pan from payments.cards")) {
        while (rs.next()) {
          rawCardPans.put(rs.getLong(1), rs.getString(2));
        }
      }
    }
    for (String agent : AGENTS) {
      SESSIONS.put(agent, fixture.session(agent));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    SESSIONS.values().forEach(Session::close);
    SESSIONS.clear();
    MASKED.clear();
    fixture.close();
  }

  // ---------------------------------------------------------------- the suite itself

  @Test
  @Order(1)
  void theSuiteHasSeventyAttacksCoveringEveryFeatureKindAndRole() throws Exception {
    List<Attack> attacks = Attack.load();
    assertTrue(attacks.size() >= 70, "at least 70 attacks, found " + attacks.size());
    Map<String, Long> perFeature = attacks.stream()
        .collect(Collectors.groupingBy(Attack::feature, TreeMap::new, Collectors.counting()));
    for (String feature : FEATURES) {
      assertTrue(perFeature.containsKey(feature), "no attack uses " + feature + ": " + perFeature);
    }
    for (Attack.Kind kind : Attack.Kind.values()) {
      assertTrue(attacks.stream().anyMatch(a -> a.kind() == kind), "no attack of kind " + kind);
    }
    for (Attack attack : attacks) {
      assertTrue(AGENTS.contains(attack.agent()), attack + ": unknown agent");
      for (String check : attack.checks()) {
        assertTrue(CHECKS.containsKey(check), attack + ": unknown check " + check);
      }
      // An attack that already held a real PAN would prove nothing.
      assertTrue(pans.findInText(attack.sql()).isEmpty(), attack + " holds a real PAN in its text");
    }
    System.out.println("attacks per feature: " + perFeature);
    System.out.println("attacks per kind: " + attacks.stream().collect(
        Collectors.groupingBy(a -> a.kind().name(), TreeMap::new, Collectors.counting())));
    System.out.println("attacks per agent: " + attacks.stream().collect(
        Collectors.groupingBy(Attack::agent, TreeMap::new, Collectors.counting())));
  }

  /** The checks are only worth something if they fire: feed them what must not pass. */
  @Test
  @Order(1)
  void theChecksCatchRawPansAndRowsOutsideTheFilter() throws Exception {
    List<List<Object>> raw = new ArrayList<>();
    rawTxnPans.entrySet().stream().limit(5).forEach(e -> raw.add(row(e.getKey(), e.getValue())));
    assertEquals(5, pans.inspect(new Outcome("raw", List.of("txn_id", "pan"), raw, null)).size(),
        "raw PANs are found");
    Outcome everything = Outcome.run(SESSIONS.get("fraud-analyst"),
        "select txn_id, merchant_id from payments.transactions", List.of());
    assertFalse(visibility.violations(everything).isEmpty(), "rows of other merchants are noticed");
    assertTrue(pans.inspect(everything).isEmpty());
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> attacks() throws Exception {
    return Attack.load().stream().map(attack -> DynamicTest.dynamicTest(attack.toString(),
        URI.create("classpath:" + Attack.RESOURCE + "?line=" + attack.line()), () -> run(attack)));
  }

  /** Metadata calls list no invisible table and no denied column, for any role. */
  @Test
  @Order(3)
  void metadataShowsNoDeniedColumnAndNoInvisibleTable() {
    Map<String, Set<String>> invisible = Map.of(
        "support-bot", Set.of("payments.settlements"),
        "fraud-analyst", Set.of(),
        "migration-bot", Set.of("payments.cardholders"));
    for (String agent : AGENTS) {
      List<TableInfo> tables = SESSIONS.get(agent).tables();
      if (agent.equals("security-officer")) {
        assertEquals(List.of(), tables, "the security officer sees no tables");
        continue;
      }
      for (TableInfo table : tables) {
        String name = table.schema() + "." + table.name();
        assertFalse(invisible.get(agent).contains(name), agent + " must not see " + name);
        for (TableInfo.ColumnInfo column : table.columns()) {
          if (name.equals("payments.cardholders")) {
            assertFalse(DENIED.get(agent).contains(column.name()),
                agent + " sees the denied column " + name + "." + column.name());
          }
          assertTrue(pans.findInText(column.name() + " " + column.mask() + " " + column.typeName())
              .isEmpty(), "no PAN in metadata");
          if (column.name().equals("pan")) {
            assertFalse(column.mask().equals("clear"), agent + " sees " + name + ".pan in clear");
          }
        }
      }
      assertEquals(6 - invisible.get(agent).size(), tables.size(), agent + ": " + tables.stream()
          .map(TableInfo::name).toList());
    }
  }

  /** The column list of a prepared statement is the masked view's, never the raw table's. */
  @Test
  @Order(4)
  void preparedStatementColumnsAreTheViewsColumns() {
    var prepared = SESSIONS.get("support-bot").prepare("select * from payments.cardholders");
    List<String> names = prepared.columns().stream().map(c -> c.name()).toList();
    assertFalse(names.contains("street"), "street is denied: " + names);
    assertEquals(List.of("cardholder_id", "full_name", "email", "phone", "city", "postal_code",
        "country", "created_at"), names);
  }

  /**
   * Statements too large to keep in the attack file: a long OR chain and a long concatenation of
   * the masked PAN. Either may be refused, but only with the gateway's clear error.
   */
  @Test
  @Order(5)
  void hugeStatementsAreRefusedClearlyOrAnswered() {
    List<String> statements = List.of(
        "select count(*) from payments.transactions where " + String.join(" or ",
            java.util.stream.IntStream.range(0, 5000).mapToObj(i -> "txn_id = " + i).toList()),
        "select " + String.join(" || ", java.util.Collections.nCopies(1000, "pan"))
            + " from payments.transactions where txn_id = 1",
        "select count(*) from payments.transactions where " + "(".repeat(5000) + "txn_id > 0"
            + ")".repeat(5000));
    List<String> problems = new ArrayList<>();
    for (String sql : statements) {
      Outcome outcome = Outcome.run(SESSIONS.get("support-bot"), sql, List.of());
      pans.inspect(outcome).forEach(leak -> problems.add("LEAK: " + leak));
      if (outcome.failed() && !outcome.failedCleanly()) {
        problems.add(sql.substring(0, 60) + "...: the gateway crashed with "
            + outcome.failure().getClass().getName() + " instead of a clear error");
      }
    }
    assertEquals(List.of(), problems);
  }

  /** Everything the attacks did is in the audit log, and no real PAN is. */
  @Test
  @Order(6)
  void theAuditLogOfTheAttacksHoldsNoRealPan() throws Exception {
    String audit = fixture.auditText();
    assertTrue(audit.contains("settlement-token") || audit.contains("payments.settlements"),
        "the attacks were audited");
    var found = pans.findInText(audit);
    assertTrue(found.isEmpty(), "the audit log holds " + found.orElse(""));
  }

  @Test
  @Order(7)
  void stackedStatementsAreRefusedAndRunNothing() throws Exception {
    List<String> stacked = List.of("select 1; commit; drop table payments.cards",
        "select 1; commit; update payments.transactions set status = 'x'",
        "select txn_id from payments.transactions; delete from payments.disputes",
        "select 1;\ncommit;\ninsert into payments.merchants (merchant_id, name) values (999, 'x')");
    String before = tableCounts();
    for (String agent : AGENTS) {
      for (String sql : stacked) {
        Outcome outcome = Outcome.run(SESSIONS.get(agent), sql, List.of());
        assertTrue(outcome.failedCleanly(), agent + " " + sql + ": " + outcome.summary());
      }
    }
    assertEquals(before, tableCounts(), "nothing ran");
  }

  private static String tableCounts() throws Exception {
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select (select count(*) from payments.cards),"
            + " (select count(*) from payments.disputes), (select count(*) from payments.merchants),"
            + " (select count(*) from payments.transactions where status = 'x')")) {
      rs.next();
      return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4);
    }
  }

  // ---------------------------------------------------------------- running one attack

  private static void run(Attack attack) throws Exception {
    Session session = SESSIONS.get(attack.agent());
    String sql = fill(attack.sql(), attack.agent());
    List<String> parameters = attack.parameters().stream().map(p -> fill(p, attack.agent())).toList();
    List<String> problems = new ArrayList<>();
    Outcome outcome;
    if (attack.kind() == Attack.Kind.ERROR_ORACLE) {
      long target = visibility.hidden(attack.oracle());
      outcome = Outcome.run(session, sql.replace("{target}", Long.toString(target)), parameters);
      Outcome absent = Outcome.run(session, sql.replace("{target}", Long.toString(ABSENT_ID)),
          parameters);
      problems.addAll(common(attack, absent, "aimed at no row: "));
      if (outcome.failed() != absent.failed()) {
        problems.add("aimed at hidden " + attack.oracle() + " " + target + " it " + outcome.summary()
            + ", aimed at no row it " + absent.summary()
            + ": the outcome tells whether the hidden row exists");
      } else if (outcome.failed()) {
        if (!outcome.failureText().equals(absent.failureText())) {
          problems.add("the error differs when aimed at a hidden row: "
              + PanScrubber.scrub(outcome.failureText()) + " vs " + PanScrubber.scrub(absent.failureText()));
        }
      } else if (!outcome.sortedRows().equals(absent.sortedRows())) {
        problems.add("the rows differ when aimed at a hidden row (" + outcome.rows().size() + " vs "
            + absent.rows().size() + ")");
      }
    } else {
      outcome = Outcome.run(session, sql, parameters);
      if (attack.approve()) {
        outcome = approvedAndRunAgain(session, sql, parameters, outcome);
      }
    }
    problems.addAll(common(attack, outcome, ""));
    if (attack.hidden() != null) {
      problems.addAll(sameAsNonexistent(attack, session, sql, parameters, outcome));
    }
    if (!outcome.failed()) {
      for (String check : attack.checks()) {
        problems.addAll(CHECKS.get(check).check(attack, outcome));
      }
      if (attack.truth() != null) {
        problems.addAll(truth(attack, outcome));
      }
    }
    if (!problems.isEmpty()) {
      fail(attack + " (line " + attack.line() + "): " + String.join("; ", problems)
          + "\n  statement: " + sql.replace('\n', ' ')
          + "\n  outcome: " + outcome.summary()
          + pushedSql(session, sql));
    }
  }

  /**
   * A write held for approval: the security officer approves the request and the same statement
   * runs again (what an agent does next). Any other outcome is returned as it is.
   */
  private static Outcome approvedAndRunAgain(Session session, String sql, List<String> parameters,
      Outcome held) {
    if (!(held.failure() instanceof dev.pangate.engine.EngineException engine)
        || !engine.code().equals("APPROVAL_REQUIRED")) {
      return held;
    }
    Matcher id = Pattern.compile("Request (\\S+) is").matcher(engine.getMessage());
    if (!id.find()) {
      throw new IllegalStateException("no request id in: " + engine.getMessage());
    }
    fixture.gateway().approvals().approve(new dev.pangate.engine.gateway.Caller("security-officer",
        "127.0.0.1:5556", "test-security-officer", "test"), id.group(1), "attack suite");
    return Outcome.run(session, sql, parameters);
  }

  /** The checks every outcome gets: PAN-free, a clear error if any, the expected kind, the filter. */
  private static List<String> common(Attack attack, Outcome outcome, String prefix) {
    List<String> problems = new ArrayList<>();
    for (String leak : pans.inspect(outcome)) {
      problems.add(prefix + "LEAK: " + leak);
    }
    if (outcome.failed() && !outcome.failedCleanly()) {
      problems.add(prefix + "the gateway crashed instead of refusing clearly: "
          + outcome.failure().getClass().getName());
    }
    if (attack.expect() == Attack.Expect.ROWS && outcome.failed()) {
      problems.add(prefix + "expected rows, but it " + outcome.summary());
    }
    if (attack.expect() == Attack.Expect.ERROR && !outcome.failed()) {
      problems.add(prefix + "expected an error, but it returned " + outcome.rows().size() + " row(s)");
    }
    if (attack.agent().equals("support-bot")) {
      for (String violation : visibility.violations(outcome)) {
        problems.add(prefix + "FILTER: " + violation);
      }
    }
    return problems;
  }

  /**
   * A hidden column or table must fail exactly like a name that never existed: the attack runs
   * again with a made-up name of the same length, and the error (code, message, causes) must be
   * the same once the made-up name is put back.
   */
  private static List<String> sameAsNonexistent(Attack attack, Session session, String sql,
      List<String> parameters, Outcome outcome) {
    String hidden = attack.hidden();
    String madeUp = "q".repeat(hidden.length());
    Pattern word = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(hidden) + "(?![A-Za-z0-9_])");
    String other = word.matcher(sql).replaceAll(madeUp);
    if (other.equals(sql)) {
      return List.of("the hidden name '" + hidden + "' is not in the statement");
    }
    Outcome nonexistent = Outcome.run(session, other, parameters);
    List<String> problems = new ArrayList<>();
    if (!nonexistent.failed()) {
      problems.add("the made-up name '" + madeUp + "' did not fail");
      return problems;
    }
    String expected = chain(nonexistent.failure()).replace(madeUp, hidden);
    String actual = chain(outcome.failure());
    if (!actual.equals(expected)) {
      problems.add("the error for hidden '" + hidden + "' differs from the error for a name that"
          + " does not exist:\n    hidden:      " + actual + "\n    nonexistent: " + expected);
    }
    return problems;
  }

  /** A failure's code, message and the messages of its causes, as one line. */
  private static String chain(Throwable thrown) {
    if (thrown == null) {
      return "(no error)";
    }
    StringBuilder text = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof dev.pangate.engine.EngineException engine) {
        text.append(engine.code()).append(": ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" <- ");
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString();
  }

  /** The attack's rows equal the administrator's truth query's, as multisets. */
  private static List<String> truth(Attack attack, Outcome outcome) throws Exception {
    List<String> expected = new ArrayList<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(fill(attack.truth(), attack.agent()))) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          cells.add(Outcome.normalize(rs.getObject(i)));
        }
        expected.add(String.join(" | ", cells));
      }
    }
    expected.sort(null);
    List<String> actual = outcome.sortedRows();
    if (!actual.equals(expected)) {
      return List.of("WRONG RESULT: " + actual.size() + " row(s) differ from the truth's "
          + expected.size() + " (first: " + PanScrubber.scrub(first(actual)) + " vs "
          + PanScrubber.scrub(first(expected)) + ")");
    }
    return List.of();
  }

  private static String first(List<String> rows) {
    return rows.isEmpty() ? "none" : rows.get(0);
  }

  private static String pushedSql(Session session, String sql) {
    try {
      String filled = sql.contains("{target}")
          ? sql.replace("{target}", Long.toString(ABSENT_ID)) : sql;
      return "\n  pushed: " + PanScrubber.scrub(session.prepare(filled).planned().pushedSql());
    } catch (RuntimeException | AssertionError e) {
      return "";
    }
  }

  /** Fills the placeholders of an attack or truth query. */
  private static String fill(String sql, String agent) {
    String text = sql;
    for (Map.Entry<String, Long> target : visibility.hiddenTargets().entrySet()) {
      text = text.replace("{" + target.getKey() + "}", Long.toString(target.getValue()));
    }
    if (text.contains("{card_token}")) {
      text = text.replace("{card_token}", String.valueOf(single(agent,
          "select pan from payments.cards order by card_id limit 1")));
    }
    if (text.contains("{card_tokens}")) {
      text = text.replace("{card_tokens}", tokenCards(agent).values().stream()
          .map(token -> "'" + token + "'").collect(Collectors.joining(", ")));
    }
    if (text.contains("{settlement_token_spaced}")) {
      String token = new BigDecimal(String.valueOf(single(agent, "select pan from payments.settlements"
          + " where pan is not null order by settlement_id limit 1"))).toPlainString();
      text = text.replace("{settlement_token_spaced}", token.replaceAll("(\\d{4})(?=\\d)", "$1 "));
    }
    if (text.contains("{settlement_token}")) {
      text = text.replace("{settlement_token}", String.valueOf(single(agent,
          "select pan from payments.settlements where pan is not null order by settlement_id limit 1")));
    }
    return text;
  }

  private static Object single(String agent, String sql) {
    Outcome outcome = Outcome.run(SESSIONS.get(agent), sql, List.of());
    if (outcome.failed() || outcome.rows().size() != 1) {
      throw new IllegalStateException(agent + " cannot read its own masked value: " + outcome.summary());
    }
    return outcome.rows().get(0).get(0);
  }

  // ---------------------------------------------------------------- named checks

  /** A check of an attack's rows against what the agent may know (its masked values). */
  @FunctionalInterface
  interface Check {
    List<String> check(Attack attack, Outcome outcome) throws Exception;
  }

  static final Map<String, Check> CHECKS = new LinkedHashMap<>();

  static {
    CHECKS.put("empty", (attack, outcome) -> outcome.rows().isEmpty()
        ? List.of() : List.of("FILTER/WRONG RESULT: expected no rows, got " + outcome.rows().size()));
    CHECKS.put("seventh_digit_of_masked", (attack, outcome) -> {
      Map<Long, Object> masked = maskedTxnPans(attack.agent());
      List<String> problems = new ArrayList<>();
      int differFromRaw = 0;
      for (List<Object> row : outcome.rows()) {
        long txn = ((Number) row.get(0)).longValue();
        String expected = masked.get(txn).toString().substring(6, 7);
        if (!expected.equals(row.get(1))) {
          problems.add("WRONG RESULT: substring(pan, 7, 1) of txn " + txn
              + " is not the masked value's seventh character");
          break;
        }
        if (!rawTxnPans.get(txn).substring(6, 7).equals(row.get(1))) {
          differFromRaw++;
        }
      }
      if (outcome.rows().size() != masked.size()) {
        problems.add("WRONG RESULT: " + outcome.rows().size() + " rows, " + masked.size() + " visible");
      }
      if (differFromRaw == 0) {
        problems.add("LEAK: every seventh digit equals the raw PAN's");
      }
      return problems;
    });
    CHECKS.put("txn_ids_where_seventh_digit_is_5", (attack, outcome) ->
        sameTxnIds(outcome, maskedTxnPans(attack.agent()), pan -> pan.substring(6, 7).equals("5")));
    CHECKS.put("txn_ids_like_4111", (attack, outcome) ->
        sameTxnIds(outcome, maskedTxnPans(attack.agent()), pan -> pan.startsWith("4111")));
    CHECKS.put("every_pan_is_card_token", (attack, outcome) -> {
      Object token = single(attack.agent(), "select pan from payments.cards order by card_id limit 1");
      return outcome.rows().size() == 1 && token.equals(outcome.rows().get(0).get(1))
          ? List.of() : List.of("WRONG RESULT: equality with a token did not return its one card");
    });
    CHECKS.put("value_minus_one_is_masked", (attack, outcome) -> {
      Map<Long, Object> masked = maskedTxnPans(attack.agent());
      for (List<Object> row : outcome.rows()) {
        BigInteger value = new BigDecimal(row.get(1).toString()).toBigIntegerExact();
        BigInteger expected = new BigInteger(masked.get(((Number) row.get(0)).longValue()).toString());
        if (!value.subtract(BigInteger.ONE).equals(expected)) {
          return List.of("WRONG RESULT: pan::bigint + 1 is not the masked value plus one");
        }
      }
      return outcome.rows().isEmpty() ? List.of("no rows to check") : List.of();
    });
    CHECKS.put("length_of_masked", (attack, outcome) -> {
      Map<Long, Object> masked = maskedTxnPans(attack.agent());
      for (List<Object> row : outcome.rows()) {
        int length = masked.get(((Number) row.get(0)).longValue()).toString().length();
        if (((Number) row.get(1)).intValue() != length) {
          return List.of("WRONG RESULT: length(pan) is not the masked value's length");
        }
      }
      return List.of();
    });
    CHECKS.put("settlement_mod_10000_of_masked", (attack, outcome) ->
        settlementArithmetic(attack, outcome, masked -> masked.remainder(BigDecimal.valueOf(10000))));
    CHECKS.put("settlement_div_10000_of_masked", (attack, outcome) ->
        settlementArithmetic(attack, outcome, masked -> masked.divide(BigDecimal.valueOf(10000))));
    CHECKS.put("settlement_sum_of_masked", (attack, outcome) -> {
      BigDecimal sum = maskedSettlementPans(attack.agent()).values().stream().filter(Objects::nonNull)
          .map(v -> new BigDecimal(v.toString())).reduce(BigDecimal.ZERO, BigDecimal::add);
      BigDecimal actual = new BigDecimal(outcome.rows().get(0).get(0).toString());
      return actual.compareTo(sum) == 0 ? List.of()
          : List.of("WRONG RESULT: sum(pan) is not the sum of the masked values");
    });
    CHECKS.put("min_max_of_masked", (attack, outcome) -> {
      List<String> values = maskedTxnPans(attack.agent()).values().stream().map(Object::toString)
          .sorted().toList();
      List<Object> row = outcome.rows().get(0);
      List<String> problems = new ArrayList<>();
      if (!values.get(0).equals(row.get(0)) || !values.get(values.size() - 1).equals(row.get(1))) {
        problems.add("WRONG RESULT: min/max(pan) are not the masked values' min/max");
      }
      return problems;
    });
    CHECKS.put("ordered_by_masked_not_raw", (attack, outcome) -> {
      Map<Long, Object> masked = maskedTxnPans(attack.agent());
      List<String> problems = new ArrayList<>();
      List<String> rawSequence = new ArrayList<>();
      String previous = null;
      for (List<Object> row : outcome.rows()) {
        long txn = ((Number) row.get(0)).longValue();
        String pan = (String) row.get(1);
        if (!masked.get(txn).equals(pan)) {
          problems.add("WRONG RESULT: the pan of txn " + txn + " is not its masked value");
          break;
        }
        if (previous != null && previous.compareTo(pan) > 0) {
          problems.add("WRONG RESULT: rows are not in the order of the masked values");
          break;
        }
        previous = pan;
        rawSequence.add(rawTxnPans.get(txn));
      }
      List<String> sortedRaw = new ArrayList<>(rawSequence);
      sortedRaw.sort(Comparator.naturalOrder());
      if (rawSequence.size() > 10 && rawSequence.equals(sortedRaw)) {
        problems.add("LEAK: the order is the raw PANs' order");
      }
      if (outcome.rows().size() != masked.size()) {
        problems.add("WRONG RESULT: " + outcome.rows().size() + " rows, " + masked.size() + " visible");
      }
      return problems;
    });
    // The order oracle: the tokens (first column) must not come back in the raw PANs' order, read
    // straight from PostgreSQL, nor may a LIMIT keep the tokens of the smallest raw PANs.
    CHECKS.put("tokens_not_in_raw_order", (attack, outcome) -> {
      List<String> raw = rawOfTokens(attack.agent(), outcome);
      List<String> sorted = new ArrayList<>(raw);
      sorted.sort(Comparator.naturalOrder());
      return raw.size() > 10 && raw.equals(sorted)
          ? List.of("LEAK: the tokens came back in the raw PANs' order") : List.of();
    });
    CHECKS.put("limit_keeps_no_raw_smallest", (attack, outcome) -> {
      List<String> kept = rawOfTokens(attack.agent(), outcome);
      Map<Long, Object> masked = maskedTxnPans(attack.agent());
      Set<String> smallest = masked.keySet().stream()
          .map(rawTxnPans::get).distinct().sorted().limit(kept.size()).collect(Collectors.toSet());
      // Tokens keep the BIN and last four, so the smallest tokens may well be the tokens of the
      // smallest raw PANs: keeping those says no more than the visible values do.
      Set<String> visiblySmallest = masked.entrySet().stream()
          .collect(Collectors.toMap(e -> e.getValue().toString(), e -> rawTxnPans.get(e.getKey()), (a, b) -> a))
          .entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(kept.size())
          .map(Map.Entry::getValue).collect(Collectors.toSet());
      return kept.size() >= 5 && new java.util.HashSet<>(kept).equals(smallest)
          && !smallest.equals(visiblySmallest)
          ? List.of("LEAK: the LIMIT kept the tokens of the smallest raw PANs") : List.of();
    });
    // The order oracle for cards matched by a list of tokens ({card_tokens}): neither the rows,
    // nor the values an aggregate combines, nor the numbers a window hands out, nor the rows a
    // LIMIT in a sub-query keeps may follow the raw PANs' order, read straight from PostgreSQL.
    CHECKS.put("cards_not_in_raw_order", (attack, outcome) ->
        notInRawOrder(cardIds(outcome), "the cards came back (or were combined)"));
    CHECKS.put("numbered_cards_not_in_raw_order", (attack, outcome) -> notInRawOrder(
        outcome.rows().stream().sorted(Comparator.comparingLong(r -> ((Number) r.get(1)).longValue()))
            .map(r -> ((Number) r.get(0)).longValue()).toList(), "the window numbered the cards"));
    CHECKS.put("numbered_tokens_not_in_raw_order", (attack, outcome) -> {
      Map<Object, Long> cardOf = new HashMap<>();
      maskedCardPans(attack.agent()).forEach((card, token) -> cardOf.put(token, card));
      return notInRawOrder(outcome.rows().stream()
          .sorted(Comparator.comparingLong(r -> ((Number) r.get(1)).longValue()))
          .map(r -> cardOf.get(r.get(0))).toList(), "the window numbered the tokens");
    });
    // The tokens a string_agg or array_agg combined (or lag handed on) must not follow the raw
    // PANs' order: the gateway combines them in the order of the values the caller sees.
    CHECKS.put("agg_tokens_not_in_raw_order", (attack, outcome) -> {
      Map<String, Long> cardOf = new HashMap<>();
      maskedCardPans(attack.agent()).forEach((card, token) -> cardOf.put(String.valueOf(token), card));
      Object cell = outcome.rows().get(0).get(0);
      List<Object> tokens = cell instanceof List<?> list ? new ArrayList<>(list)
          : new ArrayList<>(Arrays.asList(String.valueOf(cell).replaceAll("^\\{|\\}$", "").split(",")));
      return visiblyOrdered(tokens) ? List.of() : notInRawOrder(
          tokens.stream().map(t -> cardOf.get(String.valueOf(t))).toList(),
          "the aggregate combined the tokens");
    });
    CHECKS.put("lagged_tokens_not_in_raw_order", (attack, outcome) -> {
      Map<String, Long> cardOf = new HashMap<>();
      maskedCardPans(attack.agent()).forEach((card, token) -> cardOf.put(String.valueOf(token), card));
      // Follow the chain lag builds: the row whose lag is NULL first, then the row lagging it.
      Map<Object, Object> next = new HashMap<>();
      Object start = null;
      for (List<Object> row : outcome.rows()) {
        if (row.get(1) == null) {
          start = row.get(0);
        } else {
          next.put(row.get(1), row.get(0));
        }
      }
      List<Long> chain = new ArrayList<>();
      List<Object> tokens = new ArrayList<>();
      for (Object at = start; at != null && chain.size() <= outcome.rows().size(); at = next.get(at)) {
        chain.add(cardOf.get(String.valueOf(at)));
        tokens.add(at);
      }
      return visiblyOrdered(tokens) ? List.of() : notInRawOrder(chain, "lag handed the tokens on");
    });
    CHECKS.put("card_limit_keeps_no_raw_smallest", (attack, outcome) -> {
      Set<Long> kept = new java.util.HashSet<>(cardIds(outcome));
      Map<Long, Object> cards = tokenCards(attack.agent());
      Set<Long> smallest = cards.keySet().stream()
          .sorted(Comparator.comparing(rawCardPans::get)).limit(kept.size())
          .collect(Collectors.toSet());
      Set<Long> visiblySmallest = cards.keySet().stream()
          .sorted(Comparator.comparing(card -> cards.get(card).toString())).limit(kept.size())
          .collect(Collectors.toSet());
      return kept.size() >= 3 && kept.equals(smallest) && !smallest.equals(visiblySmallest)
          ? List.of("LEAK: the LIMIT kept the cards of the smallest raw PANs") : List.of();
    });
    // DISTINCT ON: every kept row shows its card's masked PAN, one row per card.
    CHECKS.put("card_pans_are_masked", (attack, outcome) -> {
      Map<Long, Object> masked = maskedCardPans(attack.agent());
      Set<Long> seen = new java.util.HashSet<>();
      for (List<Object> row : outcome.rows()) {
        long card = ((Number) row.get(0)).longValue();
        if (!seen.add(card) || !Objects.equals(masked.get(card), row.get(1))) {
          return List.of("WRONG RESULT: card " + card + " is repeated or not shown with its masked PAN");
        }
      }
      return outcome.rows().isEmpty() ? List.of("WRONG RESULT: no rows") : List.of();
    });
    // DISTINCT ON over rows tied on everything the ORDER BY reads: which row each group keeps
    // must follow the values the role sees, never the raw PANs (the smallest or largest of each
    // group in every group would be the raw order showing).
    CHECKS.put("distinct_on_brand_keeps_no_raw_smallest", (attack, outcome) -> {
      Map<Long, Object> brands = MASKED.computeIfAbsent(attack.agent() + "/brands",
          k -> idToValue(attack.agent(), "select card_id, brand from payments.cards"));
      Map<Object, List<Long>> groups = new HashMap<>();
      tokenCards(attack.agent()).keySet().forEach(card ->
          groups.computeIfAbsent(brands.get(card), b -> new ArrayList<>()).add(card));
      return keptNoRawExtreme(outcome, groups, row -> row.get(1), "brand");
    });
    CHECKS.put("distinct_on_bin_keeps_no_raw_smallest", (attack, outcome) -> {
      Map<Object, List<Long>> groups = new HashMap<>();
      maskedCardPans(attack.agent()).forEach((card, pan) -> groups.computeIfAbsent(
          String.valueOf(pan).substring(0, 6), p -> new ArrayList<>()).add(card));
      return keptNoRawExtreme(outcome, groups, row -> row.get(1), "BIN");
    });
    CHECKS.put("distinct_on_pan_keeps_no_raw_smallest", (attack, outcome) -> {
      Map<Long, Object> masked = maskedCardPans(attack.agent());
      Map<Object, List<Long>> groups = new HashMap<>();
      masked.forEach((card, pan) -> groups.computeIfAbsent(pan, p -> new ArrayList<>()).add(card));
      List<String> problems = new ArrayList<>(
          keptNoRawExtreme(outcome, groups, row -> row.get(1), "masked PAN"));
      for (List<Object> row : outcome.rows()) {
        if (!Objects.equals(masked.get(((Number) row.get(0)).longValue()), row.get(1))) {
          problems.add("WRONG RESULT: card " + row.get(0) + " is not shown with its masked PAN");
          break;
        }
      }
      return problems;
    });
    CHECKS.put("explain_is_clean", (attack, outcome) -> {
      String text = outcome.rows().stream().map(r -> String.valueOf(r.get(0)))
          .collect(Collectors.joining("\n"));
      List<String> problems = new ArrayList<>();
      if (text.contains("Sarg[") || Pattern.compile("= ?[0-9]+ OR").matcher(text).find()
          || Pattern.compile("\\(1, 2, 3\\)|\\[1, 2, 3\\]").matcher(text).find()) {
        problems.add("EXPLAIN shows the agent's bound attribute values");
      }
      for (Map.Entry<String, String> role : ROLES.entrySet()) {
        if (!role.getKey().equals(attack.agent())
            && text.toLowerCase(Locale.ROOT).contains(role.getValue())) {
          problems.add("EXPLAIN names another role (" + role.getValue() + ")");
        }
      }
      for (String denied : DENIED.get(attack.agent())) {
        Matcher matcher = Pattern.compile("(?<![A-Za-z0-9_])" + denied + "(?![A-Za-z0-9_])")
            .matcher(text);
        if (matcher.find()) {
          String line = text.lines().filter(l -> l.contains(denied)).findFirst().orElse("");
          problems.add("EXPLAIN shows the denied column '" + denied + "': " + line.strip());
        }
      }
      if (attack.agent().equals("support-bot") && !text.contains(":agent.merchant_ids")) {
        problems.add("EXPLAIN does not show the row filter by its policy text");
      }
      return problems;
    });
  }

  private static List<String> sameTxnIds(Outcome outcome, Map<Long, Object> masked,
      java.util.function.Predicate<String> predicate) {
    Set<Long> expected = masked.entrySet().stream().filter(e -> predicate.test(e.getValue().toString()))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    Set<Long> actual = outcome.values(0).stream().map(v -> ((Number) v).longValue())
        .collect(Collectors.toSet());
    if (!actual.equals(expected)) {
      Set<Long> rawMatches = rawTxnPans.entrySet().stream()
          .filter(e -> masked.containsKey(e.getKey()) && predicate.test(e.getValue()))
          .map(Map.Entry::getKey).collect(Collectors.toSet());
      return List.of("WRONG RESULT: " + actual.size() + " txn ids, the masked values give "
          + expected.size() + (actual.equals(rawMatches) ? " (the result follows the RAW PANs: LEAK)" : ""));
    }
    return List.of();
  }

  private static List<String> settlementArithmetic(Attack attack, Outcome outcome,
      java.util.function.UnaryOperator<BigDecimal> function) {
    Map<Long, Object> masked = maskedSettlementPans(attack.agent());
    for (List<Object> row : outcome.rows()) {
      Object value = masked.get(((Number) row.get(0)).longValue());
      if (value == null) {
        if (row.get(1) != null) {
          return List.of("WRONG RESULT: arithmetic on a NULL PAN is not NULL");
        }
        continue;
      }
      BigDecimal expected = function.apply(new BigDecimal(value.toString()));
      BigDecimal actual = new BigDecimal(row.get(1).toString());
      if (actual.subtract(expected).abs().compareTo(BigDecimal.ONE) >= 0) {
        return List.of("WRONG RESULT: the arithmetic does not follow the masked value");
      }
    }
    return outcome.rows().isEmpty() ? List.of("no rows to check") : List.of();
  }

  /** The cards {card_tokens} lists: the agent's first cards by id, to their tokens. */
  static Map<Long, Object> tokenCards(String agent) {
    Map<Long, Object> cards = new java.util.TreeMap<>(maskedCardPans(agent));
    Map<Long, Object> first = new LinkedHashMap<>();
    cards.entrySet().stream().limit(CARD_TOKENS).forEach(e -> first.put(e.getKey(), e.getValue()));
    return first;
  }

  static Map<Long, Object> maskedCardPans(String agent) {
    return MASKED.computeIfAbsent(agent + "/cards",
        k -> idToValue(agent, "select card_id, pan from payments.cards"));
  }

  /**
   * The card ids an outcome lists, in its order: its first column, or where it is one cell (a
   * string_agg text, an array_agg array), the numbers in that cell.
   */
  private static List<Long> cardIds(Outcome outcome) {
    if (outcome.rows().size() == 1 && !(outcome.rows().get(0).get(0) instanceof Number)) {
      return Outcome.numbersIn(outcome.rows().get(0).get(0));
    }
    List<Long> ids = new ArrayList<>();
    outcome.values(0).forEach(v -> ids.add(((Number) v).longValue()));
    return ids;
  }

  /**
   * Whether the values are in their own (visible) ascending or descending order: tokens keep the
   * BIN and last four, so tokens of different BINs in visible order are in raw order too, and that
   * order shows nothing the tokens do not.
   */
  private static boolean visiblyOrdered(List<Object> values) {
    List<String> text = values.stream().map(String::valueOf).toList();
    List<String> up = text.stream().sorted().toList();
    List<String> down = text.stream().sorted(Comparator.reverseOrder()).toList();
    return text.equals(up) || text.equals(down);
  }

  /**
   * For DISTINCT ON: one row per group (the group of a row given by {@code key}), and not, in each
   * of at least three groups of several cards, the card of the group's smallest raw PAN (or of
   * each group's largest) while the card ids, which the role sees, would choose otherwise.
   */
  private static List<String> keptNoRawExtreme(Outcome outcome, Map<Object, List<Long>> groups,
      java.util.function.Function<List<Object>, Object> key, String what) {
    if (outcome.rows().size() != groups.size()) {
      return List.of("WRONG RESULT: " + outcome.rows().size() + " rows for " + groups.size()
          + " values of the " + what);
    }
    int shared = 0;
    int smallest = 0;
    int largest = 0;
    int visibly = 0;
    for (List<Object> row : outcome.rows()) {
      long card = ((Number) row.get(0)).longValue();
      List<Long> group = groups.get(key.apply(row));
      if (group == null || !group.contains(card)) {
        return List.of("WRONG RESULT: card " + card + " is not of its " + what + "'s group");
      }
      if (group.size() > 1) {
        shared++;
        Comparator<Long> byRaw = Comparator.comparing(rawCardPans::get);
        long rawSmallest = group.stream().min(byRaw).orElseThrow();
        smallest += card == rawSmallest ? 1 : 0;
        largest += card == group.stream().max(byRaw).orElseThrow() ? 1 : 0;
        visibly += rawSmallest == group.stream().min(Comparator.naturalOrder()).orElseThrow() ? 1 : 0;
      }
    }
    return shared >= 3 && (smallest == shared || largest == shared) && visibly < shared
        ? List.of("LEAK: DISTINCT ON kept the card of the raw PANs' extreme in each " + what)
        : List.of();
  }

  /** A LEAK when the cards' raw PANs are in ascending or descending order. */
  private static List<String> notInRawOrder(List<Long> ids, String what) {
    List<String> raw = ids.stream().map(rawCardPans::get).toList();
    if (raw.size() < 8 || raw.contains(null)) {
      return raw.contains(null) ? List.of("WRONG RESULT: an id that is no card: " + ids) : List.of();
    }
    List<String> sorted = new ArrayList<>(raw);
    sorted.sort(Comparator.naturalOrder());
    List<String> descending = new ArrayList<>(sorted);
    java.util.Collections.reverse(descending);
    return raw.equals(sorted) || raw.equals(descending)
        ? List.of("LEAK: " + what + " in the raw PANs' order") : List.of();
  }

  /** txn_id to the agent's masked PAN, read through the agent's own session. */
  /** The raw PAN behind each token of the outcome's first column, in the outcome's order. */
  private static List<String> rawOfTokens(String agent, Outcome outcome) {
    Map<Object, String> rawOf = new HashMap<>();
    maskedTxnPans(agent).forEach((txn, token) -> rawOf.put(token, rawTxnPans.get(txn)));
    List<String> raw = new ArrayList<>();
    for (List<Object> row : outcome.rows()) {
      raw.add(rawOf.get(row.get(0)));
    }
    return raw;
  }

  static Map<Long, Object> maskedTxnPans(String agent) {
    return MASKED.computeIfAbsent(agent + "/transactions",
        k -> idToValue(agent, "select txn_id, pan from payments.transactions"));
  }

  static Map<Long, Object> maskedSettlementPans(String agent) {
    return MASKED.computeIfAbsent(agent + "/settlements",
        k -> idToValue(agent, "select settlement_id, pan from payments.settlements"));
  }

  private static Map<Long, Object> idToValue(String agent, String sql) {
    Outcome outcome = Outcome.run(SESSIONS.get(agent), sql, List.of());
    if (outcome.failed()) {
      throw new IllegalStateException(agent + " cannot read its masked values: " + outcome.summary());
    }
    Map<Long, Object> values = new HashMap<>();
    for (List<Object> row : outcome.rows()) {
      values.put(((Number) row.get(0)).longValue(), row.get(1));
    }
    return values;
  }

  static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }
}
