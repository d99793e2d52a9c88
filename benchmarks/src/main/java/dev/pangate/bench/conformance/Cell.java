package dev.pangate.bench.conformance;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One value of a result, normalised so that the same value read by two drivers compares equal:
 * integers as decimal text, decimals without trailing zeros ({@code 2.50} is {@code 2.5}),
 * double precision to 12 significant digits and real to 6, booleans {@code t}/{@code f}, dates
 * and timestamps in ISO form in UTC, arrays element by element, bytea as hex, anything else as
 * the driver's string. SQL NULL has a null {@code text}.
 *
 * @param text the normalised text (null for SQL NULL)
 * @param number the value as a number when it is one (for the relative tolerance), else null
 * @param source what the driver gave
 */
record Cell(String text, BigDecimal number, Source source) {

  /** What kind of Java value the driver returned. */
  enum Source { NULL, INTEGER, DECIMAL, DOUBLE, REAL, BOOLEAN, TEXT, DATETIME, OTHER }

  static final Cell NULL = new Cell(null, null, Source.NULL);

  /** Relative difference below which two numbers are the same value. */
  static final double RELATIVE_TOLERANCE = 1e-9;

  private static final MathContext DOUBLE_DIGITS = new MathContext(12);
  private static final MathContext REAL_DIGITS = new MathContext(6);
  // PgJDBC's markers for 'infinity' and '-infinity' dates and timestamps (PGStatement)
  private static final long POSITIVE_INFINITY = 9223372036825200000L;
  private static final long NEGATIVE_INFINITY = -9223372036832400000L;

  /** The normalised cell of a value a JDBC driver returned. */
  static Cell of(Object value) {
    if (value == null) {
      return NULL;
    }
    if (value instanceof Boolean b) {
      return new Cell(b ? "t" : "f", null, Source.BOOLEAN);
    }
    if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long
        || value instanceof BigInteger) {
      return new Cell(value.toString(), new BigDecimal(value.toString()), Source.INTEGER);
    }
    if (value instanceof BigDecimal d) {
      BigDecimal stripped = d.stripTrailingZeros();
      return new Cell(plain(stripped), stripped, Source.DECIMAL);
    }
    if (value instanceof Double d) {
      return floating(d, DOUBLE_DIGITS, Source.DOUBLE);
    }
    if (value instanceof Float f) {
      return floating(Double.parseDouble(Float.toString(f)), REAL_DIGITS, Source.REAL);
    }
    if (value instanceof java.sql.Timestamp t) {
      return datetime(t.getTime(), () -> t.toLocalDateTime().toString());
    }
    if (value instanceof java.sql.Date d) {
      return datetime(d.getTime(), () -> d.toLocalDate().toString());
    }
    if (value instanceof java.sql.Time t) {
      return new Cell(t.toLocalTime().toString(), null, Source.DATETIME);
    }
    if (value instanceof OffsetDateTime t) {
      return new Cell(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().toString(), null, Source.DATETIME);
    }
    if (value instanceof OffsetTime t) {
      return new Cell(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalTime().toString(), null, Source.DATETIME);
    }
    if (value instanceof LocalDate || value instanceof LocalDateTime || value instanceof LocalTime) {
      return new Cell(value.toString(), null, Source.DATETIME);
    }
    if (value instanceof byte[] bytes) {
      return new Cell("\\x" + HexFormat.of().formatHex(bytes), null, Source.OTHER);
    }
    if (value instanceof Array array) {
      try {
        return elements(array.getArray());
      } catch (SQLException e) {
        return new Cell(String.valueOf(value), null, Source.OTHER);
      }
    }
    if (value instanceof Object[] || value instanceof List<?>) {
      return elements(value);
    }
    if (value instanceof String || value instanceof Character) {
      return new Cell(value.toString(), null, Source.TEXT);
    }
    return new Cell(value.toString(), null, Source.OTHER);
  }

  private interface Text {
    String get();
  }

  private static Cell datetime(long millis, Text text) {
    if (millis == POSITIVE_INFINITY) {
      return new Cell("infinity", null, Source.DATETIME);
    }
    if (millis == NEGATIVE_INFINITY) {
      return new Cell("-infinity", null, Source.DATETIME);
    }
    return new Cell(text.get(), null, Source.DATETIME);
  }

  private static Cell floating(double d, MathContext digits, Source source) {
    if (Double.isNaN(d)) {
      return new Cell("NaN", null, source);
    }
    if (Double.isInfinite(d)) {
      return new Cell(d > 0 ? "Infinity" : "-Infinity", null, source);
    }
    BigDecimal rounded = new BigDecimal(Double.toString(d)).round(digits).stripTrailingZeros();
    return new Cell(plain(rounded), rounded, source);
  }

  private static String plain(BigDecimal d) {
    if (d.signum() == 0) {
      return "0";
    }
    int exponent = d.precision() - d.scale() - 1;
    return exponent >= -7 && exponent < 21 ? d.toPlainString() : d.toString();
  }

  private static Cell elements(Object array) {
    List<Object> items = new ArrayList<>();
    if (array instanceof Object[] objects) {
      items.addAll(Arrays.asList(objects));
    } else if (array instanceof List<?> list) {
      items.addAll(list);
    } else if (array != null && array.getClass().isArray()) {
      int length = java.lang.reflect.Array.getLength(array);
      for (int i = 0; i < length; i++) {
        items.add(java.lang.reflect.Array.get(array, i));
      }
    }
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        text.append(',');
      }
      Cell element = of(items.get(i));
      text.append(element.text() == null ? "NULL"
          : element.source == Source.TEXT ? arrayElement(element.text()) : element.text());
    }
    return new Cell(text.append('}').toString(), null, Source.OTHER);
  }

  /** A text element as PostgreSQL writes it in an array's text: quoted where it must be. */
  private static String arrayElement(String value) {
    boolean quote = value.isEmpty() || value.equalsIgnoreCase("NULL");
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' '
          || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }
    if (!quote) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * Whether two cells hold the same value: the same text; or numbers within the relative
   * tolerance; or a real from PostgreSQL and a double that is that real when rounded to real
   * precision (a wider type carrying the same value).
   *
   * @param expected PostgreSQL's cell
   * @param actual the gateway's cell
   */
  static boolean same(Cell expected, Cell actual) {
    if (expected.text == null || actual.text == null) {
      return expected.text == null && actual.text == null;
    }
    if (expected.text.equals(actual.text)) {
      return true;
    }
    if (expected.number == null && actual.number == null) {
      return false; // two texts: compared as text only ('0012' is not '12')
    }
    BigDecimal a = expected.numeric();
    BigDecimal b = actual.numeric();
    if (a == null || b == null) {
      return false;
    }
    if (expected.source == Source.REAL && actual.source == Source.DOUBLE
        && a.compareTo(b.round(REAL_DIGITS)) == 0) {
      return true;
    }
    BigDecimal difference = a.subtract(b).abs();
    BigDecimal scale = a.abs().max(b.abs());
    return difference.compareTo(scale.multiply(BigDecimal.valueOf(RELATIVE_TOLERANCE))) <= 0;
  }

  /** The number this cell holds, also when a driver gave it as text; else null. */
  private BigDecimal numeric() {
    if (number != null) {
      return number;
    }
    if (source == Source.TEXT && text != null && text.length() < 400) {
      try {
        return new BigDecimal(text.trim());
      } catch (NumberFormatException e) {
        return null; // not a number: compared as text
      }
    }
    return null;
  }

  /** The text in reports: {@code NULL} for SQL NULL. */
  String display() {
    return text == null ? "NULL" : text;
  }
}
