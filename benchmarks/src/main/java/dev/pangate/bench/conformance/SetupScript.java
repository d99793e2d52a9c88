package dev.pangate.bench.conformance;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * A psql script of the corpus folder ({@code regress_setup.sql}) run over JDBC: SQL statements
 * ended by {@code ;}, and the two psql meta-commands such scripts use, {@code \set} (ignored:
 * every statement stops the script on error anyway) and {@code \copy TABLE from 'FILE'} (a
 * {@code COPY ... FROM STDIN} fed from the file). Any other meta-command is an error.
 */
final class SetupScript {

  /**
   * One step of a script.
   *
   * @param sql a statement, or the {@code COPY ... FROM STDIN} of a {@code \copy}
   * @param copyFrom the file a {@code \copy} reads (null for a statement)
   * @param line the line it starts on
   */
  record Step(String sql, Path copyFrom, int line) {
    Step {
      Objects.requireNonNull(sql, "sql is null");
    }
  }

  private static final Pattern COPY = Pattern.compile(
      "\\\\copy\\s+(\\S+(?:\\s*\\([^)]*\\))?)\\s+from\\s+'([^']*)'\\s*(.*)", Pattern.CASE_INSENSITIVE);

  private SetupScript() {}

  /** The steps of a script's text, in order. */
  static List<Step> parse(String script, String source) {
    List<Step> steps = new ArrayList<>();
    int position = 0;
    while (true) {
      SqlTokens lexer = SqlTokens.at(script, position);
      int start = lexer.skipSpace();
      if (start >= script.length()) {
        return steps;
      }
      int line = lineOf(script, start);
      if (script.charAt(start) == '\\') {
        int newline = script.indexOf('\n', start);
        int end = newline < 0 ? script.length() : newline;
        steps.addAll(metaCommand(script.substring(start, end).trim(), source, line));
        position = end;
        continue;
      }
      int end = script.length();
      for (SqlTokens.Token token = lexer.next(); token != null; token = lexer.next()) {
        if (token.isPunctuation(';')) {
          end = token.start();
          break;
        }
      }
      String sql = script.substring(start, end).trim();
      if (!sql.isEmpty()) {
        steps.add(new Step(sql, null, line));
      }
      position = Math.min(script.length(), end + 1);
    }
  }

  private static List<Step> metaCommand(String command, String source, int line) {
    if (command.matches("(?i)\\\\set(\\s.*)?")) {
      return List.of();
    }
    Matcher copy = COPY.matcher(command);
    if (copy.matches()) {
      String options = copy.group(3).trim();
      return List.of(new Step("COPY " + copy.group(1) + " FROM STDIN" + (options.isEmpty() ? "" : " " + options),
          Path.of(copy.group(2)), line));
    }
    throw new IllegalArgumentException(source + " line " + line + ": the psql meta-command '" + command
        + "' is not supported here (only \\set and \\copy TABLE from 'FILE'); write it as SQL");
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Runs every step; the first failure stops the script with the step's line. */
  static void run(Connection connection, List<Step> steps, String source) throws SQLException {
    for (Step step : steps) {
      try {
        if (step.copyFrom() != null) {
          try (Reader data = Files.newBufferedReader(step.copyFrom(), StandardCharsets.UTF_8)) {
            copy(connection, step.sql(), data);
          } catch (IOException e) {
            throw new SQLException("cannot read " + step.copyFrom() + ": " + e.getMessage(), e);
          }
        } else {
          try (Statement statement = connection.createStatement()) {
            statement.execute(step.sql());
          }
        }
      } catch (SQLException e) {
        throw new SQLException(source + " line " + step.line() + ": " + e.getMessage(), e.getSQLState(), e);
      }
    }
  }

  /** {@code COPY ... FROM STDIN} with the rows from {@code data}. */
  static long copy(Connection connection, String sql, Reader data) throws SQLException, IOException {
    return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, data);
  }

  /** {@code COPY ... FROM STDIN} with rows given as text. */
  static long copy(Connection connection, String sql, String rows) throws SQLException, IOException {
    return copy(connection, sql, new StringReader(rows));
  }
}
