package dev.pangate.engine.plan;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.sql.SqlLexer;
import java.util.Optional;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Parse failures as messages a person can act on: where, what was found, what was expected. */
final class ParseErrors {

  private ParseErrors() {}

  /** Nesting deeper than this is what the report of a parser's stack overflow points at. */
  static final int REPORTED_DEPTH = 200;

  /** The failure, with a hint when the statement uses a PostgreSQL form pangate lacks. */
  static EngineException toEngineException(SqlParseException e, String sql) {
    if (e.getCause() instanceof StackOverflowError) {
      return tooDeep(sql);
    }
    Optional<String> refusal = StatementWords.refusal(sql);
    if (refusal.isPresent()) {
      return new EngineException(ErrorCode.STATEMENT_NOT_ALLOWED, refusal.get());
    }
    EngineException plain = toEngineException(e);
    Optional<String> meant = StatementWords.meant(sql);
    if (meant.isPresent()) {
      return new EngineException(ErrorCode.SQL_PARSE_ERROR, "SQL does not parse at line 1: the"
          + " statement starts with '" + StatementWords.first(sql).orElseThrow() + "'; did you mean "
          + meant.get() + "? (" + StatementWords.WHAT_RUNS + ".)", e);
    }
    return plain;
  }

  static EngineException toEngineException(SqlParseException e) {
    SqlParserPos pos = e.getPos();
    String where = pos == null ? "" : "line " + pos.getLineNum() + ", column " + pos.getColumnNum() + ": ";
    String message = firstLine(e.getMessage());
    // Calcite appends a long list of expected tokens; keep the first few, they are what helps.
    int expecting = message.indexOf("Was expecting");
    String found = expecting < 0 ? message : message.substring(0, expecting).trim();
    String expected = "";
    if (e.getExpectedTokenNames() != null && !e.getExpectedTokenNames().isEmpty()) {
      expected = " Expected one of: " + String.join(", ",
          e.getExpectedTokenNames().stream().sorted().limit(8).toList())
          + (e.getExpectedTokenNames().size() > 8 ? ", ..." : "") + ".";
    }
    return new EngineException(ErrorCode.SQL_PARSE_ERROR,
        "SQL does not parse at " + where + stripPosition(found) + expected, e);
  }

  /**
   * The parser ran out of stack: the statement nests too deeply. Says where the nesting passes
   * {@value #REPORTED_DEPTH} levels (parentheses outside quotes and comments), so the writer can
   * find it.
   */
  static EngineException tooDeep(String sql) {
    String where = "";
    if (sql != null) {
      try {
        int depth = 0;
        for (SqlLexer.Token token : SqlLexer.tokenize(sql)) {
          if (token.is("(") && ++depth > REPORTED_DEPTH) {
            where = " at " + SqlLexer.where(sql, token.start()) + " (parenthesis " + depth
                + " levels deep)";
            break;
          } else if (token.is(")")) {
            depth--;
          }
        }
      } catch (SqlLexer.LexException e) {
        // not SQL all the way through: no position to give
      }
    }
    return new EngineException(ErrorCode.STATEMENT_TOO_COMPLEX, "The statement nests too deeply for"
        + " pangate to parse" + where + "; nest less (at most a few hundred levels), or use IN"
        + " lists or joins instead of deeply nested expressions.");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String stripPosition(String message) {
    // "Encountered "x" at line 1, column 8." -> "encountered "x"."
    return message.replaceAll(" at line \\d+, column \\d+", "");
  }
}
