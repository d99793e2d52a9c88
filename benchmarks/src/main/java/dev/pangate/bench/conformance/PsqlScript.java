package dev.pangate.bench.conformance;

import dev.pangate.masking.sql.SqlLexer;
import dev.pangate.masking.sql.SqlLexer.Kind;
import dev.pangate.masking.sql.SqlLexer.LexException;
import dev.pangate.masking.sql.SqlLexer.StringForm;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A psql script (a file of PostgreSQL's regression suite) split the way psql reads it: SQL
 * statements ended by a semicolon outside parentheses and outside a {@code BEGIN ... END} function
 * body, psql meta-commands (a backslash outside quotes and comments, to the end of its line), and
 * the rows of a {@code COPY ... FROM STDIN} up to the line {@code \.}. The SQL is read with the
 * project's lexer ({@link SqlLexer}, PostgreSQL's lexical rules), and as PostgreSQL reads it after
 * {@code SET standard_conforming_strings = off}: a backslash then escapes the next character in a
 * plain {@code '...'} string too.
 *
 * <p>{@link SqlLexer} reads standard strings only and refuses text pangate never accepts (a
 * backslash outside a string, a byte escape above {@code \x7F}, a bad Unicode escape). Where psql
 * would still pass the text on, the splitter reads a copy of it with that piece made harmless (a
 * letter for a backslash, {@code ''} for an escaped quote) and keeps the statement as written: the
 * copy only decides where statements end. The splitter does not evaluate {@code \if} blocks.
 */
final class PsqlScript {

  /** One thing psql does with the script: a statement or a meta-command. */
  sealed interface Item permits Statement, MetaCommand {
    /** The line where it starts (a statement's first line with text after the one before it). */
    int line();

    /** Whether {@code standard_conforming_strings} was off when psql read it. */
    boolean scsOff();
  }

  /**
   * A SQL statement, without the semicolon that ended it.
   *
   * @param sql the statement as written, from its first token to its last
   * @param line where the text since the previous statement starts (comments included, as psql
   *     keeps them in its buffer)
   * @param scsOff read with standard_conforming_strings off
   * @param tokens its tokens, positions relative to {@code sql}
   * @param copyData for a {@code COPY ... FROM STDIN}, its rows (each ended by a newline); else null
   * @param endedBy the meta-command that sent it instead of a semicolon ({@code gset} for
   *     {@code \gset}), or null
   */
  record Statement(String sql, int line, boolean scsOff, List<Token> tokens, String copyData,
      String endedBy) implements Item {
    Statement {
      Objects.requireNonNull(sql, "sql is null");
      tokens = List.copyOf(tokens);
    }
  }

  /**
   * A psql meta-command.
   *
   * @param text the line from the backslash on, trailing white space removed
   * @param line its line
   * @param scsOff read with standard_conforming_strings off
   */
  record MetaCommand(String text, int line, boolean scsOff) implements Item {
    MetaCommand {
      Objects.requireNonNull(text, "text is null");
    }

    /** The command's name without the backslash ({@code set} for {@code \set x 1}). */
    String name() {
      int end = 1;
      while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      return text.substring(1, end);
    }

    /** The arguments after the name, trimmed. */
    String arguments() {
      return text.substring(1 + name().length()).trim();
    }
  }

  // meta-commands that send the statement in the buffer instead of a semicolon
  private static final Set<String> SENDING = Set.of("g", "gx", "gset", "gexec", "gdesc", "crosstabview", "watch");

  private enum Stop { END, BACKSLASH, UNTERMINATED }

  private record Lexed(List<Token> tokens, Stop stop, int at) {}

  private final String source;
  private final int length;
  // the script with meta-commands and COPY rows blanked (newlines kept): statements are cut from it
  private final char[] visible;
  // the same, with what the lexer refuses but psql passes on made harmless: statements are found in it
  private final char[] shadow;
  private final int[] lineStarts;
  private final List<Item> items = new ArrayList<>();
  private boolean scsOff;
  private int fixes;
  private int conditionals;

