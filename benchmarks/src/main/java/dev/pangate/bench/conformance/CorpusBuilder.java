package dev.pangate.bench.conformance;

import dev.pangate.bench.conformance.CorpusClassifier.Classification;
import dev.pangate.bench.conformance.CorpusClassifier.Copy;
import dev.pangate.bench.conformance.CorpusClassifier.CopyTarget;
import dev.pangate.bench.conformance.CorpusStatement.Kind;
import dev.pangate.bench.conformance.PsqlScript.MetaCommand;
import dev.pangate.masking.sql.SqlLexer;
import dev.pangate.masking.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one file of PostgreSQL's regression suite ({@code src/test/regress/sql/<name>.sql}) into
 * the statements of a corpus file: split as psql reads it ({@link PsqlScript}), each classified
 * ({@link CorpusClassifier}), with psql's own part settled here. Meta-commands are skipped; the
 * variables {@code \set} and {@code \getenv} define are followed, so that
 * {@code COPY t FROM :'filename'} of a file in the suite's {@code data/} folder becomes a
 * {@code copy} of that file (as {@code COPY t FROM STDIN}); any other statement that uses a psql
 * variable, or that {@code \gset}, {@code \gexec} and the like send, is skipped.
 */
final class CorpusBuilder {

  // sent by these instead of a semicolon, the statement still runs as written
  private static final Set<String> PLAIN_SENDING = Set.of("g", "gx");
  // a file of the suite's data folder: the runner finds it in its --data folder
  private static final Pattern DATA_FILE = Pattern.compile("(?:^|.*/)data/([^/]+)");

  private final String file;
  // psql variables; a null value is one whose value the script does not show (\getenv, \gset)
  private final Map<String, String> variables = new HashMap<>();

  private CorpusBuilder(String file) {
    this.file = Objects.requireNonNull(file, "file is null");
  }

  /**
   * The corpus statements of a regression file's text, numbered from 1 in file order.
   *
   * @param text the {@code .sql} file's text
   * @param file the corpus file's name (the {@code .sql} file's without its extension)
   */
  static List<CorpusStatement> build(String text, String file) {
    CorpusBuilder builder = new CorpusBuilder(file);
    List<CorpusStatement> statements = new ArrayList<>();
    for (PsqlScript.Item item : PsqlScript.split(text, file + ".sql")) {
      statements.add(builder.statement(statements.size() + 1, item));
    }
    return statements;
  }

  private CorpusStatement statement(int n, PsqlScript.Item item) {
    if (item instanceof MetaCommand meta) {
      define(meta);
      return new CorpusStatement(file, n, meta.line(), Kind.SKIP, "psql meta-command \\" + meta.name(),
          meta.text(), meta.scsOff(), null, null);
    }
    PsqlScript.Statement statement = (PsqlScript.Statement) item;
    List<Token> tokens = statement.tokens();
    if (statement.endedBy() != null && !PLAIN_SENDING.contains(statement.endedBy())) {
      if (statement.endedBy().equals("gset")) {
        aliases(tokens).forEach(name -> variables.put(name, null));
      }
      return skip(n, statement, "psql meta-command \\" + statement.endedBy());
    }
    Copy copy = CorpusClassifier.copy(tokens);
    if (copy != null) {
      return copy(n, statement, copy);
    }
    String variable = variableUsed(tokens, -1);
    if (variable != null) {
      return skip(n, statement, "psql variable :" + variable);
    }
    Classification classification = CorpusClassifier.classify(tokens);
    // the gateway sees no temporary relations of PostgreSQL's sessions: the corpus creates ordinary ones
    String sql = classification.kind() != Kind.SETUP ? statement.sql()
        : "SELECT INTO".equals(classification.reason()) ? intoWithoutTemporary(statement.sql(), tokens)
        : StatementShape.withoutTemporary(statement.sql());
    return new CorpusStatement(file, n, statement.line(), classification.kind(), classification.reason(),
        sql, statement.scsOff(), null, null);
  }

  /** A COPY: rows that follow it, or a file of the data folder; anything else is not run. */
  private CorpusStatement copy(int n, PsqlScript.Statement statement, Copy copy) {
    List<Token> tokens = statement.tokens();
    if (!copy.from()) {
      return skip(n, statement, "COPY TO");
    }
    String other = variableUsed(tokens, copy.target() == CopyTarget.VARIABLE ? copy.first() : -1);
    if (other != null) {
      return skip(n, statement, "psql variable :" + other);
    }
    switch (copy.target()) {
      case STDIN -> {
        return new CorpusStatement(file, n, statement.line(), Kind.COPY, null, statement.sql(), statement.scsOff(),
            statement.copyData() == null ? "" : statement.copyData(), null);
      }
      case FILE, VARIABLE -> {
        String path = copy.target() == CopyTarget.FILE ? copy.name() : variables.get(copy.name());
        if (copy.target() == CopyTarget.VARIABLE && !variables.containsKey(copy.name())) {
          return skip(n, statement, "COPY from an undefined psql variable :" + copy.name());
        }
        Matcher data = path == null ? null : DATA_FILE.matcher(path);
        if (data == null || !data.matches()) {
          return skip(n, statement, "COPY from a file outside the regression data folder");
        }
        String sql = statement.sql();
        String fromStdin = sql.substring(0, tokens.get(copy.first()).start()) + "STDIN"
            + sql.substring(tokens.get(copy.last()).end());
        return new CorpusStatement(file, n, statement.line(), Kind.COPY, null, fromStdin, statement.scsOff(), null,
            data.group(1));
      }
      default -> {
        return skip(n, statement, "COPY FROM " + copy.target().name());
      }
    }
  }

