package dev.pangate.bench.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.bench.conformance.CorpusStatement.Kind;
import dev.pangate.masking.sql.SqlLexer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus builder on a regression file in miniature (written here): where statements end, as
 * psql reads them; their kinds as the corpus README defines them; the text kept; scs_off; COPY
 * rows and data files; and the command line's check against another corpus folder.
 */
class CorpusBuilderTest {

  // one statement or meta-command per line unless said otherwise; line numbers matter below
  private static final String SAMPLE = String.join("\n",
      "--",                                                                               // 1
      "-- SAMPLE: a regression file in miniature",                                        // 2
      "--",                                                                               // 3
      "\\getenv abs_srcdir PG_ABS_SRCDIR",                                                // 4
      "SET extra_float_digits = 0;",                                                      // 5
      "",                                                                                 // 6
      "CREATE TEMP TABLE t (a int, b text);   -- the next statement's text starts here",  // 7
      "INSERT INTO t VALUES (1, 'x;y'), (2, $$a;b$$);",                                   // 8
      "SELECT a, b -- inline comment",                                                    // 9
      "  FROM t /* block /* nested */ comment */ WHERE b <> ';' ORDER BY a;",             // 10
      "SELECT 1; SELECT 2;",                                                              // 11
      "\\set filename :abs_srcdir '/data/sample.data'",                                   // 12
      "COPY t FROM :'filename';",                                                         // 13
      "COPY t (a, b) FROM stdin;",                                                        // 14
      "3\tit's ; not SQL",                                                                // 15
      "\\.",                                                                              // 16
      "SELECT count(*) FROM t;",                                                          // 17
      "EXPLAIN SELECT * FROM t;",                                                         // 18
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r;", // 19
      "WITH w AS (SELECT 1 AS x), v AS (DELETE FROM t RETURNING a) SELECT * FROM w, v;",  // 20
      "WITH w AS MATERIALIZED (SELECT 1 AS x), u (y) AS (SELECT 2) SELECT x, y FROM w, u;", // 21
      "VALUES (1), (2);",                                                                 // 22
      "TABLE t;",                                                                         // 23
      "(SELECT 1 UNION SELECT 2) ORDER BY 1;",                                            // 24
      "SELECT a INTO TEMP t2 FROM t;",                                                    // 25
      "SELECT a FROM t FOR UPDATE;",                                                      // 26
      "BEGIN;",                                                                           // 27
      "DECLARE c CURSOR FOR SELECT 1;",                                                   // 28
      "FETCH ALL IN c;",                                                                  // 29
      "COMMIT;",                                                                          // 30
      "PREPARE p(int) AS SELECT $1;",                                                     // 31
      "EXECUTE p(1);",                                                                    // 32
      "SHOW standard_conforming_strings;",                                                // 33
      "CREATE FUNCTION f(x int) RETURNS int LANGUAGE SQL",                                // 34
      "BEGIN ATOMIC",                                                                     // 35
      "  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;",                                      // 36
      "END;",                                                                             // 37
      "SELECT E'it\\'s', U&'d\\0061t', U&'wrong: \\061', E'\\xff';",                       // 38
      "SELECT 1 AS one \\gset",                                                           // 39
      "SELECT :one;",                                                                     // 40
      "\\pset null '(null)'",                                                             // 41
      "SET standard_conforming_strings = off;",                                           // 42
      "SELECT 'a\\'b;c' AS f1, 'd\\\\' AS f2;",                                            // 43
      "RESET standard_conforming_strings;",                                               // 44
      "SELECT 'a\\' AS plain;",                                                           // 45
      "COPY t TO stdout;",                                                                // 46
      "SELECT 'last' -- no semicolon at the end");                                        // 47