  private PsqlScript(String text, String source) {
    this.source = source;
    this.length = text.length();
    this.visible = text.toCharArray();
    this.shadow = text.toCharArray();
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < length; i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Splits a script into what psql does with it, in order.
   *
   * @param text the script
   * @param source its name, for messages
   * @throws IllegalArgumentException when a statement cannot be read (with the line)
   */
  static List<Item> split(String text, String source) {
    PsqlScript script = new PsqlScript(Objects.requireNonNull(text, "text is null"),
        Objects.requireNonNull(source, "source is null"));
    script.run();
    return List.copyOf(script.items);
  }

  private void run() {
    int position = 0;
    while (position < length) {
      position = chunk(position);
    }
  }

  /** Reads what starts at {@code position} (one statement or meta-command); returns where the next starts. */
  private int chunk(int position) {
    int limit = lineEnd(position);
    while (true) {
      Lexed lexed = lex(position, limit);
      int end = statementEnd(lexed.tokens());
      if (end >= 0) {
        Token semicolon = lexed.tokens().get(end);
        return statement(position, lexed.tokens().subList(0, end), semicolon.end(), null);
      }
      if (lexed.stop() == Stop.BACKSLASH) {
        int at = lexed.at();
        int metaEnd = lineEnd(at);
        MetaCommand meta = new MetaCommand(new String(visible, at, metaEnd - at).stripTrailing(), lineOf(at), scsOff);
        blank(at, metaEnd);
        if (lexed.tokens().isEmpty()) {
          // comments before a meta-command are not part of anything psql sends
          items.add(meta);
          return conditional(meta) ? length : metaEnd;
        }
        if (SENDING.contains(meta.name())) {
          return statement(position, lexed.tokens(), metaEnd, meta.name());
        }
        // a meta-command inside a statement: psql runs it and goes on filling its buffer
        items.add(meta);
        conditional(meta);
        continue;
      }
      if (limit >= length) {
        if (!lexed.tokens().isEmpty()) {
          // psql sends what is left in its buffer at the end of the script
          statement(position, lexed.tokens(), length, null);
        }
        return length;
      }
      limit = lineEnd(limit);
    }
  }

  /**
   * Follows {@code \if ... \endif} nesting; whether the meta-command ends the script: a
   * {@code \q} outside any {@code \if}. The splitter does not evaluate conditions and reads every
   * branch; a {@code \q} inside one is how a file stops where it cannot run, and is skipped.
   */
  private boolean conditional(MetaCommand meta) {
    switch (meta.name()) {
      case "if" -> conditionals++;
      case "endif" -> conditionals = Math.max(0, conditionals - 1);
      case "q", "quit" -> {
        return conditionals == 0;
      }
      default -> { }
    }
    return false;
  }

  /**
   * The index of the semicolon that ends the statement among {@code tokens}, or -1. As psql: not
   * inside parentheses, and not inside the {@code BEGIN ... END} body of a
   * {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE} (where {@code CASE ... END} nests too).
   */
  static int statementEnd(List<Token> tokens) {
    int parentheses = 0;
    int begins = 0;
    char[] leading = new char[4];
    int words = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.kind() == Kind.WORD) {
        String word = token.value();
        if (words < leading.length && Set.of("create", "function", "procedure", "or", "replace").contains(word)) {
          leading[words] = word.charAt(0);
        }
        words++;
        boolean routine = leading[0] == 'c' && (leading[1] == 'f' || leading[1] == 'p'
            || (leading[1] == 'o' && leading[2] == 'r' && (leading[3] == 'f' || leading[3] == 'p')));
        if (routine && parentheses == 0) {
          if (word.equals("begin")) {
            begins++;
          } else if (word.equals("case") && begins > 0) {
            begins++;
          } else if (word.equals("end") && begins > 0) {
            begins--;
          }
        }
      } else if (token.is("(")) {
        parentheses++;
      } else if (token.is(")")) {
        parentheses = Math.max(0, parentheses - 1);
      } else if (token.is(";") && parentheses == 0 && begins == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Records a statement of {@code tokens} (absolute positions); returns where the next text starts. */
  private int statement(int chunkStart, List<Token> tokens, int next, String endedBy) {
    if (tokens.isEmpty()) {
      // an empty statement (a lone semicolon): psql sends nothing
      return next;
    }
    List<Token> relative = new ArrayList<>(tokens.size());
    String sql = withoutComments(tokens, relative);
    int line = lineOf(firstText(chunkStart));
    boolean off = scsOff;
    String copyData = null;
    if (endedBy == null && CorpusClassifier.copiesFromStdin(relative)) {
      // psql sends the rows that follow, from the next line up to a line \.
      int dataStart = lineEnd(next);
      int cursor = dataStart;
      StringBuilder rows = new StringBuilder();
      while (cursor < length) {
        int lineEnd = lineEnd(cursor);
        String row = new String(visible, cursor, lineEnd - cursor);
        String content = row.endsWith("\n") ? row.substring(0, row.length() - 1) : row;
        if (content.endsWith("\r")) {
          content = content.substring(0, content.length() - 1);
        }
        cursor = lineEnd;
        if (content.equals("\\.")) {
          break;
        }
        rows.append(content).append('\n');
      }
      blank(dataStart, cursor);
      copyData = rows.toString();
    }
    items.add(new Statement(sql, line, off, relative, copyData, endedBy));
    Boolean setting = CorpusClassifier.standardConformingStrings(relative);
    if (setting != null) {
      scsOff = !setting;
    }
    return next;
  }

  /**
   * The statement's text from its first token to its last, without comments: a {@code --} comment
   * goes (its line's end stays), a block comment becomes a space. The tokens, placed in that
   * text, go to {@code relative}.
   */
  private String withoutComments(List<Token> tokens, List<Token> relative) {
    StringBuilder sql = new StringBuilder();
    for (int t = 0; t < tokens.size(); t++) {
      Token token = tokens.get(t);
      int start = sql.length();
      sql.append(visible, token.start(), token.end() - token.start());
      relative.add(new Token(token.kind(), start, sql.length(), token.value(), token.form()));
      if (t + 1 == tokens.size()) {
        break;
      }
      // between two tokens there is only white space and comments
      int i = token.end();
      int next = tokens.get(t + 1).start();
      while (i < next) {
        if (visible[i] == '-' && i + 1 < next && visible[i + 1] == '-') {
          while (i < next && visible[i] != '\n' && visible[i] != '\r') {
            i++;
          }
        } else if (visible[i] == '/' && i + 1 < next && visible[i + 1] == '*') {
          int depth = 0;
          while (i < next) {
            if (visible[i] == '/' && i + 1 < next && visible[i + 1] == '*') {
              depth++;
              i += 2;
            } else if (visible[i] == '*' && i + 1 < next && visible[i + 1] == '/') {
              i += 2;
              if (--depth == 0) {
                break;
              }
            } else {
              i++;
            }
          }
          sql.append(' ');
        } else {
          sql.append(visible[i]);
          i++;
        }
      }
    }
    return sql.toString();
  }

  /**
   * The tokens from {@code from} to {@code limit}, up to the first top-level backslash (a
   * meta-command) or unterminated string or comment (the statement goes on past {@code limit}).
   */
  private Lexed lex(int from, int limit) {
    while (true) {
      int before = fixes;
      Lexed lexed = lexOnce(from, limit);
      if (fixes == before) {
        return lexed;
      }
      if (fixes > length + 100) {
        throw new IllegalStateException(source + " " + where(from) + ": the statement could not be read");
      }
    }
  }

  /** One try; when it changes the shadow ({@code fixes} grows) the caller tries again. */
  private Lexed lexOnce(int from, int end) {
    List<Token> tokens;
    try {
      tokens = SqlLexer.tokenize(new String(shadow, from, end - from));
    } catch (LexException e) {
      int at = from + e.position();
      // the lexer reads left to right: what precedes its complaint is read as it will stay
      int before = fixes;
      Lexed prefix = lexOnce(from, at);
      if (fixes != before) {
        return prefix;
      }
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("unexpected character") && shadow[at] == '\\') {
        return new Lexed(prefix.tokens(), Stop.BACKSLASH, at);
      }
      if (message.startsWith("unterminated")) {
        // cut inside a string (a backslash at the very end), the prefix says where the string starts
        return prefix.stop() == Stop.END ? new Lexed(prefix.tokens(), Stop.UNTERMINATED, at) : prefix;
      }
      neutralise(at, message);
      return prefix;
    }
    List<Token> absolute = new ArrayList<>(tokens.size());
    for (Token token : tokens) {
      absolute.add(new Token(token.kind(), token.start() + from, token.end() + from, token.value(), token.form()));
    }
    return scsFix(new Lexed(absolute, Stop.END, end));
  }

  /**
   * With standard_conforming_strings off, the first plain string holding a backslash was read
   * wrongly (the backslash escapes the next character, a quote included): its escapes are made
   * harmless in the shadow, and {@code fixes} grows so that the text is read again.
   */
  private Lexed scsFix(Lexed lexed) {
    if (!scsOff) {
      return lexed;
    }
    for (Token token : lexed.tokens()) {
      if (token.kind() != Kind.STRING || !(token.form() == StringForm.PLAIN || token.form() == StringForm.CONTINUED
          || token.form() == StringForm.NATIONAL)) {
        continue;
      }
      boolean backslash = false;
      for (int i = token.start(); i < token.end(); i++) {
        backslash |= shadow[i] == '\\';
      }
      if (backslash) {
        escapeStringFrom(token.form() == StringForm.NATIONAL ? token.start() + 1 : token.start());
        fixes++;
        return lexed;
      }
    }
    return lexed;
  }

  /** Makes the escapes of a string with backslash escapes, opening at {@code quote}, harmless. */
  private void escapeStringFrom(int quote) {
    int i = quote + 1;
    while (i < length) {
      char c = shadow[i];
      if (c == '\\' && i + 1 < length) {
        if (shadow[i + 1] == '\'') {
          shadow[i] = '\'';
        } else {
          shadow[i] = 'x';
          if (shadow[i + 1] == '\\') {
            shadow[i + 1] = 'x';
          }
        }
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < length && shadow[i + 1] == '\'') {
          i += 2;
          continue;
        }
        // a string continued on a later line ('a' newline 'b') escapes the same way
        int j = i + 1;
        boolean newline = false;
        while (j < length && Character.isWhitespace(shadow[j])) {
          newline |= shadow[j] == '\n';
          j++;
        }
        if (newline && j < length && shadow[j] == '\'') {
          i = j + 1;
          continue;
        }
        return;
      } else {
        i++;
      }
    }
  }

