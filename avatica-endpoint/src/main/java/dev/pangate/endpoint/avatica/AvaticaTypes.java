package dev.pangate.endpoint.avatica;

import dev.pangate.engine.gateway.PreparedQuery;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.StatementKind;
import dev.pangate.engine.sql.PostgresTypeSystem;
import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.SqlType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The engine's result and parameter types as Avatica describes them to the JDBC driver, and the
 * engine's row values in the representation Avatica's wire format expects: DATE as days since
 * 1970-01-01, TIME as milliseconds of the day, TIMESTAMP as milliseconds with the wall-clock time
 * read as UTC (what Avatica's own JDBC server sends), everything else as the Java value of the
 * column's type.
 */
final class AvaticaTypes {

  private AvaticaTypes() {}

  /** The signature of a prepared statement: its columns, parameters and kind. */
  static Meta.Signature signature(PreparedQuery query) {
    return new EncodedSignature(columns(query.columns()), query.sql(),
        parameters(query.parameterTypes()), Meta.CursorFactory.LIST,
        statementType(query.planned().explain() ? StatementKind.EXPLAIN : query.planned().kind()));
  }

  /**
   * A prepared statement's signature whose protocol-buffer message is built once: Avatica writes
   * the signature into the response to every execution, and building it again there (a message
   * per column and per parameter) describes again what the prepare described. The message is
   * Avatica's own ({@code super.toProto()}), made on first use; the signature is immutable.
   */
  static final class EncodedSignature extends Meta.Signature {

    private volatile Common.Signature proto;
    private volatile byte[] protoBytes;

    EncodedSignature(List<ColumnMetaData> columns, String sql, List<AvaticaParameter> parameters,
        Meta.CursorFactory cursorFactory, Meta.StatementType statementType) {
      super(columns, sql, parameters, null, cursorFactory, statementType);
    }

    @Override
    public Common.Signature toProto() {
      Common.Signature built = proto;
      if (built == null) {
        built = super.toProto();
        proto = built;
      }
      return built;
    }

    /** The message's bytes, made once too (never changed: the response writers only read them). */
    byte[] protoBytes() {
      byte[] bytes = protoBytes;
      if (bytes == null) {
        bytes = toProto().toByteArray();
        protoBytes = bytes;
      }
      return bytes;
    }
  }

  static Meta.StatementType statementType(StatementKind kind) {
    return switch (kind) {
      case SELECT, EXPLAIN -> Meta.StatementType.SELECT;
      case INSERT -> Meta.StatementType.INSERT;
      case UPDATE -> Meta.StatementType.UPDATE;
      case DELETE -> Meta.StatementType.DELETE;
      case MERGE -> Meta.StatementType.UPSERT;
      case OTHER -> Meta.StatementType.OTHER_DDL;
    };
  }

  static List<ColumnMetaData> columns(List<OutputColumn> outputs) {
    List<ColumnMetaData> columns = new ArrayList<>(outputs.size());
    for (int i = 0; i < outputs.size(); i++) {
      OutputColumn output = outputs.get(i);
      RelDataType type = output.type();
      int jdbcType = jdbcType(type);
      SqlType sqlType = SqlType.valueOf(jdbcType);
      ColumnMetaData.AvaticaType avaticaType = ColumnMetaData.scalar(jdbcType,
          sqlType.name(), ColumnMetaData.Rep.of(sqlType.internal));
      int precision = precision(type);
      int scale = scale(type);
      columns.add(new ColumnMetaData(i, false, true, true, false,
          type.isNullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
          signed(jdbcType), displaySize(jdbcType, precision), output.name(), output.name(), null,
          precision, scale, null, null, avaticaType, true, false, false,
          sqlType.clazz.getName()));
    }
    return columns;
  }

  static List<AvaticaParameter> parameters(List<RelDataType> types) {
    List<AvaticaParameter> parameters = new ArrayList<>(types.size());
    for (int i = 0; i < types.size(); i++) {
      RelDataType type = types.get(i);
      int jdbcType = jdbcType(type);
      SqlType sqlType = SqlType.valueOf(jdbcType);
      int precision = precision(type);
      int scale = scale(type);
      parameters.add(new AvaticaParameter(signed(jdbcType), precision, scale, jdbcType,
          sqlType.name(), sqlType.clazz.getName(), "?" + (i + 1)));
    }
    return parameters;
  }

  /** A type's precision as PgJDBC reports it: 0 for an unconstrained numeric or none. */
  private static int precision(RelDataType type) {
    if (PostgresTypeSystem.isUnboundedNumeric(type)
        || type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED) {
      return 0;
    }
    return type.getPrecision();
  }

  private static int scale(RelDataType type) {
    if (PostgresTypeSystem.isUnboundedNumeric(type) || !type.getSqlTypeName().allowsScale()
        || type.getScale() == RelDataType.SCALE_NOT_SPECIFIED) {
      return 0;
    }
    return type.getScale();
  }

  /** The JDBC type a client sees; types Avatica has no representation for travel as text. */
  static int jdbcType(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    return switch (name) {
      case BOOLEAN -> Types.BOOLEAN;
      case TINYINT -> Types.TINYINT;
      case SMALLINT -> Types.SMALLINT;
      case INTEGER -> Types.INTEGER;
      case BIGINT -> Types.BIGINT;
      case DECIMAL -> Types.DECIMAL;
      case REAL -> Types.REAL;
      case FLOAT, DOUBLE -> Types.DOUBLE;
      case CHAR -> Types.CHAR;
      case DATE -> Types.DATE;
      case TIME, TIME_WITH_LOCAL_TIME_ZONE -> Types.TIME;
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Types.TIMESTAMP;
      case BINARY, VARBINARY -> Types.VARBINARY;
      default -> Types.VARCHAR;
    };
  }

  /** Per column, the conversion from the engine's value to the wire representation. */
  static List<UnaryOperator<Object>> wireConverters(List<OutputColumn> outputs) {
    List<UnaryOperator<Object>> converters = new ArrayList<>(outputs.size());
    for (OutputColumn output : outputs) {
      converters.add(switch (jdbcType(output.type())) {
        case Types.DATE -> AvaticaTypes::dateToWire;
        case Types.TIME -> AvaticaTypes::timeToWire;
        case Types.TIMESTAMP -> AvaticaTypes::timestampToWire;
        case Types.VARCHAR, Types.CHAR -> AvaticaTypes::textToWire;
        case Types.DECIMAL -> AvaticaTypes::decimalToWire;
        default -> UnaryOperator.identity();
      });
    }
    return converters;
  }

  private static Object dateToWire(Object value) {
    if (value instanceof Date date) {
      return (int) date.toLocalDate().toEpochDay();
    }
    return value;
  }

  private static Object timeToWire(Object value) {
    if (value instanceof Time time) {
      return (int) (time.toLocalTime().toNanoOfDay() / 1_000_000);
    }
    return value;
  }

  private static Object timestampToWire(Object value) {
    if (value instanceof Timestamp timestamp) {
      return timestamp.toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    return value;
  }

  private static Object textToWire(Object value) {
    return value == null || value instanceof String ? value : String.valueOf(value);
  }

  private static Object decimalToWire(Object value) {
    if (value instanceof BigDecimal || value == null) {
      return value;
    }
    return value instanceof Number number ? new BigDecimal(number.toString()) : value;
  }

  private static boolean signed(int jdbcType) {
    return switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.REAL,
          Types.DOUBLE -> true;
      default -> false;
    };
  }

  private static int displaySize(int jdbcType, int precision) {
    return switch (jdbcType) {
      case Types.CHAR, Types.VARCHAR -> precision > 0 ? precision : 256;
      case Types.DATE -> 10;
      case Types.TIMESTAMP -> 26;
      case Types.BIGINT -> 20;
      case Types.INTEGER -> 11;
      case Types.SMALLINT -> 6;
      case Types.DECIMAL -> precision > 0 ? precision + 2 : 40;
      default -> 24;
    };
  }
}
