package dev.pangate.engine.exec;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Arrays between PostgreSQL, the gateway and the caller. A caller reads every array as
 * PostgreSQL's own text of it ({@code {1,2,3}}, {@code {"a b",NULL}}, {@code {{1,2},{3,4}}}):
 * an array PostgreSQL computes is read as that text, and one the gateway computes over masked
 * values ({@code array[pan]}, {@code array_agg(pan)}) is written by PostgreSQL's rules for it.
 * Inside the gateway an array is a {@link List} of its elements.
 */
final class PostgresArrays {

  private PostgresArrays() {}

  /** Whether values of the type are arrays (or multisets, which the gateway holds alike). */
  static boolean isArray(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.ARRAY || type.getSqlTypeName() == SqlTypeName.MULTISET;
  }

  /** A JDBC array as the list of its elements (nested lists for more dimensions). */
  static List<Object> elements(Array array) throws SQLException {
    if (array == null) {
      return null;
    }
    return elementsOf(array.getArray());
  }

  private static List<Object> elementsOf(Object array) {
    List<Object> elements = new ArrayList<>();
    if (array instanceof Object[] objects) {
      for (Object element : objects) {
        elements.add(element != null && element.getClass().isArray() ? elementsOf(element) : element);
      }
    } else if (array instanceof List<?> list) {
      elements.addAll(list);
    }
    return elements;
  }

  /** PostgreSQL's text of an array the gateway holds ({@link List} or Java array). */
  static String text(Object array, RelDataType type) {
    RelDataType element = type == null ? null : type.getComponentType();
    StringBuilder out = new StringBuilder();
    write(array, element, out);
    return out.toString();
  }

  private static void write(Object array, RelDataType element, StringBuilder out) {
    List<?> items = array instanceof List<?> list ? list
        : array instanceof Object[] objects ? Arrays.asList(objects) : List.of(array);
    out.append('{');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      Object item = items.get(i);
      if (item == null) {
        out.append("NULL");
      } else if (item instanceof List<?> || item instanceof Object[]) {
        write(item, element != null && isArray(element) ? element.getComponentType() : element, out);
      } else {
        out.append(quoted(scalar(item, element)));
      }
    }
    out.append('}');
  }

  /** One element as PostgreSQL writes a value of its type. */
  private static String scalar(Object value, RelDataType element) {
    SqlTypeName type = element == null ? null : element.getSqlTypeName();
    if (value instanceof Boolean b) {
      return b ? "t" : "f";
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Double || value instanceof Float) {
      return floating(((Number) value).doubleValue());
    }
    if (type == SqlTypeName.DATE && value instanceof Integer days) {
      return LocalDate.ofEpochDay(days).toString();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().toString();
    }
    if (type == SqlTypeName.TIMESTAMP && value instanceof Long millis) {
      return timestamp(LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp(timestamp.toLocalDateTime());
    }
    if (type == SqlTypeName.TIME && value instanceof Integer millis) {
      return LocalTime.ofNanoOfDay(millis * 1_000_000L).toString();
    }
    return value.toString();
  }

  private static String timestamp(LocalDateTime value) {
    String date = value.toLocalDate().toString();
    LocalTime time = value.toLocalTime();
    String clock = String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
    if (time.getNano() != 0) {
      String fraction = String.format("%09d", time.getNano()).substring(0, 6).replaceAll("0+$", "");
      clock = clock + "." + fraction;
    }
    return date + " " + clock;
  }

  /** A double as PostgreSQL prints it: the shortest digits, exponent form beyond 1e15. */
  private static String floating(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    BigDecimal digits = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exponent = digits.precision() - digits.scale() - 1;
    if (exponent < -4 || exponent >= 15) {
      String mantissa = digits.movePointLeft(exponent).toPlainString();
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
    return digits.toPlainString();
  }

  /** An element's text, quoted where PostgreSQL's array output quotes it. */
  private static String quoted(String value) {
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
}
