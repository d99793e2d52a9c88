package dev.pangate.engine.sql;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.sql.SqlLexer;
import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.StringForm;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL spellings that Calcite's Babel parser reads differently, mended on PostgreSQL's own
 * tokens ({@link SqlLexer}) before parsing:
 *
 * <ul>
 *   <li>strings in PostgreSQL's other forms ({@code E'a\tb'}, {@code U&'d\0061t'}, {@code $$x$$},
 *       {@code N'x'}, a string continued on the next line) become standard literals with the
 *       same content;
 *   <li>comments become blanks (Calcite does not nest {@code /* *}{@code /} comments as
 *       PostgreSQL does), so line and column numbers stay those of the text as written;
 *   <li>interval literals with the unit inside the string ({@code interval '30 days'}) become
 *       {@code INTERVAL '30' DAY}, and with several ({@code interval '1 day 2 hours'}) one literal
 *       in the smallest unit ({@code INTERVAL '26' HOUR(2)}); so does a string cast to an interval
 *       ({@code '30 days'::interval});
 *   <li>{@code ::} binds tighter than any operator in PostgreSQL, but Babel applies it to the
 *       whole expression on its left ({@code a AND b::int} as {@code (a AND b)::int}); each
 *       {@code operand::type} is parenthesised first;
 *   <li>{@code GROUPS} window frames become marked {@code ROWS} frames ({@link GroupsFrames});
 *   <li>{@code SELECT DISTINCT ON (...)} and {@code FETCH ... WITH TIES} become marker calls that
 *       {@link RowSelection} turns into window functions after parsing;
 *   <li>a join nested in another without parentheses ({@code a JOIN b JOIN c ON x ON y}) is
 *       parenthesised ({@link JoinNesting});
 *   <li>{@code FROM t*} (a table with those inheriting from it, PostgreSQL's default) is
 *       {@code FROM t}; {@code FROM ONLY t} is {@code FROM t} with the table hint
 *       {@link #ONLY_HINT}, which the scan keeps and the SQL sent to PostgreSQL renders as
 *       {@code ONLY t};
 *   <li>{@code SUBSTRING(s SIMILAR p ESCAPE e)} is PostgreSQL's {@code substring(s, p, e)};
 *       constants with exponents beyond a double's range are {@code numeric}; an empty select
 *       list gets a placeholder item ({@link #EMPTY_SELECT_ITEM}).
 * </ul>
 *
 * <p>Text with more than one statement is refused: pangate runs one statement per request.
 */
public final class PostgresSyntax {

  private static final String UNIT =
      "(years?|mons?|months?|weeks?|days?|hours?|mins?|minutes?|secs?|seconds?)";
  private static final Pattern INTERVAL_PARTS = Pattern.compile(
      "(?i)\\s*((?:\\s*[+-]?\\d+\\s*" + UNIT + "\\s*,?)+)\\s*");
  private static final Pattern PART = Pattern.compile("(?i)([+-]?\\d+)\\s*" + UNIT);

  /** Words that continue a type name after its first word. */
  private static final Set<String> TYPE_CONTINUATIONS = Set.of("precision", "varying");

  private PostgresSyntax() {}

  /**
   * The statement as Calcite's parser should read it.
   *
   * @throws EngineException {@code SQL_PARSE_ERROR} for text that is not SQL (an unterminated
   *     string or comment), {@code STATEMENT_NOT_ALLOWED} for several statements
   */
  public static String beforeParsing(String sql) {
    List<Token> tokens;
    try {
      tokens = SqlLexer.tokenize(sql);
    } catch (SqlLexer.LexException e) {
      throw new EngineException(ErrorCode.SQL_PARSE_ERROR, "SQL does not parse at "
          + SqlLexer.where(sql, e.position()) + ": " + e.getMessage() + ".");
    }
    refuseStackedStatements(sql, tokens);
    int count = tokens.size();
    String[] replacement = new String[count];
    int[] skipTo = new int[count];
    int[] opens = new int[count];
    int[] closes = new int[count];
    String[] prefixes = new String[count];
    for (int k = 0; k < count; k++) {
      skipTo[k] = k;
      Token token = tokens.get(k);
      if (token.kind() == Kind.STRING && token.form() != StringForm.PLAIN) {
        replacement[k] = SqlLexer.quote(token.value());
      }
    }
    rewriteIntervals(tokens, replacement, skipTo);
    rewriteHugeNumbers(tokens, replacement);
    rewriteTypedLiterals(tokens, replacement, skipTo);
    rewriteLateralFunctions(tokens, replacement, closes);
    rewriteInheritanceStars(tokens, replacement);
    rewriteOnly(sql, tokens, replacement);
    rewriteOrderByUsing(tokens, replacement, skipTo);
    RowSelection.markDistinctOn(tokens, replacement, prefixes);
    RowSelection.markWithTies(sql, tokens, replacement, prefixes);
    GroupsFrames.rewrite(tokens, replacement, skipTo, prefixes, closes);
    rewriteSubstringSimilar(tokens, replacement);
    rewriteEmptySelectLists(tokens, replacement);
    rewriteRowOfStar(sql, tokens, replacement, skipTo);
    ArraySyntax.rewrite(tokens, replacement);
    JoinNesting.parenthesise(tokens, opens, closes);
    Map<Integer, Integer> castStarts = parenthesiseCasts(tokens, opens, closes, skipTo);
    Collations.rewrite(tokens, replacement, skipTo, prefixes, castStarts,
        (last, starts) -> operandStart(tokens, last, starts));
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int copied = 0;
    for (int k = 0; k < count; k++) {
      Token token = tokens.get(k);
      blankComments(sql, copied, token.start(), out);
      int last = skipTo[k];
      int opening = 0; // a replaced range opens and closes what its tokens open and close
      int closing = 0;
      for (int m = k; m <= last; m++) {
        opening += opens[m];
        closing += closes[m];
      }
      if (prefixes[k] != null) {
        out.append(prefixes[k]);
      }
      out.append("(".repeat(opening));
      out.append(replacement[k] != null ? replacement[k] : sql.substring(token.start(), token.end()));
      out.append(")".repeat(closing));
      copied = tokens.get(last).end();
      k = last;
    }
    blankComments(sql, copied, sql.length(), out);
    return out.toString();
  }

  /** The text between tokens with every comment character blanked (newlines kept). */
  private static void blankComments(String sql, int from, int to, StringBuilder out) {
    for (int i = from; i < to; i++) {
      char c = sql.charAt(i);
      out.append(Character.isWhitespace(c) ? c : ' ');
    }
  }

  private static void refuseStackedStatements(String sql, List<Token> tokens) {
    for (int k = 0; k < tokens.size(); k++) {
      if (tokens.get(k).is(";")) {
        boolean onlySemicolonsAfter = true;
        for (int m = k + 1; m < tokens.size(); m++) {
          onlySemicolonsAfter &= tokens.get(m).is(";");
        }
        if (!onlySemicolonsAfter) {
          throw new EngineException(ErrorCode.STATEMENT_NOT_ALLOWED, "The text holds more than one"
              + " statement (a ';' at " + SqlLexer.where(sql, tokens.get(k).start())
              + " is followed by more); pangate runs one statement per request. Send each on"
              + " its own.");
        }
      }
    }
  }

  /**
   * {@code date '...'}, {@code time '...'} and {@code timestamp '...'} as casts of the string, so
   * that PostgreSQL reads the string by its own rules ({@code date 'January 8, 1999'}, and the
   * errors for {@code date '99-01-08'}); Calcite's parser accepts only its own forms, some of them
   * with another meaning.
   */
  private static void rewriteTypedLiterals(List<Token> tokens, String[] replacement,
      int[] skipTo) {
    for (int k = 0; k + 1 < tokens.size(); k++) {
      Token token = tokens.get(k);
      if (token.kind() != Kind.WORD || skipTo[k] != k || replacement[k] != null
          || (k > 0 && (tokens.get(k - 1).is("::") || tokens.get(k - 1).is(".")))) {
        continue;
      }
      String type = switch (token.value()) {
        case "date" -> "DATE";
        case "time" -> "TIME";
        case "timestamp" -> "TIMESTAMP";
        default -> LITERAL_TYPES.contains(token.value()) ? token.value() : null;
      };
      if (type == null) {
        continue;
      }
      int last = k + 1;
      if (k + 3 < tokens.size() && tokens.get(k + 1).isWord("without")
          && tokens.get(k + 2).isWord("time") && tokens.get(k + 3).isWord("zone")
          && !type.equals("DATE")) {
        last = k + 4; // timestamp without time zone '...'
      } else if (type.equals("double") || type.equals("character")) {
        // double precision '...', character varying '...'
        if (last < tokens.size() && tokens.get(last).kind() == Kind.WORD
            && tokens.get(last).value().equals(type.equals("double") ? "precision" : "varying")) {
          type = type + " " + tokens.get(last).value();
          last++;
        } else if (type.equals("double")) {
          continue;
        }
      }
      if (MODIFIED_TYPES.contains(token.value()) && last + 2 < tokens.size()
          && tokens.get(last).is("(")) {
        // char(20) '...', numeric(10,2) '...'
        int close = last + 1;
        StringBuilder modifiers = new StringBuilder("(");
        while (close < tokens.size() && (tokens.get(close).kind() == Kind.NUMBER
            || tokens.get(close).is(","))) {
          modifiers.append(tokens.get(close).value());
          close++;
        }
        if (close >= tokens.size() || !tokens.get(close).is(")") || close == last + 1) {
          continue;
        }
        type = type + modifiers.append(')');
        last = close + 1;
      }
      if (last >= tokens.size() || tokens.get(last).kind() != Kind.STRING) {
        continue;
      }
      replacement[k] = "CAST(" + SqlLexer.quote(tokens.get(last).value()) + " AS " + type + ")";
      skipTo[k] = last;
      k = last;
    }
  }

  /**
   * Type names that may precede a string constant to type it ({@code int2 '0'}, {@code text 'x'}):
   * the ones pangate's validator knows by these names. A word before a string is otherwise a
   * keyword ({@code THEN 'x'}, {@code LIKE 'x'}), so the list is explicit.
   */
  private static final Set<String> LITERAL_TYPES = Set.of("int2", "int4", "int8", "smallint",
      "integer", "int", "bigint", "numeric", "decimal", "real", "float4", "float8", "double",
      "text", "varchar", "bpchar", "char", "character", "bool", "boolean", "bytea");

  /** Those of {@link #LITERAL_TYPES} that take modifiers in parentheses. */
  private static final Set<String> MODIFIED_TYPES = Set.of("numeric", "decimal", "varchar", "char",
      "character", "bpchar");

  /**
   * {@code LATERAL f(...)}, a function in FROM that reads the items before it, as Calcite's
   * parser spells it: {@code LATERAL TABLE(f(...))}.
   */
  /**
   * {@code FROM person*}: PostgreSQL's old spelling of a table with the tables that inherit from
   * it, which is what {@code FROM person} reads anyway; the {@code *} after a table name that
   * follows {@code FROM} or {@code JOIN} is dropped.
   */
  private static void rewriteInheritanceStars(List<Token> tokens, String[] replacement) {
    for (int k = 0; k + 2 < tokens.size(); k++) {
      if (!(tokens.get(k).isWord("from") || tokens.get(k).isWord("join"))) {
        continue;
      }
      int m = k + 1;
      while (m + 2 < tokens.size() && isName(tokens.get(m)) && tokens.get(m + 1).is(".")) {
        m += 2;
      }
      if (m + 1 < tokens.size() && isName(tokens.get(m)) && !tokens.get(m).isWord("select")
          && !tokens.get(m).isWord("lateral") && tokens.get(m + 1).is("*")
          && replacement[m + 1] == null) {
        replacement[m + 1] = "";
      }
    }
  }

  /**
   * The table hint marking a table read without the tables inheriting from it ({@code FROM ONLY
   * t}). Only this rewrite writes it: comments in the statement, a hint a caller wrote among
   * them, are blanks by then.
   */
  public static final String ONLY_HINT = "pangate_only";

  /**
   * {@code FROM ONLY t} and {@code JOIN ONLY t} (a table without the tables inheriting from it) as
   * {@code t /*+ pangate_only *}{@code /}: the scan of {@code t} carries the hint down to the SQL
   * sent to PostgreSQL. {@code DELETE FROM ONLY} is left for the parser to refuse.
   */
  private static void rewriteOnly(String sql, List<Token> tokens, String[] replacement) {
    for (int k = 0; k + 2 < tokens.size(); k++) {
      if (!(tokens.get(k).isWord("from") || tokens.get(k).isWord("join"))
          || !tokens.get(k + 1).isWord("only") || replacement[k + 1] != null
          || (k > 0 && tokens.get(k - 1).isWord("delete"))) {
        continue;
      }
      int last = k + 2;
      if (!isName(tokens.get(last))) {
        continue;
      }
      while (last + 2 < tokens.size() && tokens.get(last + 1).is(".")
          && isName(tokens.get(last + 2))) {
        last += 2;
      }
      if (replacement[last] != null) {
        continue;
      }
      Token name = tokens.get(last);
      replacement[k + 1] = "";
      replacement[last] = sql.substring(name.start(), name.end()) + " /*+ " + ONLY_HINT + " */";
    }
  }

  private static void rewriteLateralFunctions(List<Token> tokens, String[] replacement,
      int[] closes) {
    for (int k = 0; k + 2 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("lateral") || replacement[k] != null
          || !isName(tokens.get(k + 1)) || tokens.get(k + 1).isWord("table")
          || tokens.get(k + 1).isWord("select") || !tokens.get(k + 2).is("(")) {
        continue;
      }
      int depth = 0;
      for (int m = k + 2; m < tokens.size(); m++) {
        if (tokens.get(m).is("(")) {
          depth++;
        } else if (tokens.get(m).is(")") && --depth == 0) {
          replacement[k] = "LATERAL TABLE(";
          closes[m]++;
          break;
        }
      }
    }
  }

  /**
   * {@code ORDER BY x USING <} and {@code USING >}: PostgreSQL's spelling of {@code ASC} and
   * {@code DESC} with their default null ordering (other operators are left for the parser to
   * refuse).
   */
  private static void rewriteOrderByUsing(List<Token> tokens, String[] replacement, int[] skipTo) {
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (tokens.get(k).isWord("using") && replacement[k] == null
          && (tokens.get(k + 1).is("<") || tokens.get(k + 1).is(">"))) {
        replacement[k] = tokens.get(k + 1).is("<") ? "ASC" : "DESC";
        skipTo[k] = k + 1;
        k++;
      }
    }
  }

  /**
   * {@code SUBSTRING(s SIMILAR pattern ESCAPE e)} as the call PostgreSQL makes of it,
   * {@code pg_catalog.substring(s, pattern, e)} (its SQL regular expression form).
   */
  private static void rewriteSubstringSimilar(List<Token> tokens, String[] replacement) {
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("substring") || !tokens.get(k + 1).is("(") || replacement[k] != null
          || (k > 0 && tokens.get(k - 1).is("."))) {
        continue;
      }
      int depth = 0;
      int similar = -1;
      int escape = -1;
      for (int m = k + 1; m < tokens.size(); m++) {
        Token token = tokens.get(m);
        if (token.is("(")) {
          depth++;
        } else if (token.is(")")) {
          if (--depth == 0) {
            break;
          }
        } else if (depth == 1 && token.isWord("similar") && similar < 0
            && !(m + 1 < tokens.size() && tokens.get(m + 1).isWord("to"))) {
          similar = m;
        } else if (depth == 1 && token.isWord("escape") && similar >= 0 && escape < 0) {
          escape = m;
        }
      }
      if (similar > 0 && escape > similar && replacement[similar] == null
          && replacement[escape] == null) {
        replacement[k] = "pg_catalog.substring";
        replacement[similar] = ",";
        replacement[escape] = ",";
      }
    }
  }

  /**
   * The one item standing for an empty select list ({@code select from t}), which Calcite's
   * parser lacks: a constant of this name, dropped from the result ({@code QueryPlanner}).
   */
  public static final String EMPTY_SELECT_ITEM = "pangate: no columns";

  /** Words that may follow {@code SELECT} when its select list is empty. */
  private static final Set<String> AFTER_EMPTY_SELECT = Set.of("from", "where", "group", "having",
      "window", "order", "limit", "offset", "fetch", "union", "intersect", "except");

  /**
   * {@code SELECT} with an empty select list, where PostgreSQL's answer does not depend on the
   * columns: the statement's own selects (every one of its set operation's branches, so they
   * still match), and a select under {@code EXISTS}. Each gets one constant item named
   * {@link #EMPTY_SELECT_ITEM}; the statement's result then has no columns, as PostgreSQL's.
   * Elsewhere (a sub-query compared with {@code IN}, a derived table) it stays as written and the
   * parser refuses it.
   */
  /**
   * {@code ROW(t.*)}, which Calcite's parser refuses in a select list, as the call
   * {@link WholeRows} rewrites once the validator has found {@code t}'s columns.
   */
  private static void rewriteRowOfStar(String sql, List<Token> tokens, String[] replacement,
      int[] skipTo) {
    for (int k = 0; k + 5 < tokens.size(); k++) {
      if (tokens.get(k).isWord("row") && tokens.get(k + 1).is("(") && isName(tokens.get(k + 2))
          && tokens.get(k + 3).is(".") && tokens.get(k + 4).is("*") && tokens.get(k + 5).is(")")
          && replacement[k] == null && skipTo[k] == k) {
        Token name = tokens.get(k + 2);
        replacement[k] = WholeRows.ROW_FIELDS + "(" + sql.substring(name.start(), name.end()) + ")";
        skipTo[k] = k + 5;
        k += 5;
      }
    }
  }

  private static void rewriteEmptySelectLists(List<Token> tokens, String[] replacement) {
    List<Integer> top = new java.util.ArrayList<>();
    boolean allEmpty = true;
    int depth = 0;
    for (int k = 0; k < tokens.size(); k++) {
      Token token = tokens.get(k);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      } else if (token.isWord("select") && replacement[k] == null) {
        boolean empty = emptyAfter(tokens, k);
        if (depth == 0) {
          top.add(k);
          allEmpty &= empty;
        } else if (empty && k >= 2 && tokens.get(k - 1).is("(") && tokens.get(k - 2).isWord("exists")) {
          replacement[k] = emptySelect();
        }
      }
    }
    boolean query = !tokens.isEmpty() && (tokens.get(0).isWord("select") || tokens.get(0).is("("));
    if (allEmpty && query) {
      for (int k : top) {
        replacement[k] = emptySelect();
      }
    }
  }

  private static boolean emptyAfter(List<Token> tokens, int select) {
    if (select + 1 >= tokens.size()) {
      return true;
    }
    Token next = tokens.get(select + 1);
    return next.is(";") || next.is(")")
        || (next.kind() == Kind.WORD && AFTER_EMPTY_SELECT.contains(next.value()));
  }

  private static String emptySelect() {
    return "SELECT 0 AS \"" + EMPTY_SELECT_ITEM + "\"";
  }

  /**
   * Numeric constants with an exponent beyond a double's range ({@code 4.4e131071},
   * {@code 2e-16383}): PostgreSQL reads every constant with an exponent as {@code numeric},
   * exactly; Calcite reads it as a double, which overflows or rounds to zero. Such a constant
   * becomes the cast of its text to {@code numeric}, which PostgreSQL reads to the same value.
   */
  private static void rewriteHugeNumbers(List<Token> tokens, String[] replacement) {
    for (int k = 0; k < tokens.size(); k++) {
      Token token = tokens.get(k);
      if (token.kind() != Kind.NUMBER || replacement[k] != null
          || token.value().indexOf('e') < 0 && token.value().indexOf('E') < 0) {
        continue;
      }
      java.math.BigDecimal exact;
      try {
        exact = new java.math.BigDecimal(token.value());
      } catch (NumberFormatException e) {
        continue; // not a number Java reads; the parser says what is wrong
      }
      double approximate = exact.doubleValue();
      if (Double.isInfinite(approximate) || (approximate == 0 && exact.signum() != 0)
          || (approximate != 0 && Math.abs(approximate) < Double.MIN_NORMAL)) {
        replacement[k] = "CAST('" + token.value() + "' AS numeric)";
      }
    }
  }

  /** Interval literals and string-to-interval casts as standard interval literals. */
  private static void rewriteIntervals(List<Token> tokens, String[] replacement, int[] skipTo) {
    for (int k = 0; k + 1 < tokens.size(); k++) {
      Token token = tokens.get(k);
      Token next = tokens.get(k + 1);
      if (token.isWord("interval") && next.kind() == Kind.STRING) {
        String rewritten = intervals(next.value());
        if (rewritten != null) {
          replacement[k] = rewritten;
          skipTo[k] = k + 1;
          k++;
        }
      } else if (token.kind() == Kind.STRING && next.is("::") && k + 2 < tokens.size()
          && tokens.get(k + 2).isWord("interval")
          && !(k + 3 < tokens.size() && tokens.get(k + 3).is("("))) {
        String rewritten = intervals(token.value());
        if (rewritten != null) {
          replacement[k] = rewritten;
          skipTo[k] = k + 2;
          k += 2;
        }
      }
    }
  }

  /**
   * Parenthesises every {@code operand::type} so the cast binds to the operand alone, as in
   * PostgreSQL: {@code a AND b::int = c} becomes {@code a AND (b::int) = c}.
   */
  private static Map<Integer, Integer> parenthesiseCasts(List<Token> tokens, int[] opens,
      int[] closes, int[] skipTo) {
    boolean[] skipped = new boolean[tokens.size()];
    for (int k = 0; k < tokens.size(); k++) {
      for (int m = k + 1; m <= skipTo[k]; m++) {
        skipped[m] = true; // inside a replaced interval literal
      }
    }
    // for a token ending a parenthesised cast, where that cast's operand starts
    Map<Integer, Integer> castStarts = new HashMap<>();
    for (int k = 1; k < tokens.size(); k++) {
      if (!tokens.get(k).is("::") || skipped[k]) {
        continue;
      }
      int start = operandStart(tokens, k - 1, castStarts);
      int end = typeEnd(tokens, k + 1);
      if (start < 0 || end < 0) {
        continue;
      }
      opens[start]++;
      closes[end]++;
      castStarts.put(end, start);
    }
    return castStarts;
  }

  /** The first token of the primary expression whose last token is {@code last}, or -1. */
  static int operandStart(List<Token> tokens, int last) {
    return operandStart(tokens, last, Map.of());
  }

  private static int operandStart(List<Token> tokens, int last, Map<Integer, Integer> castStarts) {
    Integer cast = castStarts.get(last);
    if (cast != null) {
      return cast;
    }
    Token token = tokens.get(last);
    int start;
    if (token.is(")") || token.is("]")) {
      start = matching(tokens, last);
      if (start < 0) {
        return -1;
      }
      if (token.is("]") || (start > 0 && isFunctionName(tokens.get(start - 1)))) {
        // a function call includes its name; a subscript its array
        int before = start - 1;
        if (before >= 0 && (isName(tokens.get(before)) || tokens.get(before).is(")")
            || tokens.get(before).is("]") || tokens.get(before).kind() == Kind.STRING)) {
          return operandStart(tokens, before, castStarts);
        }
      }
      return start;
    }
    if (isName(token)) {
      start = last;
      // a qualified name: a.b.c
      while (start >= 2 && tokens.get(start - 1).is(".") && isName(tokens.get(start - 2))) {
        start -= 2;
      }
      return start;
    }
    if (token.kind() == Kind.STRING || token.kind() == Kind.NUMBER
        || token.kind() == Kind.BIT_STRING || token.kind() == Kind.PARAMETER
        || token.kind() == Kind.POSITIONAL_PARAMETER) {
      // a typed literal (date '...') includes its type name
      if (token.kind() == Kind.STRING && last > 0 && tokens.get(last - 1).kind() == Kind.WORD
          && isTypedLiteralKeyword(tokens.get(last - 1).value())) {
        return last - 1;
      }
      return last;
    }
    return -1;
  }

  private static boolean isTypedLiteralKeyword(String word) {
    return switch (word) {
      case "date", "time", "timestamp", "interval" -> true;
      default -> false;
    };
  }

  /** Keywords a parenthesised expression can follow that are not the name of a function. */
  private static final Set<String> NOT_FUNCTIONS = Set.of("and", "or", "not", "in", "is", "like",
      "ilike", "similar", "between", "select", "where", "from", "on", "when", "then", "else",
      "case", "exists", "any", "some", "all", "as", "by", "having", "over", "filter", "within",
      "values", "using", "join", "union", "intersect", "except", "distinct", "lateral", "limit",
      "offset", "escape", "return", "returning", "set", "to", "with", "recursive", "only",
      "order", "group", "window", "partition", "rows", "range", "groups", "fetch", "for", "into",
      "elsif", "default", "unique", "check", "references", "end", "inner", "outer", "left",
      "right", "full", "cross", "natural");

  private static boolean isFunctionName(Token token) {
    return token.kind() == Kind.QUOTED_IDENTIFIER
        || (token.kind() == Kind.WORD && !NOT_FUNCTIONS.contains(token.value()));
  }

  private static boolean isName(Token token) {
    return token.kind() == Kind.WORD || token.kind() == Kind.QUOTED_IDENTIFIER;
  }

  /** The opening bracket matching the closing one at {@code close}, or -1. */
  static int matchingOpen(List<Token> tokens, int close) {
    return matching(tokens, close);
  }

  private static int matching(List<Token> tokens, int close) {
    String closing = tokens.get(close).value();
    String opening = closing.equals(")") ? "(" : "[";
    int depth = 0;
    for (int k = close; k >= 0; k--) {
      if (tokens.get(k).is(closing)) {
        depth++;
      } else if (tokens.get(k).is(opening) && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  /** The last token of the type name starting at {@code from} (after {@code ::}), or -1. */
  private static int typeEnd(List<Token> tokens, int from) {
    if (from >= tokens.size() || !isName(tokens.get(from))) {
      return -1;
    }
    int end = from;
    while (end + 2 < tokens.size() && tokens.get(end + 1).is(".") && isName(tokens.get(end + 2))) {
      end += 2; // pg_catalog.int4
    }
    if (end + 1 < tokens.size() && TYPE_CONTINUATIONS.contains(tokens.get(end + 1).value())
        && tokens.get(end + 1).kind() == Kind.WORD) {
      end++;
    }
    // with / without time zone
    if (end + 3 < tokens.size() && (tokens.get(end + 1).isWord("with")
        || tokens.get(end + 1).isWord("without")) && tokens.get(end + 2).isWord("time")
        && tokens.get(end + 3).isWord("zone")) {
      end += 3;
    }
    if (end + 1 < tokens.size() && tokens.get(end + 1).is("(")) {
      int close = end + 1;
      while (close < tokens.size() && !tokens.get(close).is(")")) {
        close++;
      }
      if (close < tokens.size()) {
        end = close;
      }
    }
    while (end + 2 < tokens.size() && tokens.get(end + 1).is("[") && tokens.get(end + 2).is("]")) {
      end += 2;
    }
    return end;
  }

  /**
   * One literal's parts ({@code '1 day 12 hours'}) as one standard literal in the smallest unit
   * named ({@code INTERVAL '36' HOUR(2)}): a sum of literals would need parentheses that the SQL
   * rendered for PostgreSQL does not keep around a subtrahend. Null when the text is not such a
   * list of parts, or mixes months or years with days or smaller units, which have no common unit
   * (it is then left as written, and the parser names it).
   */
  private static String intervals(String parts) {
    if (!INTERVAL_PARTS.matcher(parts).matches()) {
      return null;
    }
    Matcher part = PART.matcher(parts);
    long[] totals = new long[SMALLEST.length];
    boolean yearMonth = false;
    boolean dayTime = false;
    int smallest = -1;
    while (part.find()) {
      String unit = part.group(2).toLowerCase(Locale.ROOT);
      int index = unitIndex(unit);
      long amount = Long.parseLong(part.group(1).replace("+", ""));
      totals[index] += unit.startsWith("week") ? amount * 7 : amount;
      smallest = Math.max(smallest, index);
      yearMonth |= index <= 1;
      dayTime |= index >= 2;
    }
    if (yearMonth && dayTime) {
      return null;
    }
    long total = 0;
    for (int i = yearMonth ? 0 : 2; i <= smallest; i++) {
      total = total * FACTOR[i] + totals[i];
    }
    return literal(total, SMALLEST[smallest]);
  }

  /** Units from the largest, and how many of the previous one each holds. */
  private static final String[] SMALLEST = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
  private static final long[] FACTOR = {1, 12, 1, 24, 60, 60};

  private static int unitIndex(String unit) {
    if (unit.startsWith("year")) {
      return 0;
    }
    if (unit.startsWith("mon")) {
      return 1;
    }
    if (unit.startsWith("day") || unit.startsWith("week")) {
      return 2;
    }
    if (unit.startsWith("hour")) {
      return 3;
    }
    return unit.startsWith("min") ? 4 : 5;
  }

  /** A standard interval literal, its leading precision wide enough for the value. */
  private static String literal(long amount, String unit) {
    int digits = Math.max(2, Long.toString(Math.abs(amount)).length());
    return "INTERVAL '" + amount + "' " + unit + "(" + digits + ")";
  }
}
