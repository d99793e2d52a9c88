package dev.pangate.engine.catalog;

import dev.pangate.engine.sql.PostgresTypeSystem;
import java.sql.Types;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** PostgreSQL column types as Calcite SQL types, for validation and for the types agents see. */
public final class TypeMapping {

  private TypeMapping() {}

  public static RelDataType toCalcite(RelDataTypeFactory factory, ReflectedColumn column) {
    String typeName = column.typeName() == null ? "" : column.typeName();
    if (column.jdbcType() == Types.ARRAY && typeName.startsWith("_")) {
      // PostgreSQL names an array type after its element (_int4 is int4[]); its dimensions are
      // not part of the type
      RelDataType element = toCalcite(factory, new ReflectedColumn(column.name(),
          Types.OTHER, typeName.substring(1), -1, -1, true));
      return factory.createTypeWithNullability(factory.createArrayType(element, -1),
          column.nullable());
    }
    RelDataType type = switch (typeName) {
      case "bool" -> factory.createSqlType(SqlTypeName.BOOLEAN);
      case "int2" -> factory.createSqlType(SqlTypeName.SMALLINT);
      case "int4", "serial" -> factory.createSqlType(SqlTypeName.INTEGER);
      case "int8", "bigserial" -> factory.createSqlType(SqlTypeName.BIGINT);
      case "float4" -> factory.createSqlType(SqlTypeName.REAL);
      case "float8" -> factory.createSqlType(SqlTypeName.DOUBLE);
      case "numeric" -> column.precision() > 0
          ? factory.createSqlType(SqlTypeName.DECIMAL, column.precision(), Math.max(0, column.scale()))
          : PostgresTypeSystem.unboundedNumeric(factory, false);
      case "bpchar" -> column.precision() > 0
          ? factory.createSqlType(SqlTypeName.CHAR, column.precision())
          : factory.createSqlType(SqlTypeName.CHAR);
      case "varchar" -> column.precision() > 0
          ? factory.createSqlType(SqlTypeName.VARCHAR, column.precision())
          : factory.createSqlType(SqlTypeName.VARCHAR);
      case "date" -> factory.createSqlType(SqlTypeName.DATE);
      case "time", "timetz" -> factory.createSqlType(SqlTypeName.TIME, 6);
      case "timestamp", "timestamptz" -> factory.createSqlType(SqlTypeName.TIMESTAMP, 6);
      case "bytea" -> factory.createSqlType(SqlTypeName.VARBINARY);
      // the driver calls these DOUBLE and BIT; their values are PostgreSQL's text ($1.00, 0101)
      case "money", "bit", "varbit" -> factory.createSqlType(SqlTypeName.VARCHAR);
      default -> fromJdbc(factory, column);
    };
    return factory.createTypeWithNullability(type, column.nullable());
  }

  private static RelDataType fromJdbc(RelDataTypeFactory factory, ReflectedColumn column) {
    SqlTypeName name = switch (column.jdbcType()) {
      case Types.BIGINT -> SqlTypeName.BIGINT;
      case Types.INTEGER -> SqlTypeName.INTEGER;
      case Types.SMALLINT -> SqlTypeName.SMALLINT;
      case Types.DOUBLE, Types.FLOAT -> SqlTypeName.DOUBLE;
      case Types.REAL -> SqlTypeName.REAL;
      case Types.BIT, Types.BOOLEAN -> SqlTypeName.BOOLEAN;
      case Types.DATE -> SqlTypeName.DATE;
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> SqlTypeName.TIMESTAMP;
      // text, uuid, json, enums, arrays, ...: agents see their text form
      default -> SqlTypeName.VARCHAR;
    };
    return factory.createSqlType(name);
  }
}
