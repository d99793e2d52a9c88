package dev.pangate.bench.conformance;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PGobject;

/** What one side answered for a statement: rows, an error, or nothing within the timeout. */
sealed interface Answer {

  /**
   * A result.
   *
   * @param labels the column labels, in order
   * @param rows the rows, each a list of normalised cells
   */
  record Rows(List<String> labels, List<List<Cell>> rows) implements Answer {
    public Rows {
      labels = List.copyOf(labels);
      rows = List.copyOf(rows);
    }
  }

  /**
   * An error.
   *
   * @param message the error's message (the driver's text)
   * @param sqlState its SQLSTATE (may be null)
   * @param code pangate's error code when the message starts with one ({@code OBJECT_NOT_FOUND: ...}),
   *     else null
   */
  record Failure(String message, String sqlState, String code) implements Answer {
    public Failure {
      Objects.requireNonNull(message, "message is null");
    }
  }

  /** No answer within the per-statement timeout. */
  record Timeout(long seconds) implements Answer {}

  /** pangate's code at the start of its message: {@code OBJECT_NOT_FOUND: ...}. */
  Pattern PANGATE_CODE = Pattern.compile("^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): ");
  /** How the Avatica driver wraps the server's message (after quoting the whole statement). */
  String REMOTE = "Remote driver error: ";

  /**
   * An error a driver raised. The Avatica driver's message quotes the statement and then the
   * server's message; only the latter is kept, with pangate's code taken from its start.
   */
  static Failure failure(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    int remote = message.indexOf(REMOTE);
    if (remote >= 0) {
      message = message.substring(remote + REMOTE.length());
    }
    String state = e instanceof SQLException sql ? sql.getSQLState() : null;
    Matcher code = PANGATE_CODE.matcher(message);
    return new Failure(message, state, code.find() ? code.group(1) : null);
  }

  /**
   * The result of an executed statement: its first result set, or an empty result when it had
   * none. PostgreSQL's own types that PgJDBC gives as {@code PGobject} (interval, point, ...) are
   * read as PostgreSQL's text of them.
   */
  static Rows read(Statement statement, boolean hasResultSet) throws SQLException {
    if (!hasResultSet) {
      return new Rows(List.of(), List.of());
    }
    try (ResultSet results = statement.getResultSet()) {
      ResultSetMetaData meta = results.getMetaData();
      int columns = meta.getColumnCount();
      List<String> labels = new ArrayList<>(columns);
      for (int i = 1; i <= columns; i++) {
        labels.add(meta.getColumnLabel(i));
      }
      List<List<Cell>> rows = new ArrayList<>();
      while (results.next()) {
        List<Cell> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          Object value = results.getObject(i);
          row.add(value instanceof PGobject ? Cell.of(results.getString(i)) : Cell.of(value));
        }
        rows.add(row);
      }
      return new Rows(labels, rows);
    }
  }
}
