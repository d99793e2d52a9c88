package dev.pangate.engine.policy;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;

/** The fixed value a {@code redact} mask shows in a column that is not text. */
final class RedactValues {

  private RedactValues() {}

  /** The policy's value as the column's Java value; empty when it is not of that type. */
  static Optional<Object> parse(String value, RelDataType type) {
    try {
      return Optional.of(switch (type.getSqlTypeName()) {
        case TINYINT, SMALLINT -> Short.parseShort(value);
        case INTEGER -> Integer.parseInt(value);
        case BIGINT -> Long.parseLong(value);
        case DECIMAL -> new BigDecimal(value);
        case REAL -> Float.parseFloat(value);
        case DOUBLE, FLOAT -> Double.parseDouble(value);
        case BOOLEAN -> parseBoolean(value);
        case DATE -> Date.valueOf(value);
        case TIMESTAMP -> Timestamp.valueOf(value);
        default -> value;
      });
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The default redaction of a type: zero, false, the epoch. */
  static Object defaultFor(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case TINYINT, SMALLINT -> (short) 0;
      case INTEGER -> 0;
      case BIGINT -> 0L;
      case DECIMAL -> BigDecimal.ZERO;
      case REAL -> 0f;
      case DOUBLE, FLOAT -> 0d;
      case BOOLEAN -> false;
      case DATE -> Date.valueOf("1970-01-01");
      case TIMESTAMP -> Timestamp.valueOf("1970-01-01 00:00:00");
      default -> null;
    };
  }

  private static Boolean parseBoolean(String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.valueOf(value);
    }
    throw new IllegalArgumentException("not a boolean");
  }
}
