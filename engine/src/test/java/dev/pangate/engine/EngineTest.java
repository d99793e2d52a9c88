package dev.pangate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The unrestricted engine: pushdown (asserted on the SQL sent), agent SQL forms, errors. */
@ExtendWith(PostgresExtension.class)
class EngineTest {

  private static Engine engine;
  private static TestDatabase db;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    db = database;
    try (Connection admin = database.connect()) {
      DemoDatabase.create(admin, DemoSize.SMALL, 7);
    }
    engine = Engine.start(EngineConfig.of(database.url(), database.user(), database.password(),
        List.of("payments")));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private static List<Object[]> rows(String sql, Object... parameters) {
    List<Object[]> rows = new ArrayList<>();
    try (ResultCursor cursor = engine.query(sql, parameters)) {
      while (cursor.next()) {
        rows.add(cursor.row());
      }
    }
    return rows;
  }

  private static String pushed(String sql) {
    return engine.prepare(sql).pushedSql().toUpperCase(Locale.ROOT);
  }

  private static int count(String text, String word) {
    Matcher matcher = Pattern.compile("\\b" + word + "\\b").matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }

  @Test
  void threeTableJoinWithFilterGroupByOrderByLimitIsOneStatement() {
    String sql = """
        select m.region, c.brand, count(*) as n, sum(t.amount) as total
        from payments.transactions t
        join payments.cards c on c.card_id = t.card_id
        join payments.merchants m on m.merchant_id = t.merchant_id
        where t.amount > 20 and c.status = 'active'
        group by m.region, c.brand
        having count(*) > 1
        order by total desc
        limit 5""";
    String pushed = pushed(sql);
    assertEquals(2, count(pushed, "JOIN"), pushed);
    assertTrue(pushed.contains("WHERE"), pushed);
    assertTrue(pushed.contains("GROUP BY"), pushed);
    assertTrue(pushed.contains("HAVING"), pushed);
    assertTrue(pushed.contains("ORDER BY"), pushed);
    assertTrue(pushed.contains("FETCH NEXT 5 ROWS ONLY"), pushed);
    assertFalse(pushed.contains(";"), pushed);
    List<Object[]> rows = rows(sql);
    assertEquals(5, rows.size());
    BigDecimal previous = null;
    for (Object[] row : rows) {
      BigDecimal total = (BigDecimal) row[3];
      assertTrue(previous == null || previous.compareTo(total) >= 0, "sorted by total desc");
      previous = total;
    }
  }

  @Test
  void filtersProjectionsScalarFunctionsAndOffsetReachPostgresql() {
    String pushed = pushed("select upper(brand), substring(pan from 1 for 6), coalesce(h.phone, 'x')"
        + " from payments.cards c join payments.cardholders h using (cardholder_id)"
        + " where card_id between 10 and 20 order by card_id limit 3 offset 2");
    assertTrue(pushed.contains("UPPER(\"CARDS\".\"BRAND\")"), pushed);
    assertTrue(pushed.contains("SUBSTRING("), pushed);
    assertTrue(pushed.contains("COALESCE(") || pushed.contains("\"PHONE\" IS NOT NULL THEN"), pushed);
    assertTrue(pushed.contains("BETWEEN") || pushed.contains(">= CAST(10 AS BIGINT)"), pushed);
    assertTrue(pushed.contains("OFFSET 2 ROWS"), pushed);
    assertEquals(3, rows("select card_id from payments.cards where card_id between 10 and 20"
        + " order by card_id limit 3 offset 2").size());
  }

  @Test
  void subqueriesWindowsAndSetOperationsArePushedAsSql() {
    String pushed = pushed("select c.card_id, row_number() over (partition by c.brand order by c.card_id)"
        + " from payments.cards c where exists (select 1 from payments.transactions t"
        + " where t.card_id = c.card_id and t.amount > (select avg(amount) from payments.transactions))"
        + " union select card_id, 0 from payments.cards where card_id < 3");
    assertTrue(pushed.contains("EXISTS (SELECT"), pushed);
    assertTrue(pushed.contains("ROW_NUMBER() OVER"), pushed);
    assertTrue(pushed.contains("UNION"), pushed);
    assertTrue(pushed.contains("AVG("), pushed);
  }

