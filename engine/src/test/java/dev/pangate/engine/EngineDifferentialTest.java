package dev.pangate.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.demo.DifferentialCorpus;
import dev.pangate.engine.demo.QueryResult;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every corpus query runs through the engine (parse, validate, plan, render to SQL, execute) and
 * directly on PostgreSQL, with identical results: order-sensitive where the query orders totally.
 */
@ExtendWith(PostgresExtension.class)
class EngineDifferentialTest {

  private static Engine engine;
  private static Connection direct;

  @BeforeAll
  static void start(TestDatabase database) throws SQLException {
    try (Connection admin = database.connect()) {
      DemoDatabase.create(admin, DemoSize.SMALL, 42);
    }
    direct = database.connect();
    try (Statement statement = direct.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
    }
    engine = Engine.start(EngineConfig.of(database.url() + "?options=-c%20TimeZone%3DUTC",
        database.user(), database.password(), List.of("payments")));
  }

  @AfterAll
  static void stop() throws SQLException {
    engine.close();
    direct.close();
  }

  /**
   * PostgreSQL forms pangate does not translate; each must fail with a clear message naming the
   * construct, never run wrongly. Everything else must match PostgreSQL row for row.
   */
  private static final Map<String, String> UNSUPPORTED = Map.of();

  @Test
  void atLeastFortyQueriesAreCompared() {
    long compared = DifferentialCorpus.load().stream()
        .filter(query -> !UNSUPPORTED.containsKey(query.name())).count();
    assertTrue(compared >= 60, "compared " + compared);
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusQueryMatchesPostgresql() {
    return DifferentialCorpus.load().stream().map(query -> DynamicTest.dynamicTest(query.name(), () -> {
      if (UNSUPPORTED.containsKey(query.name())) {
        EngineException e = assertThrows(EngineException.class,
            () -> engine.execute(engine.prepare(query.sql()), List.of()).close());
        assertTrue(e.getMessage().contains(UNSUPPORTED.get(query.name())), e.getMessage());
        return;
      }
      QueryResult expected;
      try (Statement statement = direct.createStatement();
          ResultSet rs = statement.executeQuery(query.sql())) {
        expected = QueryResult.read(rs);
      }
      PlannedStatement planned = engine.prepare(query.sql());
      QueryResult actual;
      try (ResultCursor cursor = engine.execute(planned, List.of())) {
        actual = read(cursor);
      }
      assertTrue(actual.sameRowsAs(expected, query.ordered()),
          () -> query.name() + " (line " + query.line() + "): " + actual.firstDifference(expected,
              query.ordered()) + "\npushed: " + planned.pushedSql());
    }));
  }

  private static QueryResult read(ResultCursor cursor) {
    List<String> columns = cursor.columns().stream().map(c -> c.name()).toList();
    List<List<String>> rows = new ArrayList<>();
    while (cursor.next()) {
      List<String> row = new ArrayList<>();
      for (Object value : cursor.row()) {
        row.add(QueryResult.normalizeValue(value));
      }
      rows.add(row);
    }
    return new QueryResult(columns, rows);
  }
}
