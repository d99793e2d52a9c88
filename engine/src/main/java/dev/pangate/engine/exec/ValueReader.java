package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.calcite.rel.type.RelDataType;
import org.postgresql.PGStatement;

/**
 * Reads one column of a PostgreSQL result as the Java value of the column's declared SQL type
 * ({@code BIGINT} → {@link Long}, {@code DECIMAL} → {@link BigDecimal}, ...), whatever the
 * driver's own choice, so that clients see values that match the result's metadata.
 */
@FunctionalInterface
interface ValueReader {

  Object read(ResultSet rs, int index) throws SQLException;

  /**
   * A date or timestamp, refused when it is PostgreSQL's {@code infinity} or {@code -infinity}:
   * JDBC's types cannot carry those, and the driver would hand out a date millions of years away.
   */
  private static <T extends java.util.Date> T finite(T value) {
    if (value != null && (value.getTime() == PGStatement.DATE_POSITIVE_INFINITY
        || value.getTime() == PGStatement.DATE_NEGATIVE_INFINITY
        || value.getTime() == PGStatement.DATE_POSITIVE_SMALLER_INFINITY
        || value.getTime() == PGStatement.DATE_NEGATIVE_SMALLER_INFINITY)) {
      throw new EngineException(ErrorCode.DATA_EXCEPTION, "22008", "A value is PostgreSQL's"
          + " infinity or -infinity, which a JDBC date or timestamp cannot carry; select it as text"
          + " (::text) to read it.", null);
    }
    return value;
  }

  /**
   * A {@code numeric}, refused when it is PostgreSQL's {@code NaN}, {@code Infinity} or
   * {@code -Infinity}: no {@link BigDecimal} holds those, and JDBC's {@code DECIMAL} (what the
   * stock driver's {@code getObject} reads a numeric column as) cannot carry them. The refusal
   * says how to read the value instead.
   */
  private static BigDecimal numeric(ResultSet rs, int index) throws SQLException {
    try {
      return rs.getBigDecimal(index);
    } catch (SQLException e) {
      String text = rs.getString(index);
      if ("NaN".equals(text) || "Infinity".equals(text) || "-Infinity".equals(text)) {
        throw new EngineException(ErrorCode.DATA_EXCEPTION, "22003", "A numeric value is"
            + " PostgreSQL's NaN, Infinity or -Infinity, which a JDBC DECIMAL cannot carry; select"
            + " it as double precision (::float8) or as text (::text) to read it.", null);
      }
      throw e;
    }
  }

  static ValueReader of(RelDataType type) {
    if (Intervals.isInterval(type)) {
      return ResultSet::getString; // PostgreSQL's own text, e.g. "1231 days 03:30:08.37"
    }
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> (rs, i) -> {
        boolean v = rs.getBoolean(i);
        return rs.wasNull() ? null : v;
      };
      case TINYINT, SMALLINT -> (rs, i) -> {
        short v = rs.getShort(i);
        return rs.wasNull() ? null : v;
      };
      case INTEGER -> (rs, i) -> {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
      };
      case BIGINT -> (rs, i) -> {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
      };
      case REAL -> (rs, i) -> {
        float v = rs.getFloat(i);
        return rs.wasNull() ? null : v;
      };
      case DOUBLE, FLOAT -> (rs, i) -> {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
      };
      case DECIMAL -> ValueReader::numeric;
      case CHAR, VARCHAR -> ResultSet::getString;
      case DATE -> (rs, i) -> finite(rs.getDate(i));
      case TIME -> ResultSet::getTime;
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> (rs, i) -> finite(rs.getTimestamp(i));
      case BINARY, VARBINARY -> ResultSet::getBytes;
      case ARRAY, MULTISET -> (rs, i) -> PostgresArrays.elements(rs.getArray(i));
      default -> ResultSet::getObject;
    };
  }
}
