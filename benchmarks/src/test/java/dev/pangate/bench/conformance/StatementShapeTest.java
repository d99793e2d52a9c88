package dev.pangate.bench.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.bench.conformance.StatementShape.OrderKey;
import dev.pangate.bench.conformance.SqlTokens.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runner's reading of SQL text: tokens, the outermost ORDER BY, scs_off, TEMP, scripts. */
class StatementShapeTest {

  @Test
  void tokensSkipCommentsAndKeepQuotedTextWhole() {
    List<SqlTokens.Token> tokens = SqlTokens.of(
        "select /* a /* nested */ (comment */ 'it''s', E'\\'', $q$ ) ; $q$, \"Order\" -- by\n, U&'x', $1");
    assertEquals(List.of("select", "'it''s'", ",", "E'\\''", ",", "$q$ ) ; $q$", ",", "\"Order\"", ",", "U&'x'",
        ",", "$1"), tokens.stream().map(SqlTokens.Token::text).toList());
    assertEquals(Kind.DOLLAR_STRING, tokens.get(5).kind());
    assertEquals("Order", tokens.get(7).identifier());
    assertEquals("U&", tokens.get(9).prefix());
    assertTrue(tokens.stream().allMatch(t -> t.depth() == 0));
    // with standard_conforming_strings off a backslash escapes a quote in a plain string too
    assertEquals(List.of("select", "'a\\'b'"), SqlTokens.of("select 'a\\'b'", true).stream()
        .map(SqlTokens.Token::text).toList());
  }

  @Test
  void theOutermostOrderByAndItsKeys() {
    StatementShape shape = StatementShape.of(
        "select a, t.b, c from t order by 3 desc, t.b using >, \"A\" nulls first, a + 1 limit 5");
    assertTrue(shape.ordered());
    assertTrue(shape.limited());
    assertFalse(shape.offset());
    assertEquals(List.of(new OrderKey(3, null), new OrderKey(null, "b"), new OrderKey(null, "A"),
        new OrderKey(null, null)), shape.orderKeys());
    assertFalse(StatementShape.of("select * from (select a from t order by a) s").ordered());
    assertFalse(StatementShape.of("select rank() over (order by a) from t").ordered());
    assertFalse(StatementShape.of("select a from t window w as (order by a)").ordered());
    assertFalse(StatementShape.of("select 'order by a' from t -- order by a").ordered());
    assertTrue(StatementShape.of("select a from t union select b from u order by 1").ordered());
    assertTrue(StatementShape.of("with x as (select 1 order by 1) select * from x order by 1 offset 2").offset());
    assertFalse(StatementShape.of("select a from t limit 1").ordered());
    assertTrue(StatementShape.of("select a from t fetch first 1 row only").limited());
  }

  @Test
  void standardConformingStringsOffBecomesEStrings() {
    assertEquals(Optional.of("select E'a\\\\b', E'\\'', 'plain', E'x\\ty'"),
        StatementShape.forStandardStrings("select 'a\\\\b', '\\'', 'plain', E'x\\ty'"));
    assertEquals(Optional.of("select 1"), StatementShape.forStandardStrings("select 1"));
    // a U&'' string: PostgreSQL refuses it with standard_conforming_strings off
    assertEquals(Optional.empty(), StatementShape.forStandardStrings("select U&'d\\0061t'"));
    // a U&"" identifier is not a string
    assertEquals(Optional.of("select 1 as U&\"a\""), StatementShape.forStandardStrings("select 1 as U&\"a\""));
  }

  @Test
  void temporaryObjectsLandInTheMirroredSchema() {
    assertEquals("CREATE TABLE t (a int)", StatementShape.withoutTemporary("CREATE TEMP TABLE t (a int)"));
    assertEquals("create view v as select 1", StatementShape.withoutTemporary("create temporary view v as select 1"));
    assertEquals("CREATE TABLE t AS SELECT 'temp'",
        StatementShape.withoutTemporary("CREATE LOCAL TEMPORARY TABLE t AS SELECT 'temp'"));
    assertEquals("INSERT INTO temp VALUES (1)", StatementShape.withoutTemporary("INSERT INTO temp VALUES (1)"));
    assertEquals("create", StatementShape.firstWord("  /* x */ create table t ()"));
  }

  @Test
  void setupScriptsSplitIntoStatementsAndCopies() {
    String script = """
        -- a comment; not a statement
        \\set ON_ERROR_STOP 1
        CREATE SCHEMA regress;
        CREATE FUNCTION f(i int) RETURNS int AS $$ SELECT i; $$ LANGUAGE sql;
        \\copy onek from '/data/onek.data'
        INSERT INTO t VALUES (';'), ('\\'); -- after
        """;
    List<SetupScript.Step> steps = SetupScript.parse(script, "setup.sql");
    assertEquals(List.of("CREATE SCHEMA regress", "CREATE FUNCTION f(i int) RETURNS int AS $$ SELECT i; $$ LANGUAGE sql",
        "COPY onek FROM STDIN", "INSERT INTO t VALUES (';'), ('\\')"),
        steps.stream().map(SetupScript.Step::sql).toList());
    assertEquals(Path.of("/data/onek.data"), steps.get(2).copyFrom());
    assertEquals(5, steps.get(2).line());
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> SetupScript.parse("\\i other.sql\n", "setup.sql"));
    assertTrue(error.getMessage().contains("setup.sql line 1"), error.getMessage());
  }
}