  @Test
  void agentsWritePostgresqlFlavouredSql() {
    List<Object[]> rows = rows("""
        SELECT "pan", PAN::text, now(), current_date, date_trunc('month', issued_at) AS m,
               expiry_year::int8 + 1, issued_at + interval '30 days'
        FROM PAYMENTS.CARDS
        WHERE brand ILIKE 'vi%' AND card_id::numeric > 0 AND issued_at > '2000-01-01'
        ORDER BY card_id
        LIMIT 2 OFFSET 1;""");
    assertEquals(2, rows.size());
    assertEquals(rows.get(0)[0], rows.get(0)[1]);
  }

  @Test
  void lateralUsingSimilarToAndIntervalsInWeeksWork() {
    assertFalse(rows("""
        select c.card_id, t.last_amount
        from payments.cards c
        cross join lateral (select max(amount) as last_amount from payments.transactions x
                            where x.card_id = c.card_id) t
        where c.card_id < 5""").isEmpty());
    assertFalse(rows("select card_id from payments.cards join payments.cardholders using (cardholder_id)"
        + " where brand similar to '(Visa|Amex)%' and issued_at > date '2020-01-01' - interval '2 weeks'")
        .isEmpty());
  }

  @Test
  void unaliasedColumnsAreNamedAsPostgresqlNamesThem() {
    PlannedStatement planned = engine.prepare("select count(*), upper(brand), card_id + 1,"
        + " case when card_id > 1 then 'a' end, pan::text, sum(card_id) as total"
        + " from payments.cards group by brand, card_id, pan");
    assertEquals(List.of("count", "upper", "?column?", "case", "pan", "total"),
        planned.columns().stream().map(c -> c.name()).toList());
  }

  @Test
  void parametersAreBoundInThePushedStatementsOrder() {
    List<Object[]> rows = rows("select card_id from payments.cards where brand = ? and card_id < ?"
        + " order by card_id", "Visa", 50L);
    assertFalse(rows.isEmpty());
    PlannedStatement planned = engine.prepare(
        "select card_id from payments.cards where brand = ? and card_id < ?");
    assertEquals(2, planned.parameterTypes().size());
    EngineException e = assertThrows(EngineException.class,
        () -> engine.execute(planned, List.of("Visa")));
    assertEquals("PARAMETER_COUNT", e.code());
  }

  @Test
  void explainShowsTheLogicalPlanAndThePushedSql() {
    List<Object[]> rows = rows("explain plan for select pan from payments.cards where card_id = 3");
    String text = String.join("\n", rows.stream().map(r -> r[0] + ": " + r[1]).toList());
    assertTrue(text.contains("plan: LogicalProject"), text);
    assertTrue(text.contains("LogicalTableScan(table=[[payments, cards]])"), text);
    assertTrue(text.contains("postgresql: SELECT \"pan\" FROM \"payments\".\"cards\" WHERE \"card_id\" = CAST(3 AS BIGINT)"), text);
  }

  @Test
  void aColumnNotDependingOnAGroupedPrimaryKeyIsStillRefused() {
    // Grouped by city, or by the cards' foreign key: neither determines full_name. PostgreSQL
    // refuses both, and so does pangate.
    for (String sql : List.of(
        "select h.city, h.full_name, count(*) from payments.cardholders h group by h.city",
        "select c.cardholder_id, h.full_name from payments.cards c join payments.cardholders h"
            + " on h.cardholder_id = c.cardholder_id group by c.cardholder_id",
        // a self-join: the key is grouped on one reference, the column read from the other
        "select a.cardholder_id, b.full_name from payments.cardholders a join payments.cardholders b"
            + " on b.city = a.city group by a.cardholder_id")) {
      EngineException e = assertThrows(EngineException.class, () -> engine.prepare(sql));
      assertEquals("SQL_VALIDATION_ERROR", e.code());
      assertTrue(e.getMessage().contains("full_name") && e.getMessage().contains("not being grouped"),
          e.getMessage());
    }
    assertEquals(List.of("cardholder_id", "full_name", "count"), engine.prepare(
        "select h.cardholder_id, h.full_name, count(*) from payments.cardholders h"
            + " group by h.cardholder_id").columns().stream().map(c -> c.name()).toList());
  }

