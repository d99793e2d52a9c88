package dev.pangate.engine.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pushdown that survives masking (issue item 4), asserted on the SQL sent to PostgreSQL: what
 * needs no mask runs in PostgreSQL, masks move above it, tokens allow equality on the raw PAN, and
 * injective masks joins and grouping on the raw columns; non-injective masks allow none of it.
 */
@ExtendWith(PostgresExtension.class)
class PushdownUnderPolicyTest {

  private static GatewayFixture fixture;
  private static Session support;
  private static Session fraud;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    support = fixture.session("support-bot");
    fraud = fixture.session("fraud-analyst");
  }

  @AfterAll
  static void stop() throws Exception {
    support.close();
    fraud.close();
    fixture.close();
  }

  private static PlannedStatement plan(Session session, String sql) {
    return session.prepare(sql).planned();
  }

  private static String sql(PlannedStatement planned) {
    assertEquals(1, planned.queries().size(), "one statement sent to PostgreSQL");
    assertFalse(planned.gatewayEvaluated(), "nothing evaluated in the gateway");
    return planned.pushedSql();
  }

  private static List<Object[]> rows(Session session, String sql, Object... parameters) {
    List<Object[]> rows = new ArrayList<>();
    try (ResultCursor cursor = session.query(sql, List.of(parameters))) {
      while (cursor.next()) {
        rows.add(cursor.row());
      }
    }
    return rows;
  }

  private static int occurrences(String text, String word) {
    Matcher matcher = Pattern.compile(Pattern.quote(word)).matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }

  /** A token of a real PAN, as support-bot sees it. */
  private static String someToken() {
    return (String) rows(support, "select pan from payments.cards order by card_id limit 1").get(0)[0];
  }

  @Test
  void aQueryWithoutMaskedColumnsIsPushedWhole() {
    String pushed = sql(plan(support, "select merchant_id, count(*), sum(amount) from"
        + " payments.transactions where amount > 10 group by merchant_id order by merchant_id"));
    assertTrue(pushed.contains("GROUP BY \"merchant_id\""), pushed);
    assertTrue(pushed.contains("ORDER BY \"merchant_id\""), pushed);
    assertTrue(pushed.contains("\"merchant_id\" = 1 OR \"merchant_id\" = 2 OR \"merchant_id\" = 3"),
        "the row filter is in the SQL: " + pushed);
  }

  @Test
  void theJoinThatANaiveWrapperRanInJavaRunsInPostgresqlWithTheMaskAbove() {
    PlannedStatement planned = plan(support, "select t.pan, c.status from payments.transactions t"
        + " join payments.cards c on t.card_id = c.card_id");
    String pushed = sql(planned);
    assertEquals(1, occurrences(pushed, "INNER JOIN"), pushed);
    assertTrue(planned.planText().startsWith("LogicalProject(pan=[pangate_mask_"), planned.planText());
    assertTrue(rows(support, "select t.pan from payments.transactions t join payments.cards c"
        + " on t.card_id = c.card_id").stream().noneMatch(r -> fixture.allPans().contains(r[0])));
  }

  @Test
  void joinsFiltersAggregatesAndSortsOnClearColumnsStayInPostgresqlWhileMaskedColumnsAreSelected() {
    String pushed = sql(plan(support, """
        select c.pan, x.n, x.top
        from (select t.card_id, count(*) as n, max(t.amount) as top
              from payments.transactions t where t.status = 'approved'
              group by t.card_id order by n desc, t.card_id limit 5) as x
        join payments.cards c on c.card_id = x.card_id"""));
    assertTrue(pushed.contains("INNER JOIN"), pushed);
    assertTrue(pushed.contains("GROUP BY"), pushed);
    assertTrue(pushed.contains("ORDER BY"), pushed);
    assertTrue(pushed.contains("FETCH NEXT 5 ROWS ONLY"), pushed);
  }

  @Test
  void equalityWithATokenIsRewrittenToTheRawValueAndBoundAsAParameter() throws Exception {
    String token = someToken();
    PlannedStatement planned = plan(support, "select card_id, pan from payments.cards where pan = '"
        + token + "'");
    String pushed = sql(planned);
    assertTrue(pushed.contains("\"pan\" = ?"), pushed);
    assertFalse(pushed.contains(token), "the token is not compared in PostgreSQL: " + pushed);
    for (String pan : fixture.allPans()) {
      assertFalse(pushed.contains(pan) || planned.planText().contains(pan),
          "no raw PAN in the SQL text or the plan");
    }
    List<Object[]> rows = rows(support, "select card_id, pan from payments.cards where pan = '" + token + "'");
    assertEquals(1, rows.size());
    assertEquals(token, rows.get(0)[1]);
    List<Object[]> byParameter = rows(support, "select card_id, pan from payments.cards where pan = ?", token);
    assertEquals(1, byParameter.size(), "the same with the token as a parameter");
    assertEquals(java.util.Arrays.asList(rows.get(0)), java.util.Arrays.asList(byParameter.get(0)));
  }

  @Test
  void windowsPartitionedByATokenRunInTheGatewayOverTheTokens() {
    // Tokens are not injective (values that are not PANs all show as stars): partitioning on the
    // raw column could split what the caller sees as one value, so the gateway partitions the
    // tokens it shows, and PostgreSQL only reads the rows.
    String sql = "select txn_id, pan, row_number() over (partition by pan order by txn_id) as nth"
        + " from payments.transactions";
    PlannedStatement planned = plan(support, sql);
    assertTrue(planned.gatewayEvaluated(), "the window is the gateway's");
    String pushed = planned.queries().stream().map(q -> q.sql().sql())
        .collect(java.util.stream.Collectors.joining("\n"));
    assertFalse(pushed.contains("PARTITION BY") || pushed.contains("ROW_NUMBER"), pushed);
    java.util.Map<Object, java.util.List<Long>> byToken = new java.util.HashMap<>();
    for (Object[] row : rows(support, "select txn_id, pan from payments.transactions")) {
      byToken.computeIfAbsent(row[1], k -> new java.util.ArrayList<>()).add(((Number) row[0]).longValue());
    }
    byToken.values().forEach(java.util.Collections::sort);
    List<Object[]> numbered = rows(support, sql);
    assertEquals(byToken.values().stream().mapToInt(List::size).sum(), numbered.size());
    for (Object[] row : numbered) {
      assertEquals(byToken.get(row[1]).indexOf(((Number) row[0]).longValue()) + 1,
          ((Number) row[2]).intValue(), "row_number within the token's rows, by txn_id");
    }
  }

  @Test
  void clearExpressionsNextToGatewayWorkRunInPostgresql() throws Exception {
    // A fraud analyst's BINs per month: the distinct count over truncated PANs is the gateway's,
    // date_trunc (which only PostgreSQL implements) is computed by PostgreSQL below it.
    String sql = "select date_trunc('month', created_at) as m, count(distinct substring(pan, 1, 6))"
        + " as bins from payments.transactions group by 1 order by 1";
    PlannedStatement planned = plan(fraud, sql);
    assertTrue(planned.gatewayEvaluated());
    assertTrue(planned.pushedSql().toString().contains("DATE_TRUNC"), planned.pushedSql().toString());
    List<List<Object>> expected = new ArrayList<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select date_trunc('month', created_at),"
            + " count(distinct substring(pan, 1, 6)) from payments.transactions group by 1 order by 1")) {
      while (rs.next()) {
        expected.add(List.of(rs.getTimestamp(1).toInstant(), rs.getLong(2)));
      }
    }
    List<List<Object>> actual = new ArrayList<>();
    for (Object[] row : rows(fraud, sql)) {
      actual.add(List.of(((java.sql.Timestamp) row[0]).toInstant(), ((Number) row[1]).longValue()));
    }
    assertEquals(expected, actual);

    // beneath a filter the gateway evaluates: to_char and now() - created_at
    List<Object[]> months = rows(support, "select to_char(created_at, 'YYYY-MM') as m, count(*)"
        + " from payments.transactions where pan like '4%' group by 1 order by 1");
    long total = months.stream().mapToLong(r -> ((Number) r[1]).longValue()).sum();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select count(*) from payments.transactions"
            + " where pan like '4%' and merchant_id in (1, 2, 3)")) {
      rs.next();
      assertEquals(rs.getLong(1), total);
    }
    assertTrue(((String) months.get(0)[0]).matches("\\d{4}-\\d{2}"), String.valueOf(months.get(0)[0]));
    Object age = rows(fraud, "select now() - created_at, pan from payments.transactions"
        + " where substring(pan, 1, 1) = '4' limit 1").get(0)[0];
    assertTrue(String.valueOf(age).matches("\\d+ days \\d{2}:\\d{2}:\\d{2}(\\.\\d+)?"),
        "an interval as PostgreSQL writes it: " + age);

    Object stamped = rows(support, "select case when pan like '4%' then now() end as at, pan"
        + " from payments.transactions where pan like '4%' limit 1").get(0)[0];
    assertTrue(stamped instanceof java.sql.Timestamp, "now() from PostgreSQL: " + stamped);

    // an expression that can fail is not computed for rows the gateway's filter then drops
    assertTrue(rows(fraud, "select 100 / (amount - amount) from payments.transactions"
        + " where substring(pan, 1, 1) = 'x'").isEmpty());
  }

  @Test
  void inListsOfTokensAreRewrittenToo() {
    List<Object[]> tokens = rows(support, "select pan from payments.cards order by card_id limit 3");
    String list = String.join(", ", tokens.stream().map(t -> "'" + t[0] + "'").toList());
    String pushed = sql(plan(support, "select card_id from payments.cards where pan in (" + list + ")"));
    assertTrue(pushed.contains("\"pan\" = ?"), pushed);
    assertEquals(3, rows(support, "select card_id from payments.cards where pan in (" + list + ")").size());
  }

  @Test
  void joinsOnTokensAreEvaluatedOverTheTokens() throws Exception {
    // Not on the raw columns: two values that are not PANs show as the same stars and join.
    PlannedStatement planned = plan(support, "select t.txn_id, d.dispute_id, d.pan from"
        + " payments.transactions t join payments.disputes d on d.pan = t.pan");
    assertTrue(planned.gatewayEvaluated(), planned.planText());
    for (String pushed : planned.pushedSqlList()) {
      assertFalse(pushed.contains("JOIN"), pushed);
    }
    long expected;
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select count(*) from payments.transactions t"
            + " join payments.disputes d on d.pan = t.pan where t.merchant_id in (1, 2, 3)"
            + " and d.txn_id in (select txn_id from payments.transactions where merchant_id in (1, 2, 3))")) {
      rs.next();
      expected = rs.getLong(1);
    }
    assertEquals(expected, rows(support, "select t.txn_id from payments.transactions t join"
        + " payments.disputes d on d.pan = t.pan").size(), "every PAN here is a PAN: as on raw values");
  }

  @Test
  void groupByDistinctAndCountDistinctOnTokensAreEvaluatedOverTheTokens() {
    for (String sql : List.of("select pan, count(*) from payments.transactions group by pan",
        "select distinct pan from payments.disputes",
        "select count(distinct pan) from payments.transactions")) {
      PlannedStatement planned = plan(support, sql);
      assertTrue(planned.gatewayEvaluated(), sql + ": " + planned.planText());
      assertFalse(planned.pushedSql().contains("GROUP BY") || planned.pushedSql().contains("DISTINCT"),
          planned.pushedSql());
    }
    long tokens = rows(support, "select pan from payments.transactions").stream()
        .map(r -> r[0]).distinct().count();
    assertEquals(tokens, rows(support, "select pan, count(*) from payments.transactions group by pan")
        .size());
    assertEquals(tokens, ((Number) rows(support, "select count(distinct pan) from"
        + " payments.transactions").get(0)[0]).longValue());
  }

  @Test
  void truncatedPansAllowNoneOfThisAndAreEvaluatedOnMaskedValues() throws Exception {
    PlannedStatement grouped = plan(fraud, "select pan, count(*) from payments.cards group by pan");
    assertTrue(grouped.gatewayEvaluated(), grouped.planText());
    assertFalse(grouped.pushedSql().contains("GROUP BY"), grouped.pushedSql());
    // Grouping by truncated PANs merges cards sharing BIN and last four: compare with the truth.
    Set<String> truth = new HashSet<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select pan from payments.cards")) {
      while (rs.next()) {
        String pan = rs.getString(1);
        truth.add(pan.substring(0, 6) + "*".repeat(pan.length() - 10) + pan.substring(pan.length() - 4));
      }
    }
    assertEquals(truth.size(), rows(fraud, "select pan, count(*) from payments.cards group by pan").size());
    PlannedStatement joined = plan(fraud, "select t.txn_id from payments.transactions t"
        + " join payments.cards c on t.pan = c.pan");
    assertTrue(joined.gatewayEvaluated());
    assertFalse(joined.pushedSql().contains("JOIN"), joined.pushedSql());
  }

  @Test
  void masksHaveTheSqlTypeOfWhatTheyShow() throws Exception {
    try (Session migration = fixture.session("migration-bot")) {
      var numeric = migration.prepare("select pan from payments.settlements").columns().get(0).type();
      assertEquals(org.apache.calcite.sql.type.SqlTypeName.DECIMAL, numeric.getSqlTypeName(),
          "a numeric PAN's token is a number of the column's type");
      assertEquals(19, numeric.getPrecision());
      var text = migration.prepare("select pan from payments.cards").columns().get(0).type();
      assertEquals(org.apache.calcite.sql.type.SqlTypeName.VARCHAR, text.getSqlTypeName());
      assertEquals(19, text.getPrecision());
    }
    var truncated = fraud.prepare("select pan from payments.settlements").columns().get(0).type();
    assertEquals(org.apache.calcite.sql.type.SqlTypeName.VARCHAR, truncated.getSqlTypeName(),
        "a truncated numeric PAN is text (it holds the mask character)");
  }

  @Test
  void aPredicateThatCouldFailOnHiddenRowsIsFencedOff() throws Exception {
    // Merchant 4's rows are hidden from support-bot; the predicate divides by zero only on them.
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(
            "select count(*) from payments.transactions where merchant_id = 4 and amount > 100")) {
      assertTrue(rs.next());
      assertTrue(rs.getLong(1) > 0, "the demo data has such hidden rows");
    }
    String sql = "select txn_id from payments.transactions"
        + " where 1/(case when merchant_id = 4 and amount > 100 then 0 else 1 end) = 1";
    PlannedStatement planned = plan(support, sql);
    assertTrue(planned.pushedSql().contains("OFFSET 0 ROWS"), planned.pushedSql());
    List<Object[]> rows = rows(support, sql);
    assertFalse(rows.isEmpty());
  }

  @Test
  void safePredicatesJoinTheRowFilterWithoutAFence() {
    String pushed = sql(plan(support, "select amount from payments.transactions where txn_id = 5"));
    assertFalse(pushed.contains("OFFSET 0"), pushed);
    assertTrue(pushed.contains("\"txn_id\" = ?"), "the compared value is lifted into a parameter: " + pushed);
  }

  @Test
  void explainShowsMasksAndFiltersByNameWithoutValues() {
    String token = someToken();
    List<String> lines = new ArrayList<>();
    try (ResultCursor cursor = support.query("explain plan for select pan from payments.transactions"
        + " where pan = '" + token + "' and merchant_id in (select merchant_id from payments.merchants)",
        List.of())) {
      while (cursor.next()) {
        lines.add((String) cursor.row()[0]);
      }
    }
    String text = String.join("\n", lines);
    assertTrue(text.contains("rowFilter=[payments.transactions: merchant_id IN (:agent.merchant_ids)]"), text);
    assertTrue(text.contains("tokenize("), text);
    assertFalse(text.contains("= 1 OR"), "bound attribute values are withheld: " + text);
    for (String pan : fixture.allPans()) {
      assertFalse(text.contains(pan), "no PAN in EXPLAIN");
    }
    assertFalse(text.toLowerCase(Locale.ROOT).contains("fraud_analyst"), "no other role's policy");
  }

  @Test
  void aMaskedColumnDependingOnTheGroupedKeyIsShownMasked() throws Exception {
    // PostgreSQL's functional dependency: full_name is not grouped, cardholder_id (the key) is.
    List<Object[]> grouped = rows(support, "select h.cardholder_id, h.full_name, count(*) as cards"
        + " from payments.cardholders h join payments.cards c on c.cardholder_id = h.cardholder_id"
        + " group by h.cardholder_id order by h.cardholder_id");
    assertFalse(grouped.isEmpty());
    Set<String> rawNames = new HashSet<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select full_name from payments.cardholders")) {
      while (rs.next()) {
        rawNames.add(rs.getString(1));
      }
    }
    for (Object[] row : grouped) {
      String name = (String) row[1];
      assertTrue(name.matches(".[* ]+"), "truncated to its first letter: " + name);
      assertFalse(rawNames.contains(name));
    }
  }

  private static String explain(Session session, String sql) {
    List<String> lines = new ArrayList<>();
    try (ResultCursor cursor = session.query("explain plan for " + sql, List.of())) {
      while (cursor.next()) {
        lines.add((String) cursor.row()[0]);
      }
    }
    return String.join("\n", lines);
  }

  @Test
  void explainNamesColumnsSoNoPositionRevealsAHiddenOne() {
    // support-bot cannot see cardholders.street, the column between phone and city: a position
    // such as city=[$5] would give its existence away.
    List<String> queries = List.of(
        "select email, city from payments.cardholders where city like 'B%' order by city",
        "select h.city, count(*) from payments.cardholders h join payments.cards c"
            + " on c.cardholder_id = h.cardholder_id group by h.city having count(*) > 1",
        "select city from payments.cardholders h where exists (select 1 from payments.cards c"
            + " where c.cardholder_id = h.cardholder_id and c.status = 'active')"
            + " and postal_code in (select postal_code from payments.cardholders where city = 'Berlin')",
        // positions Calcite prints without a $: a correlation's required columns, grouping sets,
        // and WITHIN GROUP keys
        "select h.city, x.n from payments.cardholders h, lateral (select count(*) as n"
            + " from payments.cards c where c.cardholder_id = h.cardholder_id"
            + " and h.city = 'Berlin') x",
        "select city, country, count(*) from payments.cardholders group by rollup(city, country)",
        "select city, percentile_disc(0.5) within group (order by created_at)"
            + " from payments.cardholders group by city");
    for (String query : queries) {
      String text = explain(support, query);
      assertTrue(text.contains("city"), text);
      assertFalse(Pattern.compile("(?<![A-Za-z0-9_.])\\$\\d|\\{\\d|WITHIN GROUP \\(\\[?\\d")
          .matcher(text).find(), "no input position in EXPLAIN: " + text);
      assertFalse(text.toLowerCase(Locale.ROOT).contains("street"), text);
    }
    assertTrue(explain(support, queries.get(2)).contains("{"), "sub-queries are explained too");
  }

  @Test
  void theAuditLogRecordsThePlanAndPushedSqlWithoutRawPans() throws Exception {
    String token = someToken();
    rows(support, "select txn_id from payments.transactions where pan = '" + token + "'");
    String audit = fixture.auditText();
    assertTrue(audit.contains("\"pushedSql\""), "the pushed SQL is recorded");
    for (String pan : fixture.allPans()) {
      assertFalse(audit.contains(pan), "no raw PAN in the audit log");
    }
    assertNotNull(audit);
  }

  @Test
  void aRowFilterDoesNotTurnAnAggregateFilterIntoAnError() throws Exception {
    // PostgreSQL evaluates an aggregate's argument only for the rows its FILTER keeps: 1/0 is
    // never computed here, with the role's row filter on the table or without one.
    String sql = "select sum(1 / (txn_id - txn_id)) filter (where txn_id < 0), count(*) from"
        + " payments.transactions";
    assertTrue(plan(support, sql).pushedSql().matches("(?s).*SUM\\(1 / .*OFFSET 0 ROWS.*"),
        "the division stays above the fence: " + plan(support, sql).pushedSql());
    List<Object[]> answer = rows(support, sql);
    assertEquals(1, answer.size());
    assertEquals(null, answer.get(0)[0]);
    assertTrue(((Number) answer.get(0)[1]).longValue() > 0, "the row filter leaves rows");
  }
}
