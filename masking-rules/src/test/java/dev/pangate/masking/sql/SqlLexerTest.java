package dev.pangate.masking.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.StringForm;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL's lexical rules; values are checked against PostgreSQL itself in the engine's tests. */
class SqlLexerTest {

  private static List<String> values(String sql) {
    return SqlLexer.tokenize(sql).stream().map(Token::value).toList();
  }

  private static Token only(String sql) {
    List<Token> tokens = SqlLexer.tokenize(sql);
    assertEquals(1, tokens.size(), tokens.toString());
    return tokens.get(0);
  }

  @Test
  void commentsNestAndHideEverything() {
    assertEquals(List.of("select", "1", "+", "2"),
        values("select 1 /* a /* nested */ 'not a string */ + -- 'nor this\n 2"));
    assertThrows(SqlLexer.LexException.class, () -> SqlLexer.tokenize("select 1 /* /* */"));
  }

  @Test
  void stringsInEachForm() {
    assertEquals("it's \\n", only("'it''s \\n'").value());
    Token escape = only("E'a\\tb\\'c\\\\d\\x41\\101\\u00e9\\U0001F600'");
    assertEquals("a\tb'c\\dAA\u00e9\uD83D\uDE00", escape.value());
    assertEquals(StringForm.ESCAPE, escape.form());
    assertEquals("data", only("U&'d\\0061t\\+000061'").value());
    assertEquals("data", only("U&'d!0061t!+000061' UESCAPE '!'").value());
    assertEquals("a'b$x", only("$$a'b$x$$").value());
    assertEquals("q $$ q", only("$tag$q $$ q$tag$").value());
    assertEquals("national", only("N'national'").value());
    Token continued = only("'con'\n  'tinued'");
    assertEquals("continued", continued.value());
    assertEquals(StringForm.CONTINUED, continued.form());
    // without a newline between them, two strings are two tokens (PostgreSQL refuses them)
    assertEquals(2, SqlLexer.tokenize("'a' 'b'").size());
    assertEquals(Kind.BIT_STRING, only("B'0101'").kind());
    assertThrows(SqlLexer.LexException.class, () -> SqlLexer.tokenize("select 'open"));
    assertThrows(SqlLexer.LexException.class, () -> SqlLexer.tokenize("select E'\\0'"));
  }

  @Test
  void identifiersFoldUnlessQuoted() {
    assertEquals(List.of("select", "MixedCase", ".", "col$1", "data"),
        values("SELECT \"MixedCase\".Col$1 U&\"d\\0061t\\0061\""));
    assertEquals(Kind.QUOTED_IDENTIFIER, SqlLexer.tokenize("\"a\"\"b\"").get(0).kind());
    assertEquals("a\"b", SqlLexer.tokenize("\"a\"\"b\"").get(0).value());
  }

  @Test
  void operatorsFollowPostgresqlsTrailingSignRule() {
    assertEquals(List.of("a", "<", "-", "1"), values("a<-1"));
    assertEquals(List.of("a", "@-", "1"), values("a@-1"));
    assertEquals(List.of("x", "::", "int", "||", "y", ">=", "z"), values("x::int||y>=z"));
    assertEquals(List.of("a", "*", "b"), values("a*/* c */b"));
    assertEquals(Kind.PARAMETER, SqlLexer.tokenize("a = ?").get(2).kind());
    assertEquals(Kind.POSITIONAL_PARAMETER, SqlLexer.tokenize("a = $1").get(2).kind());
  }

  @Test
  void numbers() {
    assertEquals(List.of("1", "1.5", ".5", "1e5", "2.5E-3", "1", ".", "."), values("1 1.5 .5 1e5 2.5E-3 1.."));
  }

  @Test
  void positionsAreThoseOfTheText() {
    String sql = "select\n  E'x' as y";
    Token string = SqlLexer.tokenize(sql).get(1);
    assertEquals("E'x'", sql.substring(string.start(), string.end()));
    assertEquals("line 2, column 3", SqlLexer.where(sql, string.start()));
  }
}