  @Test
  void anIntervalMixingMonthsWithDaysIsRefusedClearly() {
    EngineException e = assertThrows(EngineException.class, () -> engine.prepare(
        "select count(*) from payments.transactions where created_at > now() - interval '1 month 2 days'"));
    assertEquals("SQL_PARSE_ERROR", e.code());
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    // what the documentation suggests instead
    engine.execute(engine.prepare("select count(*) from payments.transactions"
        + " where created_at > now() - interval '1 month' - interval '2 days'"), List.of()).close();
  }

  @Test
  void distinctOnWhoseOrderByDoesNotBeginWithItsKeysIsRefusedAsPostgresqlRefusesIt() {
    EngineException e = assertThrows(EngineException.class, () -> engine.prepare(
        "select distinct on (merchant_id) merchant_id, amount from payments.transactions"
            + " order by amount desc, merchant_id"));
    assertEquals("SQL_VALIDATION_ERROR", e.code());
    assertEquals("42P10", e.sqlState());
    assertTrue(e.getMessage().contains("must match initial ORDER BY"), e.getMessage());
    engine.execute(engine.prepare("select distinct on (merchant_id) merchant_id, amount from"
        + " payments.transactions order by merchant_id, amount desc"), List.of()).close();
  }

  @Test
  void sqlThatDoesNotParseNamesLineAndColumn() {
    EngineException e = assertThrows(EngineException.class,
        () -> engine.prepare("select pan\nfrom payments.cards\nwhere card_id = = 3"));
    assertEquals("SQL_PARSE_ERROR", e.code());
    assertTrue(e.getMessage().contains("line 3, column"), e.getMessage());
  }

  @Test
  void unknownTablesColumnsAndSchemasAreNamed() {
    EngineException table = assertThrows(EngineException.class,
        () -> engine.prepare("select * from payments.nosuch"));
    assertEquals("OBJECT_NOT_FOUND", table.code());
    assertTrue(table.getMessage().contains("Object 'nosuch' not found within 'payments'"),
        table.getMessage());
    EngineException column = assertThrows(EngineException.class,
        () -> engine.prepare("select nosuch from payments.cards"));
    assertTrue(column.getMessage().contains("Column 'nosuch' not found in any table"),
        column.getMessage());
    EngineException schema = assertThrows(EngineException.class, () -> Engine.start(
        EngineConfig.of(db.url(), db.user(), db.password(), List.of("nosuchschema"))));
    assertEquals("SCHEMA_NOT_FOUND", schema.code());
    assertTrue(schema.getMessage().contains("'nosuchschema'"), schema.getMessage());
  }

  @Test
  void unreachablePostgresqlSaysWhereAndWhatToSet() {
    EngineConfig config = new EngineConfig("jdbc:postgresql://127.0.0.1:1/payments", "postgres",
        null, List.of("payments"), 2, 100, Duration.ofSeconds(2), Duration.ZERO);
    EngineException e = assertThrows(EngineException.class, () -> Engine.start(config));
    assertEquals("POSTGRES_UNREACHABLE", e.code());
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    assertTrue(e.getMessage().contains("PANGATE_DB_URL"), e.getMessage());
  }

