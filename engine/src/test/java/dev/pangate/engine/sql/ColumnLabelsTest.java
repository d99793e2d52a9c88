package dev.pangate.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pangate.engine.Engine;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Result column labels through pangate are PostgreSQL's, statement by statement, with PostgreSQL
 * itself as the oracle: agents read results by column name.
 */
@ExtendWith(PostgresExtension.class)
class ColumnLabelsTest {

  private static final List<String> STATEMENTS = List.of(
      "select a, b from labels.t",
      "select a, a, t.a from labels.t",
      "select a as x, b as x from labels.t",
      "select count(*), count(a), sum(n), avg(n) from labels.t",
      "select upper(b), lower(b), length(b), coalesce(b, 'z'), nullif(a, 1) from labels.t",
      "select ceil(n), ceiling(n), floor(n), round(n, 1), translate(b, 'a', 'b') from labels.t",
      "select substring(b from 1 for 2), position('a' in b), trim(b), trim(leading 'x' from b),"
          + " extract(year from d) from labels.t",
      "select a + 1, -a, a * 2 + 1, 2 ^ 3, b || 'x', not (a > 1), a is null from labels.t",
      "select 1, 'x', null, true, false, 1.5",
      "select a::text, cast(a as bigint), 1::int4, '1'::integer, 1.5::numeric,"
          + " '2020-01-02'::date::timestamp, 'NaN'::numeric::float8, (1 + 2)::int2 from labels.t",
      "select date '2020-01-02', timestamp '2020-01-02 10:00:00', interval '1 day'",
      "select case when a > 1 then 'x' else 'y' end, (case when a > 1 then 1 end)::text"
          + " from labels.t",
      "select sum(a) over (), row_number() over (order by a), lag(a) over (order by a),"
          + " first_value(b) over (order by a) from labels.t",
      "select sum(a) filter (where a > 1), percentile_cont(0.5) within group (order by a)"
          + " from labels.t",
      "select (select max(c) from labels.u), (select count(*) from labels.u where u.a = t.a),"
          + " exists (select 1 from labels.u) from labels.t",
      "select a in (1, 2), a between 1 and 2, b like 'x%' from labels.t",
      "select * from labels.t join labels.u on t.a = u.a",
      "select * from labels.t join labels.u using (a)",
      "select * from (select count(*), max(a) + 1, upper(b) from labels.t group by b) s",
      "select * from (values (1, 'a'), (2, 'b')) v",
      "values (1, 2), (3, 4)",
      "select a from labels.t union all select c from labels.u",
      "select 1 + 1 union select 2 order by 1",
      "with w as (select a, count(*) from labels.t group by a) select * from w",
      "select t.*, u.c from labels.t, labels.u",
      "select greatest(a, 1), least(a, 2), abs(a), now() is not null from labels.t",
      "select current_date is not null, current_date from labels.t",
      "select d - date '2020-01-01', d - date '2020-01-01' as days, d + 1 from labels.t",
      "select\n  character_length(b),\n\tCHAR_LENGTH(b), Upper(b), \"upper\"(b),"
          + " current_timestamp is null from labels.t");

  private static Engine engine;
  private static Connection direct;

  @BeforeAll
  static void start(TestDatabase database) throws SQLException {
    direct = database.connect();
    try (Statement statement = direct.createStatement()) {
      statement.execute("create schema labels");
      statement.execute("create table labels.t (a int primary key, b text, n numeric(10,2), d date)");
      statement.execute("create table labels.u (a int, c int)");
      statement.execute("insert into labels.t values (1, 'x', 1.5, date '2020-01-02'),"
          + " (2, 'y', 2.25, date '2021-03-04')");
      statement.execute("insert into labels.u values (1, 10), (2, 20)");
    }
    engine = Engine.start(EngineConfig.of(database.url(), database.user(), database.password(),
        List.of("labels")));
  }

  @AfterAll
  static void stop() throws SQLException {
    engine.close();
    direct.close();
  }

  @TestFactory
  Stream<DynamicTest> labelsArePostgresqls() {
    return STATEMENTS.stream().map(sql -> DynamicTest.dynamicTest(sql, () -> {
      List<String> expected = new ArrayList<>();
      try (Statement statement = direct.createStatement()) {
        statement.setMaxRows(1);
        ResultSetMetaData meta = statement.executeQuery(sql).getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          expected.add(meta.getColumnLabel(i));
        }
      }
      List<String> actual = engine.prepare(sql).columns().stream().map(OutputColumn::name).toList();
      assertEquals(expected, actual, sql);
    }));
  }
}
