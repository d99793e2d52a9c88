package dev.pangate.masking.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PostgreSQL's lexical rules, once, for every piece of pangate that reads SQL text before a
 * parser does (the engine's pre-parsing, the literal lifter, row-filter bindings). It follows
 * PostgreSQL 15's scanner with {@code standard_conforming_strings = on}:
 *
 * <ul>
 *   <li>comments: {@code -- ...} to the end of the line, and {@code /* ... *}{@code /}, nested;
 *   <li>identifiers: unquoted (folded to lower case), {@code "quoted"} (with {@code ""} for a
 *       quote) and {@code U&"..."} with Unicode escapes;
 *   <li>strings: {@code '...'} (a backslash is an ordinary character, {@code ''} a quote),
 *       {@code E'...'} with backslash escapes, {@code U&'...'} with Unicode escapes and an
 *       optional {@code UESCAPE}, {@code N'...'}, dollar quoting ({@code $$...$$},
 *       {@code $tag$...$tag$}), and strings continued on the next line ({@code 'a'}, newline,
 *       {@code 'b'} is {@code 'ab'}); bit strings ({@code B'...'}, {@code X'...'});
 *   <li>numbers, operators (PostgreSQL's rule for a trailing {@code +} or {@code -}),
 *       punctuation, {@code ?} and {@code $n} parameters.
 * </ul>
 *
 * <p>Each token keeps its place in the text, so callers rewrite the text exactly; strings carry
 * their value, decoded.
 */
public final class SqlLexer {

  /** What a token is. */
  public enum Kind {
    /** A keyword or unquoted identifier; {@link Token#value()} is folded to lower case. */
    WORD,
    /** A double-quoted identifier; {@link Token#value()} is its name. */
    QUOTED_IDENTIFIER,
    /** A character string; {@link Token#value()} is its content. */
    STRING,
    /** A bit string ({@code B'0101'}, {@code X'1F'}); {@link Token#value()} is its digits. */
    BIT_STRING,
    NUMBER,
    OPERATOR,
    /** One of {@code ( ) [ ] , ; . :} (and {@code ::} is an {@link #OPERATOR}). */
    PUNCTUATION,
    /** {@code ?}, a JDBC parameter. */
    PARAMETER,
    /** {@code $1}, a positional parameter. */
    POSITIONAL_PARAMETER
  }

  /** How a string was written. */
  public enum StringForm { PLAIN, ESCAPE, UNICODE, DOLLAR, NATIONAL, CONTINUED }

  /**
   * A token: {@code text.substring(start, end)} is how it was written.
   *
   * @param kind what it is
   * @param start where it starts in the text
   * @param end where it ends
   * @param value a word folded to lower case, an identifier's name, a string's content, else
   *     the token as written
   * @param form for strings, how it was written; else null
   */
  public record Token(Kind kind, int start, int end, String value, StringForm form) {
    public Token {
      requireNonNull(kind, "kind is null");
      requireNonNull(value, "value is null");
    }

    /** Whether this is the word {@code word} (a keyword or unquoted name, any case). */
    public boolean isWord(String word) {
      return kind == Kind.WORD && value.equals(word);
    }

    /** Whether this is the operator or punctuation {@code symbol}. */
    public boolean is(String symbol) {
      return (kind == Kind.OPERATOR || kind == Kind.PUNCTUATION) && value.equals(symbol);
    }
  }

  /** Text that is not SQL: an unterminated string, comment or quoted identifier, a bad escape. */
  public static final class LexException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int position;

    LexException(String message, int position) {
      super(message);
      this.position = position;
    }

    /** Where in the text (zero-based). */
    public int position() {
      return position;
    }
  }

  private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

  private final String sql;
  private final int n;
  private int i;
  private final List<Token> tokens = new ArrayList<>();

  private SqlLexer(String sql) {
    this.sql = sql;
    this.n = sql.length();
  }

  /** The tokens of a statement, comments and white space left out. */
  public static List<Token> tokenize(String sql) {
    SqlLexer lexer = new SqlLexer(requireNonNull(sql, "sql is null"));
    lexer.run();
    return List.copyOf(lexer.tokens);
  }

  /** Line and column (one-based) of a position, for messages. */
  public static String where(String sql, int position) {
    int line = 1;
    int column = 1;
    for (int k = 0; k < position && k < sql.length(); k++) {
      if (sql.charAt(k) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return "line " + line + ", column " + column;
  }

  /** A string's content as a standard SQL literal: quoted, with {@code ''} for each quote. */
  public static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private void run() {
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && peek(1) == '-') {
        skipLineComment();
      } else if (c == '/' && peek(1) == '*') {
        skipBlockComment();
      } else if (c == '\'') {
        string(i, i, StringForm.PLAIN);
      } else if ((c == 'e' || c == 'E') && peek(1) == '\'') {
        string(i, i + 1, StringForm.ESCAPE);
      } else if ((c == 'n' || c == 'N') && peek(1) == '\'') {
        string(i, i + 1, StringForm.NATIONAL);
      } else if ((c == 'u' || c == 'U') && peek(1) == '&' && peek(2) == '\'') {
        string(i, i + 2, StringForm.UNICODE);
      } else if ((c == 'u' || c == 'U') && peek(1) == '&' && peek(2) == '"') {
        quotedIdentifier(i, i + 2, true);
      } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X') && peek(1) == '\'') {
        bitString(c);
      } else if (c == '"') {
        quotedIdentifier(i, i, false);
      } else if (c == '$' && Character.isDigit(peek(1))) {
        int j = i + 1;
        while (j < n && Character.isDigit(sql.charAt(j))) {
          j++;
        }
        add(Kind.POSITIONAL_PARAMETER, i, j, sql.substring(i, j), null);
        i = j;
      } else if (c == '$' && dollarTagEnd(i) > 0) {
        dollarString();
      } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
        number();
      } else if (isIdentifierStart(c)) {
        int j = i + 1;
        while (j < n && isIdentifierPart(sql.charAt(j))) {
          j++;
        }
        add(Kind.WORD, i, j, fold(sql.substring(i, j)), null);
        i = j;
      } else if (c == ':' && peek(1) == ':') {
        add(Kind.OPERATOR, i, i + 2, "::", null);
        i += 2;
      } else if ("()[],;.:".indexOf(c) >= 0) {
        add(Kind.PUNCTUATION, i, i + 1, String.valueOf(c), null);
        i++;
      } else if (c == '?' && !isOperatorChar(peek(1))) {
        add(Kind.PARAMETER, i, i + 1, "?", null);
        i++;
      } else if (isOperatorChar(c)) {
        operator();
      } else {
        throw new LexException("unexpected character '" + c + "'", i);
      }
    }
  }

  private char peek(int ahead) {
    return i + ahead < n ? sql.charAt(i + ahead) : '\0';
  }

  private void add(Kind kind, int start, int end, String value, StringForm form) {
    tokens.add(new Token(kind, start, end, value, form));
  }

  private void skipLineComment() {
    while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
      i++;
    }
  }

  private void skipBlockComment() {
    int start = i;
    int depth = 0;
    while (i < n) {
      if (sql.charAt(i) == '/' && peek(1) == '*') {
        depth++;
        i += 2;
      } else if (sql.charAt(i) == '*' && peek(1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return;
        }
      } else {
        i++;
      }
    }
    throw new LexException("unterminated /* comment", start);
  }

  /** A string starting at {@code start} whose opening quote is at {@code quote}. */
  private void string(int start, int quote, StringForm form) {
    StringBuilder value = new StringBuilder();
    int end = quoted(quote, form, value);
    boolean continued = false;
    // 'a' <white space with a newline> 'b' is one string 'ab'
    while (true) {
      int next = continuation(end);
      if (next < 0) {
        break;
      }
      end = quoted(next, form, value);
      continued = true;
    }
    String content = value.toString();
    if (form == StringForm.UNICODE) {
      int[] after = {end};
      content = unicode(content, uescape(after), start);
      end = after[0];
    }
    add(Kind.STRING, start, end, content, continued && form == StringForm.PLAIN
        ? StringForm.CONTINUED : form);
    i = end;
  }

  /** Where a continuation string's quote is, after {@code from}, or -1. */
  private int continuation(int from) {
    int j = from;
    boolean newline = false;
    while (j < n && Character.isWhitespace(sql.charAt(j))) {
      newline |= sql.charAt(j) == '\n' || sql.charAt(j) == '\r';
      j++;
    }
    // comments between the parts end the string, as in PostgreSQL
    return newline && j < n && sql.charAt(j) == '\'' ? j : -1;
  }

  /**
   * Reads a quoted part from its opening quote; appends its content (escapes decoded for
   * {@link StringForm#ESCAPE}, kept for {@link StringForm#UNICODE}); returns where it ends.
   */
  private int quoted(int quote, StringForm form, StringBuilder value) {
    int j = quote + 1;
    while (j < n) {
      char c = sql.charAt(j);
      if (c == '\'') {
        if (j + 1 < n && sql.charAt(j + 1) == '\'') {
          value.append('\'');
          j += 2;
          continue;
        }
        return j + 1;
      }
      if (c == '\\' && form == StringForm.ESCAPE) {
        j = escape(j, value);
        continue;
      }
      value.append(c);
      j++;
    }
    throw new LexException("unterminated quoted string", quote);
  }

  /** Decodes one backslash escape of an E'' string at {@code j}; returns the position after it. */
  private int escape(int j, StringBuilder value) {
    if (j + 1 >= n) {
      throw new LexException("unterminated quoted string", j);
    }
    char c = sql.charAt(j + 1);
    switch (c) {
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case 'n' -> value.append('\n');
      case 'r' -> value.append('\r');
      case 't' -> value.append('\t');
      case 'x' -> {
        int k = j + 2;
        int code = 0;
        while (k < n && k < j + 4 && Character.digit(sql.charAt(k), 16) >= 0) {
          code = code * 16 + Character.digit(sql.charAt(k), 16);
          k++;
        }
        if (k == j + 2) {
          value.append('x'); // \x without digits is the letter x
          return j + 2;
        }
        appendByte(code, value, j);
        return k;
      }
      case 'u', 'U' -> {
        int digits = c == 'u' ? 4 : 8;
        int code = hex(j + 2, digits, j);
        appendCodePoint(code, value, j);
        return j + 2 + digits;
      }
      default -> {
        if (c >= '0' && c <= '7') {
          int k = j + 1;
          int code = 0;
          while (k < n && k < j + 4 && sql.charAt(k) >= '0' && sql.charAt(k) <= '7') {
            code = code * 8 + (sql.charAt(k) - '0');
            k++;
          }
          appendByte(code & 0xFF, value, j);
          return k;
        }
        value.append(c); // \\, \', and any other character stand for themselves
      }
    }
    return j + 2;
  }

  /** A byte escape: pangate's text is Unicode, so only ASCII bytes are exact. */
  private static void appendByte(int code, StringBuilder value, int at) {
    if (code == 0) {
      throw new LexException("a string may not contain the character 0", at);
    }
    if (code > 0x7F) {
      throw new LexException("byte escapes above \\x7F are not supported; use \\u escapes", at);
    }
    value.append((char) code);
  }

  private int hex(int from, int digits, int at) {
    if (from + digits > n) {
      throw new LexException("invalid Unicode escape", at);
    }
    int code = 0;
    for (int k = from; k < from + digits; k++) {
      int digit = Character.digit(sql.charAt(k), 16);
      if (digit < 0) {
        throw new LexException("invalid Unicode escape", at);
      }
      code = code * 16 + digit;
    }
    return code;
  }

  private static void appendCodePoint(int code, StringBuilder value, int at) {
    if (code == 0 || code > Character.MAX_CODE_POINT) {
      throw new LexException("invalid Unicode escape value", at);
    }
    value.appendCodePoint(code);
  }

  /** The escape character of a U&'' string ({@code UESCAPE 'c'} after it, else backslash). */
  private char uescape(int[] after) {
    int j = after[0];
    while (j < n && Character.isWhitespace(sql.charAt(j))) {
      j++;
    }
    if (j + 7 <= n && sql.regionMatches(true, j, "uescape", 0, 7)
        && (j + 7 == n || !isIdentifierPart(sql.charAt(j + 7)))) {
      int k = j + 7;
      while (k < n && Character.isWhitespace(sql.charAt(k))) {
        k++;
      }
      if (k + 2 < n && sql.charAt(k) == '\'' && sql.charAt(k + 2) == '\'') {
        char escape = sql.charAt(k + 1);
        if (Character.digit(escape, 16) >= 0 || escape == '+' || escape == '\''
            || escape == '"' || Character.isWhitespace(escape)) {
          throw new LexException("invalid Unicode escape character", k);
        }
        after[0] = k + 3;
        return escape;
      }
      throw new LexException("UESCAPE must be followed by a simple string literal", j);
    }
    return '\\';
  }

  /** Decodes U&'' (or U&"") escapes: {@code \XXXX}, {@code \+XXXXXX}, surrogate pairs. */
  private static String unicode(String raw, char escape, int at) {
    StringBuilder out = new StringBuilder(raw.length());
    int k = 0;
    while (k < raw.length()) {
      char c = raw.charAt(k);
      if (c != escape) {
        out.append(c);
        k++;
        continue;
      }
      if (k + 1 < raw.length() && raw.charAt(k + 1) == escape) {
        out.append(escape);
        k += 2;
        continue;
      }
      int digits = k + 1 < raw.length() && raw.charAt(k + 1) == '+' ? 6 : 4;
      int from = k + 1 + (digits == 6 ? 1 : 0);
      if (from + digits > raw.length()) {
        throw new LexException("invalid Unicode escape", at);
      }
      int code = 0;
      for (int d = from; d < from + digits; d++) {
        int digit = Character.digit(raw.charAt(d), 16);
        if (digit < 0) {
          throw new LexException("invalid Unicode escape", at);
        }
        code = code * 16 + digit;
      }
      k = from + digits;
      if (Character.isHighSurrogate((char) code) && code <= 0xFFFF) {
        // the low half must follow as another escape
        if (k + 5 <= raw.length() && raw.charAt(k) == escape) {
          int low = Integer.parseInt(raw.substring(k + 1, k + 5), 16);
          if (Character.isLowSurrogate((char) low)) {
            out.appendCodePoint(Character.toCodePoint((char) code, (char) low));
            k += 5;
            continue;
          }
        }
        throw new LexException("invalid Unicode surrogate pair", at);
      }
      if (code <= 0xFFFF && Character.isSurrogate((char) code)) {
        throw new LexException("invalid Unicode surrogate pair", at);
      }
      appendCodePoint(code, out, at);
    }
    return out.toString();
  }

  private void quotedIdentifier(int start, int quote, boolean unicode) {
    StringBuilder name = new StringBuilder();
    int j = quote + 1;
    while (true) {
      if (j >= n) {
        throw new LexException("unterminated quoted identifier", start);
      }
      char c = sql.charAt(j);
      if (c == '"') {
        if (j + 1 < n && sql.charAt(j + 1) == '"') {
          name.append('"');
          j += 2;
          continue;
        }
        j++;
        break;
      }
      name.append(c);
      j++;
    }
    String value = name.toString();
    if (unicode) {
      int[] after = {j};
      value = unicode(value, uescape(after), start);
      j = after[0];
    }
    if (value.isEmpty()) {
      throw new LexException("zero-length delimited identifier", start);
    }
    add(Kind.QUOTED_IDENTIFIER, start, j, value, null);
    i = j;
  }

  private void bitString(char prefix) {
    int start = i;
    StringBuilder digits = new StringBuilder();
    int end = quoted(i + 1, StringForm.PLAIN, digits);
    add(Kind.BIT_STRING, start, end, Character.toLowerCase(prefix) + digits.toString(), null);
    i = end;
  }

  /** The end of a dollar-quote tag ({@code $tag$}) starting at {@code at}, or -1. */
  private int dollarTagEnd(int at) {
    int j = at + 1;
    if (j < n && sql.charAt(j) == '$') {
      return j + 1;
    }
    if (j >= n || !(Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_'
        || sql.charAt(j) >= 0x80)) {
      return -1;
    }
    while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
        || sql.charAt(j) >= 0x80)) {
      j++;
    }
    return j < n && sql.charAt(j) == '$' ? j + 1 : -1;
  }

  private void dollarString() {
    int start = i;
    int tagEnd = dollarTagEnd(i);
    String tag = sql.substring(i, tagEnd);
    int close = sql.indexOf(tag, tagEnd);
    if (close < 0) {
      throw new LexException("unterminated dollar-quoted string", start);
    }
    add(Kind.STRING, start, close + tag.length(), sql.substring(tagEnd, close), StringForm.DOLLAR);
    i = close + tag.length();
  }

  private void number() {
    int j = i;
    while (j < n && Character.isDigit(sql.charAt(j))) {
      j++;
    }
    if (j < n && sql.charAt(j) == '.' && !(j + 1 < n && sql.charAt(j + 1) == '.')) {
      j++;
      while (j < n && Character.isDigit(sql.charAt(j))) {
        j++;
      }
    }
    if (j < n && (sql.charAt(j) == 'e' || sql.charAt(j) == 'E')) {
      int k = j + 1;
      if (k < n && (sql.charAt(k) == '+' || sql.charAt(k) == '-')) {
        k++;
      }
      if (k < n && Character.isDigit(sql.charAt(k))) {
        while (k < n && Character.isDigit(sql.charAt(k))) {
          k++;
        }
        j = k;
      }
    }
    add(Kind.NUMBER, i, j, sql.substring(i, j), null);
    i = j;
  }

  /**
   * PostgreSQL's operator rule: the longest run of operator characters, stopping at a comment
   * start; a run of several that ends in {@code +} or {@code -} loses it unless the run holds one
   * of {@code ~ ! @ # % ^ & | ` ?}.
   */
  private void operator() {
    int j = i;
    while (j < n && isOperatorChar(sql.charAt(j))) {
      if (j > i && ((sql.charAt(j) == '-' && j + 1 < n && sql.charAt(j + 1) == '-')
          || (sql.charAt(j) == '/' && j + 1 < n && sql.charAt(j + 1) == '*'))) {
        break;
      }
      j++;
    }
    int end = j;
    if (end - i > 1) {
      boolean special = false;
      for (int k = i; k < end; k++) {
        special |= "~!@#%^&|`?".indexOf(sql.charAt(k)) >= 0;
      }
      while (!special && end - i > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
        end--;
      }
    }
    add(Kind.OPERATOR, i, end, sql.substring(i, end), null);
    i = end;
  }

  private static boolean isOperatorChar(char c) {
    return c != '\0' && OPERATOR_CHARS.indexOf(c) >= 0;
  }

  private static boolean isIdentifierStart(char c) {
    return Character.isLetter(c) || c == '_' || c >= 0x80;
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c >= 0x80;
  }

  /** PostgreSQL folds unquoted names to lower case (ASCII letters). */
  private static String fold(String word) {
    return word.toLowerCase(Locale.ROOT);
  }
}