  @Test
  void dataDefinitionAndSessionStatementsAreRefused() {
    for (String sql : List.of("create table payments.x (a int)", "drop table payments.cards",
        "alter table payments.cards add column x int", "truncate payments.cards",
        "truncate table payments.cards", "grant select on payments.cards to public",
        "revoke all on payments.cards from public", "comment on table payments.cards is 'x'",
        "set role postgres", "begin", "commit", "rollback", "vacuum payments.cards",
        "copy payments.cards to stdout", "(drop table payments.cards)",
        "/* note */ DROP TABLE payments.cards")) {
      EngineException e = assertThrows(EngineException.class, () -> engine.prepare(sql), sql);
      assertEquals("STATEMENT_NOT_ALLOWED", e.code(), sql + " -> " + e.getMessage());
      assertTrue(e.getMessage().contains("pangate runs queries (SELECT"), e.getMessage());
    }
    EngineException drop = assertThrows(EngineException.class,
        () -> engine.prepare("drop table payments.cards"));
    assertTrue(drop.getMessage().startsWith("DROP is data definition"), drop.getMessage());
    EngineException commit = assertThrows(EngineException.class, () -> engine.prepare("commit"));
    assertTrue(commit.getMessage().contains("setAutoCommit(false)"), commit.getMessage());
    EngineException grant = assertThrows(EngineException.class,
        () -> engine.prepare("grant select on payments.cards to public"));
    assertTrue(grant.getMessage().contains("pangate's policy"), grant.getMessage());
  }

  @Test
  void schemaDiscoveryHabitsPointToTheMetadata() {
    for (String sql : List.of("show tables", "describe cards", "desc payments.cards",
        "set search_path to payments", "SET search_path = payments, public", "use payments")) {
      EngineException e = assertThrows(EngineException.class, () -> engine.prepare(sql), sql);
      assertEquals("STATEMENT_NOT_ALLOWED", e.code(), sql + " -> " + e.getMessage());
      for (String way : List.of("getTables", "/v1/tables", "list_tables", "describe_table")) {
        assertTrue(e.getMessage().contains(way), sql + ": " + e.getMessage());
      }
    }
  }

  @Test
  void aMisspeltKeywordOrNameGetsTheOneMeant() {
    EngineException selec = assertThrows(EngineException.class,
        () -> engine.prepare("selec * from payments.cards"));
    assertEquals("SQL_PARSE_ERROR", selec.code());
    assertTrue(selec.getMessage().contains("did you mean SELECT?"), selec.getMessage());
    EngineException updte = assertThrows(EngineException.class,
        () -> engine.prepare("updte payments.cards set status = 'x'"));
    assertTrue(updte.getMessage().contains("did you mean UPDATE?"), updte.getMessage());
    EngineException column = assertThrows(EngineException.class,
        () -> engine.prepare("select txn_idd from payments.transactions"));
    assertEquals("OBJECT_NOT_FOUND", column.code());
    assertTrue(column.getMessage().contains("Column 'txn_idd' not found in any table"), column.getMessage());
    assertTrue(column.getMessage().endsWith("; did you mean 'txn_id'?"), column.getMessage());
    EngineException table = assertThrows(EngineException.class,
        () -> engine.prepare("select * from payments.card"));
    assertTrue(table.getMessage().endsWith("; did you mean 'cards'?"), table.getMessage());
    EngineException far = assertThrows(EngineException.class,
        () -> engine.prepare("select nosuch from payments.cards"));
    assertFalse(far.getMessage().contains("did you mean"), "no guess when nothing is near: "
        + far.getMessage());
    EngineException plain = assertThrows(EngineException.class,
        () -> engine.prepare("frobnicate the cards"));
    assertEquals("SQL_PARSE_ERROR", plain.code());
    assertFalse(plain.getMessage().contains("did you mean"), plain.getMessage());
  }

  @Test
  void postgresqlErrorsWithholdQuotedValues() {
    EngineException e = assertThrows(EngineException.class,
        () -> rows("select cast(pan || 'x' as integer) from payments.cards"));
    assertEquals("DATA_EXCEPTION", e.code());
    assertTrue(e.getMessage().contains("(value withheld)"), e.getMessage());
    assertFalse(e.getMessage().matches(".*\\d{13,}.*"), e.getMessage());
  }
}
