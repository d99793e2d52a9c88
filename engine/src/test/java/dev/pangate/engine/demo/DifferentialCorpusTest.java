package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every corpus query runs on PostgreSQL against the SMALL demo database (seed 42) and returns
 * rows; its result does not depend on the plan PostgreSQL picks (checked by running it again with
 * hash and index strategies switched off), which is what makes "-- ordered" trustworthy.
 */
@ExtendWith(PostgresExtension.class)
class DifferentialCorpusTest {

  private static final List<DifferentialCorpus.Query> CORPUS = DifferentialCorpus.load();

  private static Connection direct;
  private static Connection otherPlans;

  @BeforeAll
  static void load(TestDatabase database) throws SQLException {
    try (Connection admin = database.connect()) {
      DemoDatabase.create(admin, DemoSize.SMALL, 42);
    }
    direct = database.connect();
    otherPlans = database.connect();
    try (Statement statement = direct.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
    }
    try (Statement statement = otherPlans.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      for (String setting : List.of("enable_hashagg", "enable_hashjoin", "enable_indexscan",
          "enable_bitmapscan", "enable_indexonlyscan", "enable_memoize")) {
        statement.execute("SET " + setting + " = off");
      }
    }
  }

  @AfterAll
  static void close() throws SQLException {
    direct.close();
    otherPlans.close();
  }

  @Test
  void corpusIsLargeAndCoversWhatTheEngineMustGetRight() {
    assertTrue(CORPUS.size() >= 45, "at least 45 queries, found " + CORPUS.size());
    long portable = CORPUS.stream().filter(query -> query.postgresqlOnly().isEmpty()).count();
    assertTrue(portable >= 45, "at least 45 queries in portable syntax, found " + portable);
    String all = String.join("\n", CORPUS.stream()
        .map(query -> query.sql().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")).toList());
    for (String construct : List.of("left join", "full join", "group by", "having",
        "row_number() over", "rank() over", "dense_rank() over", "lag(", "sum(amount) over",
        "exists (", "not exists (", " in (select", "not in (select", "with ", "with recursive",
        "union all", " union select", "intersect", "except", "coalesce(", "is distinct from",
        "is not distinct from", "nullif(", "nulls first", "date_trunc(", "extract(", "interval ",
        "round(", "avg(", "sum(", "/", " % ", "like '", "not like", "ilike", "escape", "case when",
        "count(distinct", "upper(", "lower(", "substring(", "length(", "||", "trim(", "limit ",
        "offset ", "::", "filter (where", "date '", "between")) {
      assertTrue(all.contains(construct), "the corpus uses " + construct.strip());
    }
    for (String table : List.of("merchants", "cardholders", "cards", "transactions", "disputes",
        "settlements")) {
      assertTrue(all.contains("payments." + table + " "), "the corpus reads payments." + table);
    }
    assertFalse(all.contains("now()") || all.contains("current_date"),
        "no query depends on the day it runs");
  }

  @TestFactory
  Stream<DynamicTest> everyQueryReturnsRowsWhateverThePlan() {
    return CORPUS.stream().map(query -> DynamicTest.dynamicTest(query.name(), () -> {
      QueryResult result = run(direct, query);
      assertFalse(result.rows().isEmpty(), query.name() + " (line " + query.line()
          + ") returns rows on the SMALL demo database");
      if (query.ordered()) {
        assertTrue(query.sql().toLowerCase(Locale.ROOT).contains("order by"),
            query.name() + " is marked ordered but has no ORDER BY");
      }
      QueryResult again = run(otherPlans, query);
      assertTrue(result.sameRowsAs(again, query.ordered()), query.name()
          + " gives another result under other plans (is its ORDER BY total?): "
          + result.firstDifference(again, query.ordered()));
    }));
  }

  @Test
  void notInOverNullsIsEmptyButWithoutNullsIsNot() throws SQLException {
    DifferentialCorpus.Query query = CORPUS.stream()
        .filter(candidate -> candidate.name().equals("not_in_with_nulls")).findFirst().orElseThrow();
    List<String> row = run(direct, query).rows().get(0);
    assertEquals("0", row.get(0), "NOT IN over a list holding NULL");
    assertTrue(Long.parseLong(row.get(1)) > 0, "NOT IN over the same list without NULL");
  }

  @Test
  void parserRejectsMalformedCorpora() {
    assertEquals(2, DifferentialCorpus.parse("-- header\n-- name: a\n-- ordered\nselect 1\n"
        + "order by 1;\n\n-- name: b\n-- postgresql-only: why\nselect 2;\n").size());
    List<DifferentialCorpus.Query> parsed =
        DifferentialCorpus.parse("-- name: a\n-- ordered\nselect 1 order by 1;\n"
            + "-- name: b\n-- postgresql-only: split_part\nselect 2;\n");
    assertTrue(parsed.get(0).ordered());
    assertEquals("select 1 order by 1", parsed.get(0).sql());
    assertEquals("split_part", parsed.get(1).postgresqlOnly().orElseThrow());
    assertEquals(4, parsed.get(1).line());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> DifferentialCorpus.parse("-- name: a\nselect 1;\n-- name: a\nselect 2;\n"));
    assertTrue(twice.getMessage().contains("used twice"), twice.getMessage());
    IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
        () -> DifferentialCorpus.parse("-- name: a\nselect 1\n"));
    assertTrue(open.getMessage().contains("line 1"), open.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> DifferentialCorpus.parse("-- name: Bad Name\nselect 1;\n"));
  }

  @Test
  void resultsCompareAcrossNumericScalesButNotAcrossValues() {
    QueryResult scaled = new QueryResult(List.of("a"), List.of(List.of(QueryResult.normalize(
        new java.math.BigDecimal("2.50"))), List.of(QueryResult.normalize(3L))));
    QueryResult plain = new QueryResult(List.of("b"), List.of(List.of(QueryResult.normalize(3)),
        List.of(QueryResult.normalize(new java.math.BigDecimal("2.5")))));
    assertTrue(scaled.sameRowsAs(plain, false));
    assertFalse(scaled.sameRowsAs(plain, true));
    assertEquals("row 1: [2.5] vs [3]", scaled.firstDifference(plain, true));
    QueryResult other = new QueryResult(List.of("a"), List.of(List.of("2.51"), List.of("3")));
    assertFalse(scaled.sameRowsAs(other, false));
  }

  @Test
  void queryNamesAreUnique() {
    Set<String> names = new HashSet<>();
    CORPUS.forEach(query -> assertTrue(names.add(query.name()), query.name()));
  }

  private static QueryResult run(Connection connection, DifferentialCorpus.Query query)
      throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query.sql())) {
      return QueryResult.read(rows);
    }
  }
}