  /** {@code SELECT ... INTO TEMP t}: the same into an ordinary table. */
  private static String intoWithoutTemporary(String sql, List<Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token next = tokens.get(i + 1);
      if (tokens.get(i).isWord("into") && (next.isWord("temp") || next.isWord("temporary"))) {
        int end = i + 2 < tokens.size() ? tokens.get(i + 2).start() : next.end();
        return sql.substring(0, next.start()) + sql.substring(end);
      }
    }
    return sql;
  }

  private CorpusStatement skip(int n, PsqlScript.Statement statement, String reason) {
    return new CorpusStatement(file, n, statement.line(), Kind.SKIP, reason, statement.sql(), statement.scsOff(),
        null, null);
  }

  /** The first defined psql variable the tokens use (other than at {@code except}), or null. */
  private String variableUsed(List<Token> tokens, int except) {
    for (int i = 0; i < tokens.size(); i++) {
      String name = CorpusClassifier.variableAt(tokens, i);
      if (name != null && i != except && variables.containsKey(name)) {
        return name;
      }
    }
    return null;
  }

  /** Follows the meta-commands set, unset and getenv. */
  private void define(MetaCommand meta) {
    List<String> arguments = arguments(meta.arguments());
    switch (meta.name()) {
      case "set" -> {
        if (arguments.isEmpty()) {
          return;
        }
        StringBuilder value = new StringBuilder();
        boolean known = true;
        for (String argument : arguments.subList(1, arguments.size())) {
          if (argument == null) {
            known = false;
          } else {
            value.append(argument);
          }
        }
        if (arguments.get(0) != null) {
          variables.put(arguments.get(0), known ? value.toString() : null);
        }
      }
      case "unset" -> {
        if (!arguments.isEmpty()) {
          variables.remove(arguments.get(0));
        }
      }
      case "getenv" -> {
        if (!arguments.isEmpty() && arguments.get(0) != null) {
          // the value is the environment's when the suite runs: a placeholder, with the folders after it
          variables.put(arguments.get(0), "$" + (arguments.size() > 1 ? arguments.get(1) : arguments.get(0)));
        }
      }
      default -> { }
    }
  }

  /**
   * A meta-command's arguments as psql reads them: separated by white space; {@code '...'} with
   * {@code ''} and backslash escapes; {@code :name} a variable's value; a null for what this cannot
   * know (an undefined variable, a backquoted command's output).
   */
  private List<String> arguments(String text) {
    List<String> arguments = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= text.length()) {
        break;
      }
      StringBuilder argument = new StringBuilder();
      boolean known = true;
      while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
        char c = text.charAt(i);
        if (c == '\'') {
          i++;
          while (i < text.length()) {
            char d = text.charAt(i);
            if (d == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
              argument.append('\'');
              i += 2;
            } else if (d == '\'') {
              i++;
              break;
            } else if (d == '\\' && i + 1 < text.length()) {
              char e = text.charAt(i + 1);
              argument.append(switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                default -> e;
              });
              i += 2;
            } else {
              argument.append(d);
              i++;
            }
          }
        } else if (c == ':' && i + 1 < text.length() && (Character.isLetter(text.charAt(i + 1)) || text.charAt(i + 1) == '_')) {
          int end = i + 1;
          while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
          }
          String value = variables.get(text.substring(i + 1, end));
          if (value == null) {
            known = false;
          } else {
            argument.append(value);
          }
          i = end;
        } else if (c == '`') {
          int end = text.indexOf('`', i + 1);
          i = end < 0 ? text.length() : end + 1;
          known = false;
        } else {
          argument.append(c);
          i++;
        }
      }
      arguments.add(known ? argument.toString() : null);
    }
    return arguments;
  }

  /** The names a {@code \gset} statement's columns give (its {@code AS} aliases). */
  private static List<String> aliases(List<Token> tokens) {
    List<String> names = new ArrayList<>();
    int depth = 0;
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      } else if (depth == 0 && token.isWord("as")) {
        Token name = tokens.get(i + 1);
        if (name.kind() == SqlLexer.Kind.WORD || name.kind() == SqlLexer.Kind.QUOTED_IDENTIFIER) {
          names.add(name.value());
        }
      }
    }
    return names;
  }
}
