package dev.pangate.engine.sql;

import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * PostgreSQL's array spellings that Calcite's parser does not read, mended on PostgreSQL's tokens
 * before parsing (part of {@link PostgresSyntax#beforeParsing}):
 *
 * <ul>
 *   <li>array types, {@code '{4,140}'::float8[]}, {@code cast(x as int[])}, {@code text[][]}:
 *       the standard {@code float8 ARRAY} (PostgreSQL ignores the number of dimensions a type
 *       names, so {@code [][]} is one {@code ARRAY});
 *   <li>the inner brackets of a multi-dimensional constructor, {@code array[[1,2],[3,4]]}:
 *       {@code ARRAY[ARRAY[1,2],ARRAY[3,4]]}, which is what PostgreSQL makes of them;
 *   <li>slices, {@code a[1:2]}, {@code a[2:]}, {@code a[:2]}: calls of {@link ArrayOperators}'
 *       slice functions, written back as PostgreSQL's slices for PostgreSQL.
 * </ul>
 */
final class ArraySyntax {

  private ArraySyntax() {}

  static void rewrite(List<Token> tokens, String[] replacement) {
    refuseParenthesisedSubscripts(tokens);
    rewriteTypes(tokens, replacement);
    rewriteNestedConstructors(tokens, replacement);
    rewriteSlices(tokens, replacement);
    rewriteSelectListUnnest(tokens, replacement);
    rewriteVariadic(tokens, replacement);
  }

  /**
   * {@code f(a, VARIADIC arr)}: PostgreSQL's call of {@code f} with the elements of {@code arr}
   * as its last arguments, as {@code pg_catalog."f"(a, pangate_variadic(arr))}: PostgreSQL's own
   * {@code f} (the call is typed and run by PostgreSQL) with a marker that is written back as
   * {@code VARIADIC arr}.
   */
  private static void rewriteVariadic(List<Token> tokens, String[] replacement) {
    for (int k = 2; k + 1 < tokens.size(); k++) {
      if (!tokens.get(k).isWord("variadic") || replacement[k] != null
          || !(tokens.get(k - 1).is("(") || tokens.get(k - 1).is(","))) {
        continue;
      }
      int open = k - 1;
      int depth = 0;
      while (open >= 0) {
        Token token = tokens.get(open);
        if (token.is(")") || token.is("]")) {
          depth++;
        } else if (token.is("(") || token.is("[")) {
          if (depth == 0) {
            break;
          }
          depth--;
        }
        open--;
      }
      if (open < 1 || !tokens.get(open).is("(") || tokens.get(open - 1).kind() != Kind.WORD) {
        continue;
      }
      int close = k + 1;
      depth = 0;
      while (close < tokens.size()) {
        Token token = tokens.get(close);
        if (token.is("(") || token.is("[")) {
          depth++;
        } else if (token.is(")") || token.is("]")) {
          if (depth == 0) {
            break;
          }
          depth--;
        }
        close++;
      }
      int name = open - 1;
      boolean qualified = name >= 2 && tokens.get(name - 1).is(".");
      if (close >= tokens.size() || replacement[close] != null
          || (replacement[name] != null && !qualified)) {
        continue;
      }
      if (!qualified) {
        replacement[name] = "pg_catalog.\"" + tokens.get(name).value() + "\"";
      }
      replacement[k] = ArrayOperators.VARIADIC.getName() + "(";
      replacement[close] = "))";
    }
  }

  /** Words that begin a clause of a query, after which a name is no longer in the select list. */
  private static final java.util.Set<String> CLAUSES = java.util.Set.of("select", "from", "where",
      "group", "having", "window", "order", "limit", "offset", "fetch", "union", "intersect",
      "except", "values", "qualify", "returning", "set", "on", "using");

  /**
   * {@code unnest(...)} in a select list, PostgreSQL's set-returning function there, as
   * {@code pg_catalog."unnest"(...)}: Calcite's parser reads {@code UNNEST} as its keyword, which
   * it accepts in FROM only (where Calcite's own UNNEST runs as before).
   */
  private static void rewriteSelectListUnnest(List<Token> tokens, String[] replacement) {
    Deque<String> clause = new ArrayDeque<>(); // the last clause word at each depth of parentheses
    clause.push("");
    for (int k = 0; k < tokens.size(); k++) {
      Token token = tokens.get(k);
      if (token.is("(")) {
        clause.push("");
      } else if (token.is(")")) {
        if (clause.size() > 1) {
          clause.pop();
        }
      } else if (token.kind() == Kind.WORD && CLAUSES.contains(token.value())) {
        clause.pop();
        clause.push(token.value());
      } else if (token.isWord("unnest") && "select".equals(clause.peek())
          && k + 1 < tokens.size() && tokens.get(k + 1).is("(") && replacement[k] == null
          && (k == 0 || !tokens.get(k - 1).is("."))) {
        replacement[k] = "pg_catalog.\"unnest\"";
      }
    }
  }

  /**
   * {@code (a[2])[1]} subscripts the element {@code a[2]} (NULL for a two-dimensional array),
   * where {@code a[2][1]} subscripts both dimensions; Calcite's parser reads both alike, so a
   * subscript or slice of a parenthesised subscript or slice is refused rather than answered as
   * the other.
   */
  private static void refuseParenthesisedSubscripts(List<Token> tokens) {
    for (int k = 2; k < tokens.size(); k++) {
      if (!tokens.get(k).is("[") || !tokens.get(k - 1).is(")") || !tokens.get(k - 2).is("]")) {
        continue;
      }
      int open = PostgresSyntax.matchingOpen(tokens, k - 2);
      // not a constructor's brackets (array[1,2]) nor a type's ('{1}'::int[])
      if (open > 0 && !tokens.get(open - 1).isWord("array") && open != k - 3) {
        throw new dev.pangate.engine.EngineException(dev.pangate.engine.ErrorCode.UNSUPPORTED_SQL,
            "pangate cannot keep the meaning of a subscript of a parenthesised subscript"
                + " ((a[2])[1]): write the subscripts as one chain (a[2][1], a[1:2][1]) for"
                + " PostgreSQL's reading of them, or select the element first in a sub-query.");
      }
    }
  }

  /** {@code type[]} (after a type name or its modifiers) as {@code type ARRAY}. */
  private static void rewriteTypes(List<Token> tokens, String[] replacement) {
    for (int k = 1; k + 1 < tokens.size(); k++) {
      if (!tokens.get(k).is("[") || !tokens.get(k + 1).is("]") || replacement[k] != null) {
        continue;
      }
      Token before = tokens.get(k - 1);
      boolean afterType = (before.kind() == Kind.WORD && !before.isWord("array"))
          || before.kind() == Kind.QUOTED_IDENTIFIER || before.is(")");
      if (!afterType) {
        continue;
      }
      replacement[k] = " ARRAY";
      replacement[k + 1] = "";
      // further dimensions name the same type
      int m = k + 2;
      while (m + 1 < tokens.size() && tokens.get(m).is("[") && tokens.get(m + 1).is("]")) {
        replacement[m] = "";
        replacement[m + 1] = "";
        m += 2;
      }
      k = m - 1;
    }
  }

  /** {@code [} opening an element of an array constructor as {@code ARRAY[}. */
  private static void rewriteNestedConstructors(List<Token> tokens, String[] replacement) {
    Deque<Boolean> open = new ArrayDeque<>(); // for each open bracket: an array constructor's
    for (int k = 0; k < tokens.size(); k++) {
      Token token = tokens.get(k);
      if (token.is("(")) {
        open.push(false);
      } else if (token.is("[")) {
        boolean constructor = k > 0 && tokens.get(k - 1).isWord("array");
        boolean element = !constructor && k > 0 && Boolean.TRUE.equals(open.peek())
            && (tokens.get(k - 1).is("[") || tokens.get(k - 1).is(","));
        if (element && replacement[k] == null) {
          replacement[k] = "ARRAY[";
        }
        open.push(constructor || element);
      } else if ((token.is(")") || token.is("]")) && !open.isEmpty()) {
        open.pop();
      }
    }
  }

  /**
   * {@code x[lower:upper]} as {@code pangate_array_slice(x, lower, upper)}, with
   * {@code pangate_array_slice_from} and {@code _to} when a bound is left out and
   * {@code pangate_array_slice_all} when both are.
   */
  private static void rewriteSlices(List<Token> tokens, String[] replacement) {
    for (int close = 0; close < tokens.size(); close++) {
      if (!tokens.get(close).is("]")) {
        continue;
      }
      int open = PostgresSyntax.matchingOpen(tokens, close);
      if (open < 1) {
        continue;
      }
      int colon = -1;
      int depth = 0;
      for (int m = open + 1; m < close; m++) {
        Token token = tokens.get(m);
        if (token.is("(") || token.is("[")) {
          depth++;
        } else if (token.is(")") || token.is("]")) {
          depth--;
        } else if (depth == 0 && token.is(":")) {
          colon = m;
          break;
        }
      }
      if (colon < 0) {
        continue;
      }
      int start = PostgresSyntax.operandStart(tokens, open - 1);
      if (start < 0 || replacement[start] != null && !replacement[start].isEmpty()
          && start != open - 1 && !replacement[start].startsWith(ArrayOperators.SLICE_PREFIX)) {
        continue; // a slice of a slice (a[1:2][2:3]) wraps the first one's call
      }
      boolean lower = colon > open + 1;
      boolean upper = close > colon + 1;
      String function = ArrayOperators.SLICE_PREFIX
          + (lower && upper ? "" : lower ? "_from" : upper ? "_to" : "_all");
      Token first = tokens.get(start);
      String firstText = replacement[start] != null ? replacement[start] : text(first);
      replacement[start] = function + "(" + firstText;
      replacement[open] = lower || upper ? "," : "";
      replacement[colon] = lower && upper ? "," : "";
      replacement[close] = ")";
    }
  }

  private static String text(Token token) {
    return switch (token.kind()) {
      case QUOTED_IDENTIFIER -> '"' + token.value().replace("\"", "\"\"") + '"';
      case STRING -> dev.pangate.masking.sql.SqlLexer.quote(token.value());
      default -> token.value();
    };
  }
}