  @Test
  void splitsAndClassifiesAsTheCorpusReadmeSays() {
    List<CorpusStatement> statements = CorpusBuilder.build(SAMPLE, "sample");
    List<String> expected = List.of(
        "1 line 4 skip psql meta-command \\getenv",
        "2 line 5 setup SET (setup connection only)",
        "3 line 7 setup",
        "4 line 7 setup", // its text starts with the comment after the previous statement
        "5 line 9 query",
        "6 line 11 query",
        "7 line 11 query",
        "8 line 12 skip psql meta-command \\set",
        "9 line 13 copy",
        "10 line 14 copy",
        "11 line 17 query",
        "12 line 18 skip EXPLAIN",
        "13 line 19 skip WITH RECURSIVE",
        "14 line 20 setup data-modifying WITH",
        "15 line 21 query",
        "16 line 22 query",
        "17 line 23 query",
        "18 line 24 query",
        "19 line 25 setup SELECT INTO",
        "20 line 26 query locking clause",
        "21 line 27 skip transaction control",
        "22 line 28 skip DECLARE",
        "23 line 29 skip FETCH",
        "24 line 30 skip transaction control",
        "25 line 31 skip PREPARE",
        "26 line 32 skip EXECUTE",
        "27 line 33 skip SHOW",
        "28 line 34 setup",
        "29 line 38 query",
        "30 line 39 skip psql meta-command \\gset",
        "31 line 40 skip psql variable :one",
        "32 line 41 skip psql meta-command \\pset",
        "33 line 42 setup SET (setup connection only)",
        "34 line 43 query scs_off",
        "35 line 44 setup SET (setup connection only) scs_off",
        "36 line 45 query",
        "37 line 46 skip COPY TO",
        "38 line 47 query");
    assertEquals(expected, statements.stream().map(CorpusBuilderTest::describe).toList());

    assertEquals("CREATE TABLE t (a int, b text)", sql(statements, 3), "TEMP removed");
    assertEquals("INSERT INTO t VALUES (1, 'x;y'), (2, $$a;b$$)", sql(statements, 4));
    // a -- comment goes and its line's end stays; a block comment becomes a space
    assertEquals("SELECT a, b \n  FROM t   WHERE b <> ';' ORDER BY a", sql(statements, 5));
    assertEquals("SELECT 2", sql(statements, 7));
    assertEquals("\\set filename :abs_srcdir '/data/sample.data'", sql(statements, 8));
    // a file of the data folder named through psql variables becomes a COPY FROM STDIN of it
    assertEquals("COPY t FROM STDIN", sql(statements, 9));
    assertEquals("sample.data", statements.get(8).copyFile());
    assertNull(statements.get(8).copyData());
    // the rows up to \. are data, not statements (a quote and a semicolon in them change nothing)
    assertEquals("COPY t (a, b) FROM stdin", sql(statements, 10));
    assertEquals("3\tit's ; not SQL\n", statements.get(9).copyData());
    assertEquals("SELECT a INTO t2 FROM t", sql(statements, 19), "TEMP removed");
    // a BEGIN ATOMIC body (with a CASE ... END in it) is one statement, as psql sends it
    assertTrue(sql(statements, 28).endsWith("ELSE 0 END;\nEND"), sql(statements, 28));
    assertEquals("SELECT 1 AS one", sql(statements, 30));
    // with standard_conforming_strings off, \' is a quote inside the string: the ; is not an end
    assertEquals("SELECT 'a\\'b;c' AS f1, 'd\\\\' AS f2", sql(statements, 34));
    assertEquals("SELECT 'a\\' AS plain", sql(statements, 36));
    assertEquals("SELECT 'last'", sql(statements, 38));
  }

  @Test
  void psqlEndsAStatementOnlyOutsideParenthesesAndRoutineBodies() {
    assertEquals(6, PsqlScript.statementEnd(SqlLexer.tokenize("select (1; 2); 3")));
    assertEquals(-1, PsqlScript.statementEnd(SqlLexer.tokenize("create procedure p() begin atomic select 1;")));
    assertEquals(13, PsqlScript.statementEnd(SqlLexer.tokenize("create or replace function f() begin atomic select 1; end;")));
    // BEGIN outside a routine's definition is a transaction's: its semicolon ends it
    assertEquals(1, PsqlScript.statementEnd(SqlLexer.tokenize("begin; select 1;")));
  }

