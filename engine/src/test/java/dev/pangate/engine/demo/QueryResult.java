package dev.pangate.engine.demo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A query result in a form two engines can be compared in: numbers as plain decimal strings
 * without trailing zeros (so 2.50 and 2.5 agree), floating point to 12 significant digits,
 * timestamps as instants, dates as ISO dates, NULL as null; everything else as its string.
 */
public record QueryResult(List<String> columns, List<List<String>> rows) {

  private static final MathContext DOUBLE_PRECISION = new MathContext(12);

  public QueryResult {
    columns = List.copyOf(Objects.requireNonNull(columns, "columns is null"));
    rows = List.copyOf(Objects.requireNonNull(rows, "rows is null"));
  }

  /** Reads every row of the result set. */
  public static QueryResult read(ResultSet resultSet) throws SQLException {
    ResultSetMetaData meta = resultSet.getMetaData();
    int width = meta.getColumnCount();
    List<String> columns = new ArrayList<>(width);
    for (int i = 1; i <= width; i++) {
      columns.add(meta.getColumnLabel(i));
    }
    List<List<String>> rows = new ArrayList<>();
    while (resultSet.next()) {
      String[] row = new String[width];
      for (int i = 1; i <= width; i++) {
        // An interval as PostgreSQL writes it ("20 days 06:11:40"), which pangate returns
        row[i - 1] = "interval".equals(meta.getColumnTypeName(i))
            ? resultSet.getString(i) : normalize(resultSet.getObject(i));
      }
      rows.add(Arrays.asList(row)); // may hold nulls, so not List.of
    }
    return new QueryResult(columns, rows);
  }

  public static String normalizeValue(Object value) {
    return normalize(value);
  }

  static String normalize(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      return Double.isFinite(number)
          ? plain(new BigDecimal(number).round(DOUBLE_PRECISION))
          : Double.toString(number);
    }
    if (value instanceof BigDecimal decimal) {
      return plain(decimal);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      return plain(new BigDecimal(value.toString()));
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant().toString();
    }
    if (value instanceof Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof Time time) {
      return time.toLocalTime().toString();
    }
    return value.toString();
  }

  private static String plain(BigDecimal decimal) {
    return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
  }

  /** The rows in a fixed order, for comparing results of queries without a total ORDER BY. */
  public List<List<String>> sortedRows() {
    List<List<String>> sorted = new ArrayList<>(rows);
    sorted.sort(ROW_ORDER);
    return sorted;
  }

  /**
   * Whether {@code other} holds the same rows: in the same order when {@code ordered}, else as
   * the same multiset. Column labels are not compared (engines name expressions differently).
   */
  public boolean sameRowsAs(QueryResult other, boolean ordered) {
    return ordered ? rows.equals(other.rows) : sortedRows().equals(other.sortedRows());
  }

  /** The first difference from {@code other}, for a failure message; "" when there is none. */
  public String firstDifference(QueryResult other, boolean ordered) {
    List<List<String>> mine = ordered ? rows : sortedRows();
    List<List<String>> theirs = ordered ? other.rows : other.sortedRows();
    for (int i = 0; i < Math.min(mine.size(), theirs.size()); i++) {
      if (!mine.get(i).equals(theirs.get(i))) {
        return "row " + (i + 1) + ": " + mine.get(i) + " vs " + theirs.get(i);
      }
    }
    return mine.size() == theirs.size() ? "" : mine.size() + " rows vs " + theirs.size() + " rows";
  }

  private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());

  private static final Comparator<List<String>> ROW_ORDER = (left, right) -> {
    for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
      int byColumn = NULLS_FIRST.compare(left.get(i), right.get(i));
      if (byColumn != 0) {
        return byColumn;
      }
    }
    return Integer.compare(left.size(), right.size());
  };
}
