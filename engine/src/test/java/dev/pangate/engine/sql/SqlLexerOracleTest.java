package dev.pangate.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pangate.engine.EngineException;
import dev.pangate.masking.sql.SqlLexer;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one lexer against PostgreSQL itself: every string form decodes to what PostgreSQL reads,
 * and what the engine sends Calcite's parser keeps PostgreSQL's tokens, comments and quoting.
 */
@ExtendWith(PostgresExtension.class)
class SqlLexerOracleTest {

  private static final List<String> LITERALS = List.of(
      "'plain \\n backslash'", "'it''s'", "E'tab\\there'", "E'quote\\' and \\\\'",
      "E'\\x41\\102\\u00e9\\U0001F600'", "e'\\q unknown escape'", "U&'d\\0061t\\+000061'",
      "U&'d!0061t!+000061' UESCAPE '!'", "U&'\\D83D\\DE00'", "$$a 'b' \\n$$",
      "$tag$ $$ inside $tag$", "N'national'", "'con'\n'tinued'", "E'con'\n'tinued\\t'",
      "'/* not a comment */ -- nor this'");

  @Test
  void everyStringFormReadsAsPostgresqlReadsIt(TestDatabase database) throws SQLException {
    try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
      for (String literal : LITERALS) {
        String expected;
        try (ResultSet row = statement.executeQuery("select " + literal)) {
          row.next();
          expected = row.getString(1);
        }
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(literal);
        assertEquals(1, tokens.size(), literal);
        assertEquals(expected, tokens.get(0).value(), literal);
        // and the text handed to Calcite's parser holds the same string as a standard literal
        assertEquals("select " + SqlLexer.quote(expected),
            PostgresSyntax.beforeParsing("select " + literal).strip(), literal);
      }
    }
  }

  @Test
  void commentsAreBlankedWherePostgresqlSeesThem() {
    String sql = "select 1 /* a /* nested */ ' still comment */ + 2 -- x ' y\n, 'a -- b'";
    String block = "/* a /* nested */ ' still comment */";
    String line = "-- x ' y";
    String expected = sql.replace(block, " ".repeat(block.length()))
        .replace(line, " ".repeat(line.length()));
    assertEquals(expected, PostgresSyntax.beforeParsing(sql));
  }

  @Test
  void castsBindToTheirOperandOnly() {
    assertEquals("select a and (b::int) = c", PostgresSyntax.beforeParsing("select a and b::int = c"));
    assertEquals("select ((x::int)::text), (f(y)::numeric(10, 2)), (t.c::double precision)",
        PostgresSyntax.beforeParsing("select x::int::text, f(y)::numeric(10, 2), t.c::double precision"));
    assertEquals("select - (1::int8) << 40 where x in ((a)::int)",
        PostgresSyntax.beforeParsing("select - 1::int8 << 40 where x in (a)::int"));
  }

  @Test
  void stackedStatementsAreRefusedOneTrailingSemicolonIsNot() {
    EngineException stacked = assertThrows(EngineException.class,
        () -> PostgresSyntax.beforeParsing("select 1; commit; drop table payments.cards"));
    assertEquals("STATEMENT_NOT_ALLOWED", stacked.code());
    assertEquals("select 1;", PostgresSyntax.beforeParsing("select 1;"));
    // a semicolon in a string or comment is not a statement end
    assertEquals("select ';'  ", PostgresSyntax.beforeParsing("select ';'  ").stripTrailing() + "  ");
  }

  @Test
  void theLifterAndTheRowFilterScannerSkipStringsAndComments() {
    LiteralLifter.Lifted lifted = LiteralLifter.lift(
        "select 1 from t where a = E'x\\'y' /* and b = 2 */ and c = $$z$$");
    assertEquals(List.of("x'y", "z"), lifted.literals().stream().map(LiteralLifter.Literal::value).toList());
    assertNull(LiteralLifter.lift("select 1 from t where a = 'open"));
  }
}
