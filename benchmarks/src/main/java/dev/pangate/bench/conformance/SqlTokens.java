package dev.pangate.bench.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * PostgreSQL's lexical structure, as far as the runner needs it: words, quoted identifiers,
 * string constants of every prefix ({@code E''}, {@code U&''}, {@code B''}, {@code X''},
 * {@code N''}), dollar-quoted strings, numbers, and single punctuation characters; comments
 * ({@code --} and nested {@code /* *}{@code /}) and white space are skipped.
 *
 * <p>The runner keeps its own lexer on purpose: the engine's lexers are part of what it measures,
 * and an instrument that shared them could not see their mistakes.
 */
final class SqlTokens {

  /** What a token is. */
  enum Kind { WORD, QUOTED_IDENTIFIER, STRING, DOLLAR_STRING, NUMBER, PARAMETER, PUNCTUATION }

  /**
   * One token. {@code prefix} is the string constant's prefix in upper case ({@code ""},
   * {@code "E"}, {@code "U&"}, {@code "B"}, {@code "X"}, {@code "N"}); {@code depth} the number of
   * parentheses open before it.
   */
  record Token(Kind kind, String text, int start, int end, int depth, String prefix) {
    Token {
      Objects.requireNonNull(kind, "kind is null");
      Objects.requireNonNull(text, "text is null");
      Objects.requireNonNull(prefix, "prefix is null");
    }

    /** A word (keyword or unquoted identifier) equal to {@code word}, ignoring case. */
    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isPunctuation(char c) {
      return kind == Kind.PUNCTUATION && text.length() == 1 && text.charAt(0) == c;
    }

    /** The identifier this token names: a word folded to lower case, a quoted one as written. */
    String identifier() {
      if (kind == Kind.WORD) {
        return text.toLowerCase(Locale.ROOT);
      }
      if (kind == Kind.QUOTED_IDENTIFIER && text.startsWith("\"")) {
        return text.substring(1, text.length() - 1).replace("\"\"", "\"");
      }
      return null;
    }
  }

  private final String sql;
  private final boolean backslashEscapes;
  private int position;
  private int depth;

  private SqlTokens(String sql, boolean backslashEscapes) {
    this.sql = Objects.requireNonNull(sql, "sql is null");
    this.backslashEscapes = backslashEscapes;
  }

  /** Every token of {@code sql} as PostgreSQL reads it with standard_conforming_strings on. */
  static List<Token> of(String sql) {
    return of(sql, false);
  }

  /**
   * Every token; {@code standardConformingStringsOff} makes a backslash an escape in plain
   * {@code '...'} strings too, as PostgreSQL reads them with standard_conforming_strings off.
   */
  static List<Token> of(String sql, boolean standardConformingStringsOff) {
    SqlTokens lexer = new SqlTokens(sql, standardConformingStringsOff);
    List<Token> tokens = new ArrayList<>();
    for (Token token = lexer.next(); token != null; token = lexer.next()) {
      tokens.add(token);
    }
    return tokens;
  }

  /** A lexer positioned at {@code start}, for callers that interleave their own scanning. */
  static SqlTokens at(String sql, int start) {
    SqlTokens lexer = new SqlTokens(sql, false);
    lexer.position = start;
    return lexer;
  }

  int position() {
    return position;
  }

  /** Skips white space and comments; the next character's offset (the text's length at the end). */
  int skipSpace() {
    while (position < sql.length()) {
      char c = sql.charAt(position);
      if (Character.isWhitespace(c)) {
        position++;
      } else if (sql.startsWith("--", position)) {
        int newline = sql.indexOf('\n', position);
        position = newline < 0 ? sql.length() : newline + 1;
      } else if (sql.startsWith("/*", position)) {
        skipBlockComment();
      } else {
        break;
      }
    }
    return position;
  }

  private void skipBlockComment() {
    int nesting = 0;
    while (position < sql.length()) {
      if (sql.startsWith("/*", position)) {
        nesting++;
        position += 2;
      } else if (sql.startsWith("*/", position)) {
        nesting--;
        position += 2;
        if (nesting == 0) {
          return;
        }
      } else {
        position++;
      }
    }
  }

  /** The next token, or null at the end. An unterminated quote runs to the end of the text. */
  Token next() {
    skipSpace();
    if (position >= sql.length()) {
      return null;
    }
    int start = position;
    char c = sql.charAt(position);
    int tokenDepth = depth;
    if (c == '\'') {
      return string(start, "", position, backslashEscapes);
    }
    if (c == '"') {
      position = quotedEnd(position, '"', false);
      return new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, position), start, position, tokenDepth, "");
    }
    if ((c == 'U' || c == 'u') && sql.startsWith("&'", position + 1)) {
      return string(start, "U&", position + 2, false);
    }
    if ((c == 'U' || c == 'u') && sql.startsWith("&\"", position + 1)) {
      position = quotedEnd(position + 2, '"', false);
      return new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, position), start, position, tokenDepth, "U&");
    }
    if ("EeBbXxNn".indexOf(c) >= 0 && position + 1 < sql.length() && sql.charAt(position + 1) == '\'') {
      String prefix = String.valueOf(Character.toUpperCase(c));
      return string(start, prefix, position + 1, prefix.equals("E") || (prefix.equals("N") && backslashEscapes));
    }
    if (c == '$') {
      Token dollar = dollar(start, tokenDepth);
      if (dollar != null) {
        return dollar;
      }
    }
    if (Character.isLetter(c) || c == '_' || c > 127) {
      position++;
      while (position < sql.length()) {
        char d = sql.charAt(position);
        if (Character.isLetterOrDigit(d) || d == '_' || d == '$' || d > 127) {
          position++;
        } else {
          break;
        }
      }
      return new Token(Kind.WORD, sql.substring(start, position), start, position, tokenDepth, "");
    }
    if (Character.isDigit(c) || (c == '.' && position + 1 < sql.length() && Character.isDigit(sql.charAt(position + 1)))) {
      position = numberEnd(position);
      return new Token(Kind.NUMBER, sql.substring(start, position), start, position, tokenDepth, "");
    }
    position++;
    if (c == '(') {
      depth++;
    } else if (c == ')') {
      depth = Math.max(0, depth - 1);
      tokenDepth = depth;
    }
    return new Token(Kind.PUNCTUATION, String.valueOf(c), start, position, tokenDepth, "");
  }

  private Token string(int start, String prefix, int quote, boolean escapes) {
    position = quotedEnd(quote, '\'', escapes);
    return new Token(Kind.STRING, sql.substring(start, position), start, position, depth, prefix);
  }

  /** The offset after the closing quote of a quoted item opening at {@code open}. */
  private int quotedEnd(int open, char quote, boolean backslash) {
    int i = open + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslash && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return sql.length();
  }

  private Token dollar(int start, int tokenDepth) {
    int i = start + 1;
    if (i < sql.length() && Character.isDigit(sql.charAt(i))) {
      while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
        i++;
      }
      position = i;
      return new Token(Kind.PARAMETER, sql.substring(start, i), start, i, tokenDepth, "");
    }
    while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    if (i >= sql.length() || sql.charAt(i) != '$') {
      return null;
    }
    String tag = sql.substring(start, i + 1);
    int close = sql.indexOf(tag, i + 1);
    position = close < 0 ? sql.length() : close + tag.length();
    return new Token(Kind.DOLLAR_STRING, sql.substring(start, position), start, position, tokenDepth, "$");
  }

  private int numberEnd(int i) {
    while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
      i++;
    }
    if (i < sql.length() && sql.charAt(i) == '.' && !sql.startsWith("..", i)) {
      i++;
      while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
        i++;
      }
    }
    if (i < sql.length() && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < sql.length() && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
        j++;
      }
      if (j < sql.length() && Character.isDigit(sql.charAt(j))) {
        i = j;
        while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }
}