  @Test
  void aQuitInsideAConditionalDoesNotEndTheFile() {
    List<CorpusStatement> statements = CorpusBuilder.build(String.join("\n",
        "SELECT getdatabaseencoding() <> 'UTF8' AS skip_test \\gset",
        "\\if :skip_test",
        "\\quit",
        "\\endif",
        "SELECT 1;",
        "\\q",
        "SELECT 2;"), "conditional");
    assertEquals(List.of("1 line 1 skip psql meta-command \\gset", "2 line 2 skip psql meta-command \\if",
        "3 line 3 skip psql meta-command \\quit", "4 line 4 skip psql meta-command \\endif", "5 line 5 query",
        "6 line 6 skip psql meta-command \\q"), statements.stream().map(CorpusBuilderTest::describe).toList());
  }

  @Test
  void theCommandLineWritesAndChecksCorpusFiles(@TempDir Path directory) throws Exception {
    Path sources = directory.resolve("regress");
    Files.createDirectories(sources.resolve("sql"));
    Files.writeString(sources.resolve("sql/sample.sql"), SAMPLE);
    Path setup = directory.resolve("regress_setup.sql");
    Files.writeString(setup, "CREATE SCHEMA regress;\n");
    Path out = directory.resolve("out");
    Output output = new Output();
    assertEquals(0, CorpusBuilderMain.run(new String[] {"--sources", sources.toString(), "--out", out.toString(),
        "--setup", setup.toString()}, output.stream(), output.stream()), output.text());
    assertTrue(output.text().contains("sample: 38 statements: 13 query, 8 setup, 2 copy, 15 skip"), output.text());
    assertEquals(Files.readString(setup), Files.readString(out.resolve("regress_setup.sql")));
    List<CorpusStatement> written = CorpusStatement.read(out.resolve("corpus/sample.json"));
    assertEquals(CorpusBuilder.build(SAMPLE, "sample"), written, "the file reads back as built");

    // the same sources checked against what was written: the same
    Output same = new Output();
    assertEquals(0, CorpusBuilderMain.run(new String[] {"--sources", sources.toString(), "--out",
        directory.resolve("again").toString(), "--check", out.toString()}, same.stream(), same.stream()), same.text());
    assertTrue(same.text().contains("the same as"), same.text());

    // a corpus whose statement 5 has another kind and whose last statement is missing
    List<CorpusStatement> changed = new ArrayList<>(written.subList(0, written.size() - 1));
    CorpusStatement fifth = changed.get(4);
    changed.set(4, new CorpusStatement(fifth.file(), fifth.n(), fifth.line(), Kind.SETUP, fifth.reason(), fifth.sql(),
        fifth.scsOff(), null, null));
    Path other = directory.resolve("other");
    Files.createDirectories(other.resolve("corpus"));
    CorpusStatement.write(other.resolve("corpus/sample.json"), changed);
    Output different = new Output();
    assertEquals(1, CorpusBuilderMain.run(new String[] {"--sources", sources.toString(), "--out",
        directory.resolve("third").toString(), "--check", other.toString(), "--setup", setup.toString()},
        different.stream(), different.stream()), different.text());
    assertTrue(different.text().contains("38 statements here, 37 there"), different.text());
    assertTrue(different.text().contains("statement 5 (line 9): kind 'QUERY' here, 'SETUP' there"), different.text());

    Output missing = new Output();
    assertEquals(2, CorpusBuilderMain.run(new String[] {"--sources", directory.resolve("nothing").toString()},
        missing.stream(), missing.stream()));
    assertTrue(missing.text().contains("holds no PostgreSQL regression files"), missing.text());
  }

  private static String describe(CorpusStatement statement) {
    return (statement.n() + " line " + statement.line() + " " + statement.kind().name().toLowerCase(Locale.ROOT)
        + (statement.reason() == null ? "" : " " + statement.reason())
        + (statement.scsOff() ? " scs_off" : "")).trim();
  }

  private static String sql(List<CorpusStatement> statements, int n) {
    return statements.get(n - 1).sql();
  }

  /** What a command printed, both streams together. */
  private static final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PrintStream stream() {
      return stream;
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
