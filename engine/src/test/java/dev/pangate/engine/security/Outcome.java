package dev.pangate.engine.security;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.masking.pan.PanScrubber;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What one statement gave a caller: its column labels and rows, or what it threw (anything at
 * all, so a crash is seen rather than hiding the statement's other effects).
 *
 * @param sql the statement
 * @param columns the column labels (empty on failure before the cursor opened)
 * @param rows the rows read (as far as the statement got)
 * @param failure what was thrown, or null
 */
record Outcome(String sql, List<String> columns, List<List<Object>> rows, Throwable failure) {

  /** Rows read at most, so a runaway result cannot exhaust the test JVM. */
  static final int ROW_LIMIT = 50_000;

  Outcome {
    columns = List.copyOf(columns);
    rows = Collections.unmodifiableList(new ArrayList<>(rows));
  }

  /** Runs a statement through the session and reads its whole result. */
  static Outcome run(Session session, String sql, List<?> parameters) {
    List<String> columns = new ArrayList<>();
    List<List<Object>> rows = new ArrayList<>();
    try (ResultCursor cursor = session.query(sql, parameters)) {
      for (OutputColumn column : cursor.columns()) {
        columns.add(column.name());
      }
      while (cursor.next() && rows.size() < ROW_LIMIT) {
        rows.add(Arrays.asList(cursor.row()));
      }
    } catch (Throwable thrown) { // AssertionError from a planner or interpreter is an outcome too
      return new Outcome(sql, columns, rows, thrown);
    }
    return new Outcome(sql, columns, rows, null);
  }

  /** The whole numbers in a cell (a string_agg text, an array_agg array), in their order. */
  static List<Long> numbersIn(Object cell) {
    List<Long> numbers = new ArrayList<>();
    java.util.regex.Matcher number = java.util.regex.Pattern.compile("\\d+")
        .matcher(String.valueOf(cell));
    while (number.find()) {
      numbers.add(Long.parseLong(number.group()));
    }
    return numbers;
  }

  boolean failed() {
    return failure != null;
  }

  /** A failure a caller can act on: an {@link EngineException} with a code. */
  boolean failedCleanly() {
    return failure instanceof EngineException;
  }

  /** The index of a column by label (case-insensitive), or -1. */
  int column(String label) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equalsIgnoreCase(label)) {
        return i;
      }
    }
    return -1;
  }

  /** The values of one column. */
  List<Object> values(int column) {
    List<Object> values = new ArrayList<>();
    for (List<Object> row : rows) {
      values.add(row.get(column));
    }
    return values;
  }

  /** The rows as comparable text, order kept. */
  List<String> normalizedRows() {
    List<String> out = new ArrayList<>();
    for (List<Object> row : rows) {
      List<String> cells = new ArrayList<>();
      for (Object cell : row) {
        cells.add(normalize(cell));
      }
      out.add(String.join(" | ", cells));
    }
    return out;
  }

  /** The rows as comparable text, sorted (multiset comparison). */
  List<String> sortedRows() {
    List<String> out = normalizedRows();
    Collections.sort(out);
    return out;
  }

  /** A cell as text that compares equal across JDBC and gateway representations. */
  static String normalize(Object cell) {
    if (cell == null) {
      return "NULL";
    }
    if (cell instanceof Number number && !(cell instanceof Double) && !(cell instanceof Float)) {
      try {
        BigDecimal decimal = new BigDecimal(number.toString()).stripTrailingZeros();
        return decimal.signum() == 0 ? "0" : decimal.toPlainString();
      } catch (NumberFormatException e) {
        return number.toString();
      }
    }
    return cell.toString();
  }

  /** The failure as the caller sees it: code and message, or the throwable's type and message. */
  String failureText() {
    if (failure == null) {
      return "";
    }
    if (failure instanceof EngineException engine) {
      return engine.code() + ": " + engine.getMessage();
    }
    return failure.getClass().getName() + ": " + failure.getMessage();
  }

  /** A short description for failure messages (no cell values: they could be PANs). */
  String summary() {
    if (failure != null) {
      return "failed with " + PanScrubber.scrub(failureText());
    }
    return rows.size() + " row(s), columns " + columns;
  }

  String lowerSql() {
    return sql.toLowerCase(Locale.ROOT);
  }
}
