package dev.pangate.endpoint.session;

import dev.pangate.engine.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Turns parameter values as clients send them (JSON numbers and strings, Avatica typed values) into
 * the Java values of the statement's parameter types. A value that does not fit is refused with a
 * message that names the parameter and the expected form, never the value (it could be a PAN).
 */
public final class ParameterValues {

  private ParameterValues() {}

  /**
   * Converts each value to its parameter's type.
   *
   * @throws GatewayRequestException {@code PARAMETER_COUNT} or {@code PARAMETER_TYPE}
   */
  public static List<Object> convert(List<?> values, List<RelDataType> types) {
    if (values.size() != types.size()) {
      throw new GatewayRequestException(ErrorCode.PARAMETER_COUNT, "The statement has " + types.size()
          + " parameter(s) (?) but " + values.size() + " value(s) were given.");
    }
    List<Object> converted = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      converted.add(convert(values.get(i), types.get(i), i + 1));
    }
    return converted;
  }

  static Object convert(Object value, RelDataType type, int position) {
    if (value == null) {
      return null;
    }
    SqlTypeName name = type.getSqlTypeName();
    try {
      return switch (name) {
        case BOOLEAN -> toBoolean(value, position);
        case TINYINT, SMALLINT -> (short) integral(value, position, Short.MIN_VALUE, Short.MAX_VALUE, name);
        case INTEGER -> (int) integral(value, position, Integer.MIN_VALUE, Integer.MAX_VALUE, name);
        case BIGINT -> integral(value, position, Long.MIN_VALUE, Long.MAX_VALUE, name);
        case DECIMAL -> decimal(value, position);
        case REAL -> decimal(value, position).floatValue();
        case FLOAT, DOUBLE -> decimal(value, position).doubleValue();
        case CHAR, VARCHAR -> text(value);
        case DATE -> date(value, position);
        case TIME -> time(value, position);
        case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> timestamp(value, position);
        default -> value;
      };
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      throw wrongType(position, name, expectedForm(name));
    }
  }

  private static Boolean toBoolean(Object value, int position) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.valueOf(s);
    }
    throw wrongType(position, SqlTypeName.BOOLEAN, "true or false");
  }

  private static long integral(Object value, int position, long min, long max, SqlTypeName name) {
    BigDecimal number = decimal(value, position);
    BigInteger exact = number.toBigIntegerExact(); // a fraction does not fit an integer type
    if (exact.compareTo(BigInteger.valueOf(min)) < 0 || exact.compareTo(BigInteger.valueOf(max)) > 0) {
      throw wrongType(position, name, "a whole number between " + min + " and " + max);
    }
    return exact.longValue();
  }

  private static BigDecimal decimal(Object value, int position) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (value instanceof Double || value instanceof Float) {
      return new BigDecimal(value.toString());
    }
    if (value instanceof String s) {
      return new BigDecimal(s.trim());
    }
    throw wrongType(position, SqlTypeName.DECIMAL, "a number");
  }

  private static String text(Object value) {
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    return value.toString();
  }

  private static Date date(Object value, int position) {
    if (value instanceof Date d) {
      return d;
    }
    if (value instanceof String s) {
      return Date.valueOf(LocalDate.parse(s.trim()));
    }
    throw wrongType(position, SqlTypeName.DATE, expectedForm(SqlTypeName.DATE));
  }

  private static Time time(Object value, int position) {
    if (value instanceof Time t) {
      return t;
    }
    if (value instanceof String s) {
      return Time.valueOf(LocalTime.parse(s.trim()));
    }
    throw wrongType(position, SqlTypeName.TIME, expectedForm(SqlTypeName.TIME));
  }

  private static Timestamp timestamp(Object value, int position) {
    if (value instanceof Timestamp t) {
      return t;
    }
    if (value instanceof String s) {
      String text = s.trim().replace(' ', 'T');
      if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        Instant instant = OffsetDateTime.parse(text).toInstant();
        return Timestamp.from(instant);
      }
      return Timestamp.valueOf(text.length() == 10
          ? LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text));
    }
    throw wrongType(position, SqlTypeName.TIMESTAMP, expectedForm(SqlTypeName.TIMESTAMP));
  }

  private static String expectedForm(SqlTypeName name) {
    return switch (name) {
      case DATE -> "a date as 'YYYY-MM-DD'";
      case TIME -> "a time as 'HH:MM:SS'";
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
          "a timestamp as 'YYYY-MM-DDTHH:MM:SS' (optionally with Z or an offset)";
      case BOOLEAN -> "true or false";
      case TINYINT, SMALLINT, INTEGER, BIGINT -> "a whole number";
      default -> "a number";
    };
  }

  private static GatewayRequestException wrongType(int position, SqlTypeName name, String expected) {
    return new GatewayRequestException(ErrorCode.PARAMETER_TYPE, "Parameter " + position + " is of type "
        + name + " and must be " + expected + "; the value given is not (it is not repeated here).");
  }
}