  /** Makes harmless, in the shadow, a piece the lexer refused at {@code at} that psql passes on. */
  private void neutralise(int at, String message) {
    fixes++;
    if (message.startsWith("unexpected character")) {
      shadow[at] = ' ';
    } else if (shadow[at] == '\\') {
      shadow[at] = 'x'; // a byte or Unicode escape the lexer refuses: an ordinary letter
    } else if ((shadow[at] == 'U' || shadow[at] == 'u') && at + 1 < length && shadow[at + 1] == '&') {
      shadow[at] = ' '; // a U&'' string or U&"" name with a bad escape: read it as a plain one
      shadow[at + 1] = ' ';
    } else if (message.startsWith("zero-length delimited identifier") && shadow[at] == '"') {
      shadow[at] = 'x';
      shadow[at + 1] = 'x';
    } else if (message.startsWith("UESCAPE must be followed") || message.startsWith("invalid Unicode escape character")) {
      int word = at;
      if (!Character.isLetter(shadow[word])) {
        word--;
        while (word > 0 && Character.isWhitespace(shadow[word])) {
          word--;
        }
        word -= "uescape".length() - 1;
      }
      for (int i = Math.max(0, word); i < Math.min(length, word + "uescape".length()); i++) {
        shadow[i] = ' ';
      }
    } else {
      throw new IllegalArgumentException(source + " " + where(at) + ": cannot read the statement: " + message);
    }
  }

  private void blank(int from, int to) {
    for (int i = from; i < to && i < length; i++) {
      if (visible[i] != '\n') {
        visible[i] = ' ';
        shadow[i] = ' ';
      }
    }
  }

  /** The offset after the end of the line holding {@code at} (after its newline). */
  private int lineEnd(int at) {
    int line = lineIndex(at);
    return line + 1 < lineStarts.length ? lineStarts[line + 1] : length;
  }

  private int firstText(int from) {
    int i = from;
    while (i < length && Character.isWhitespace(visible[i])) {
      i++;
    }
    return i;
  }

  private int lineIndex(int at) {
    int low = 0;
    int high = lineStarts.length - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (lineStarts[middle] <= at) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  private int lineOf(int at) {
    return lineIndex(Math.min(at, Math.max(0, length - 1))) + 1;
  }

  private String where(int at) {
    return "line " + lineOf(at);
  }

  /** A statement's first word in lower case ({@code select}, {@code create}), or "" without one. */
  static String firstWord(List<Token> tokens) {
    for (Token token : tokens) {
      if (token.kind() == Kind.WORD) {
        return token.value().toLowerCase(Locale.ROOT);
      }
      if (!token.is("(")) {
        return "";
      }
    }
    return "";
  }
}
