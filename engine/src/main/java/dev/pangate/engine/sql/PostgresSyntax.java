package dev.pangate.engine.sql;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL spellings that Calcite's Babel parser reads differently, mended before parsing:
 *
 * <ul>
 *   <li>interval literals with the unit inside the string ({@code interval '30 days'}) become
 *       {@code INTERVAL '30' DAY}, and with several ({@code interval '1 day 2 hours'}) one literal
 *       in the smallest unit ({@code INTERVAL '26' HOUR(2)}); so does a string cast to an interval
 *       ({@code '30 days'::interval});
 *   <li>{@code ::} binds tighter than any operator in PostgreSQL, but Babel applies it to the
 *       whole expression on its left ({@code a AND b::int} as {@code (a AND b)::int}); each
 *       {@code operand::type} is parenthesised first.
 * </ul>
 */
public final class PostgresSyntax {

  private static final String UNIT =
      "(years?|mons?|months?|weeks?|days?|hours?|mins?|minutes?|secs?|seconds?)";
  private static final Pattern INTERVAL = Pattern.compile(
      "(?i)\\binterval\\s*'((?:\\s*[+-]?\\d+\\s*" + UNIT + "\\s*,?)+)\\s*'");
  private static final Pattern PART = Pattern.compile("(?i)([+-]?\\d+)\\s*" + UNIT);
  /** {@code '30 days'::interval}, PostgreSQL's cast of a string to an interval. */
  private static final Pattern CAST_TO_INTERVAL = Pattern.compile(
      "'((?:\\s*[+-]?\\d+\\s*" + UNIT + "\\s*,?)+)\\s*'\\s*::\\s*interval\\b",
      Pattern.CASE_INSENSITIVE);

  private PostgresSyntax() {}

  /** Rewrites PostgreSQL interval literals outside other string literals and comments. */
  public static String beforeParsing(String sql) {
    String text = sql.contains("::") ? parenthesiseCasts(sql) : sql;
    return text.toLowerCase(Locale.ROOT).indexOf("interval") < 0 ? text : rewriteIntervals(text);
  }

  private static String rewriteIntervals(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      Matcher cast = c == '\'' ? CAST_TO_INTERVAL.matcher(sql).region(i, n) : null;
      String castInterval = cast != null && cast.lookingAt() ? intervals(cast.group(1)) : null;
      if (castInterval != null) {
        out.append(castInterval);
        i = cast.end();
      } else if (c == '\'' || c == '"') {
        int end = skipQuoted(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if ((c == 'i' || c == 'I') && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
        Matcher matcher = INTERVAL.matcher(sql).region(i, n);
        String rewritten = matcher.lookingAt() ? intervals(matcher.group(1)) : null;
        if (rewritten != null) {
          out.append(rewritten);
          i = matcher.end();
        } else {
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static int skipQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  /**
   * One literal's parts ({@code '1 day 12 hours'}) as one standard literal in the smallest unit
   * named ({@code INTERVAL '36' HOUR(2)}): a sum of literals would need parentheses that the SQL
   * rendered for PostgreSQL does not keep around a subtrahend. Null when the literal mixes months
   * or years with days or smaller units, which have no common unit (it is then left as written,
   * and the parser names it).
   */
  private static String intervals(String parts) {
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

  /**
   * Parenthesises every {@code operand::type} so the cast binds to the operand alone, as in
   * PostgreSQL: {@code a AND b::int = c} becomes {@code a AND (b::int) = c}.
   */
  static String parenthesiseCasts(String sql) {
    StringBuilder text = new StringBuilder(sql);
    int i = 0;
    while (i < text.length() - 1) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(text.toString(), i, c);
        continue;
      }
      if (c == '-' && text.charAt(i + 1) == '-') {
        int end = text.indexOf("\n", i);
        i = end < 0 ? text.length() : end;
        continue;
      }
      if (c == ':' && text.charAt(i + 1) == ':') {
        int start = operandStart(text, i);
        int end = typeEnd(text, i + 2);
        if (start >= 0 && end > i + 2) {
          text.insert(end, ')');
          text.insert(start, '(');
          i = end + 2;
          continue;
        }
      }
      i++;
    }
    return text.toString();
  }

  /** Where the primary expression ending just before {@code position} starts, or -1. */
  private static int operandStart(CharSequence text, int position) {
    int i = position - 1;
    while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
      i--;
    }
    if (i < 0) {
      return -1;
    }
    char c = text.charAt(i);
    if (c == ')') {
      int depth = 0;
      for (; i >= 0; i--) {
        char d = text.charAt(i);
        if (d == ')') {
          depth++;
        } else if (d == '(' && --depth == 0) {
          break;
        }
      }
      if (i < 0) {
        return -1;
      }
      int nameEnd = i;
      while (i > 0 && isNameChar(text.charAt(i - 1))) {
        i--;
      }
      return i < nameEnd ? i : nameEnd; // a function call includes its name
    }
    if (c == '\'') {
      i--;
      while (i >= 0) {
        if (text.charAt(i) == '\'') {
          if (i > 0 && text.charAt(i - 1) == '\'') {
            i -= 2;
            continue;
          }
          return i;
        }
        i--;
      }
      return -1;
    }
    if (!isNameChar(c) && c != '"') {
      return -1;
    }
    while (i > 0 && (isNameChar(text.charAt(i - 1)) || text.charAt(i - 1) == '"')) {
      i--;
    }
    return i;
  }

  /** Where the type name starting at {@code from} (after {@code ::}) ends. */
  private static int typeEnd(CharSequence text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    int start = i;
    while (i < text.length() && (isNameChar(text.charAt(i)) && text.charAt(i) != '.')) {
      i++;
    }
    if (i == start) {
      return -1;
    }
    String lower = text.subSequence(i, Math.min(text.length(), i + 24)).toString().toLowerCase(Locale.ROOT);
    for (String more : List.of(" precision", " varying", " with time zone", " without time zone")) {
      if (lower.startsWith(more)) {
        i += more.length();
        break;
      }
    }
    int j = i;
    while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
      j++;
    }
    if (j < text.length() && text.charAt(j) == '(') {
      int close = j;
      while (close < text.length() && text.charAt(close) != ')') {
        close++;
      }
      if (close < text.length()) {
        i = close + 1;
      }
    }
    return i;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
  }
}
