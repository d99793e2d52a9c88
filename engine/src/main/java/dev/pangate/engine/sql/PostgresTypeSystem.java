package dev.pangate.engine.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type system adjusted to PostgreSQL: microsecond timestamps, 38-digit numerics, and
 * strings of different lengths combining to {@code varchar} (so {@code CASE ... THEN 'big' ELSE
 * 'small' END} is not padded to {@code char(5)}, which would change the SQL sent to PostgreSQL).
 */
public final class PostgresTypeSystem extends RelDataTypeSystemImpl {

  public static final PostgresTypeSystem INSTANCE = new PostgresTypeSystem();

  private PostgresTypeSystem() {}

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      case DECIMAL -> 38;
      default -> super.getMaxPrecision(typeName);
    };
  }

  @Override
  public int getDefaultPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      default -> super.getDefaultPrecision(typeName);
    };
  }

  /** PostgreSQL: sum of smallint/int is bigint, of bigint or numeric is numeric. */
  @Override
  public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType sum = switch (argumentType.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER -> typeFactory.createSqlType(SqlTypeName.BIGINT);
      case BIGINT -> typeFactory.createSqlType(SqlTypeName.DECIMAL, 38, 0);
      case DECIMAL -> typeFactory.createSqlType(SqlTypeName.DECIMAL, 38, argumentType.getScale());
      default -> super.deriveSumType(typeFactory, argumentType);
    };
    return typeFactory.createTypeWithNullability(sum, argumentType.isNullable());
  }

  /** PostgreSQL: the average of integers or numerics is numeric (with a fractional part). */
  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType avg = switch (argumentType.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL ->
          typeFactory.createSqlType(SqlTypeName.DECIMAL, 38, 16);
      default -> super.deriveAvgAggType(typeFactory, argumentType);
    };
    return typeFactory.createTypeWithNullability(avg, argumentType.isNullable());
  }

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }
}
