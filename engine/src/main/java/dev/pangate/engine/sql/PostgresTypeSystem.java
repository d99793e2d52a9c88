package dev.pangate.engine.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's type system adjusted to PostgreSQL: microsecond timestamps, PostgreSQL's numerics, and
 * strings of different lengths combining to {@code varchar} (so {@code CASE ... THEN 'big' ELSE
 * 'small' END} is not padded to {@code char(5)}, which would change the SQL sent to PostgreSQL).
 *
 * <p><b>Numerics.</b> PostgreSQL's {@code numeric} without a type modifier holds any value at the
 * scale it was computed with ({@code '12.75'::numeric} is 12.75, {@code avg(int)} has sixteen
 * fractional digits), and every arithmetic operator and aggregate over numerics returns such an
 * unconstrained numeric. Calcite's DECIMAL always has a precision and scale, so the unconstrained
 * numeric is one DECIMAL type reserved for it, {@link #UNBOUNDED_PRECISION} digits, which no
 * declared PostgreSQL type can have (PostgreSQL's limit is 1000). It is rendered as {@code NUMERIC}
 * without modifiers, and values of it are never rescaled: they come from PostgreSQL as computed.
 */
public final class PostgresTypeSystem extends RelDataTypeSystemImpl {

  public static final PostgresTypeSystem INSTANCE = new PostgresTypeSystem();

  /** The precision of the type that stands for PostgreSQL's unconstrained {@code numeric}. */
  public static final int UNBOUNDED_PRECISION = 1001;

  /** Its scale, for the few places Calcite reads one (folding literals, comparing types). */
  public static final int UNBOUNDED_SCALE = 500;

  private PostgresTypeSystem() {}

  /** Whether a type is PostgreSQL's unconstrained {@code numeric}. */
  public static boolean isUnboundedNumeric(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DECIMAL
        && type.getPrecision() == UNBOUNDED_PRECISION;
  }

  /** PostgreSQL's unconstrained {@code numeric}, with the given nullability. */
  public static RelDataType unboundedNumeric(RelDataTypeFactory factory, boolean nullable) {
    return factory.createTypeWithNullability(
        factory.createSqlType(SqlTypeName.DECIMAL, UNBOUNDED_PRECISION, UNBOUNDED_SCALE), nullable);
  }

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      case DECIMAL -> UNBOUNDED_PRECISION;
      default -> super.getMaxPrecision(typeName);
    };
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? 1000 : super.getMaxScale(typeName);
  }

  @Override
  public int getDefaultPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      // numeric (decimal) without modifiers: unconstrained, as in PostgreSQL
      case DECIMAL -> UNBOUNDED_PRECISION;
      default -> super.getDefaultPrecision(typeName);
    };
  }

  @Override
  public int getDefaultScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? UNBOUNDED_SCALE : super.getDefaultScale(typeName);
  }

  /** PostgreSQL: sum of smallint/int is bigint, of bigint or numeric an unconstrained numeric. */
  @Override
  public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType sum = switch (argumentType.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER -> typeFactory.createSqlType(SqlTypeName.BIGINT);
      case BIGINT, DECIMAL -> unboundedNumeric(typeFactory, false);
      default -> super.deriveSumType(typeFactory, argumentType);
    };
    return typeFactory.createTypeWithNullability(sum, argumentType.isNullable());
  }

  /**
   * PostgreSQL: the average (and variance, standard deviation) of integers or numerics is an
   * unconstrained numeric, of {@code real} or {@code double precision} a double.
   */
  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType avg = switch (argumentType.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL -> unboundedNumeric(typeFactory, false);
      case REAL, FLOAT, DOUBLE -> typeFactory.createSqlType(SqlTypeName.DOUBLE);
      default -> super.deriveAvgAggType(typeFactory, argumentType);
    };
    return typeFactory.createTypeWithNullability(avg, argumentType.isNullable());
  }

  /** PostgreSQL: covariances and regressions are double precision, whatever their input. */
  @Override
  public RelDataType deriveCovarType(RelDataTypeFactory typeFactory, RelDataType arg0Type,
      RelDataType arg1Type) {
    return typeFactory.createTypeWithNullability(
        typeFactory.createSqlType(SqlTypeName.DOUBLE), arg0Type.isNullable() || arg1Type.isNullable());
  }

  @Override
  public @Nullable RelDataType deriveDecimalPlusType(RelDataTypeFactory typeFactory,
      RelDataType type1, RelDataType type2) {
    return numericResult(typeFactory, type1, type2);
  }

  @Override
  public @Nullable RelDataType deriveDecimalMultiplyType(RelDataTypeFactory typeFactory,
      RelDataType type1, RelDataType type2) {
    return numericResult(typeFactory, type1, type2);
  }

  @Override
  public @Nullable RelDataType deriveDecimalDivideType(RelDataTypeFactory typeFactory,
      RelDataType type1, RelDataType type2) {
    return numericResult(typeFactory, type1, type2);
  }

  @Override
  public @Nullable RelDataType deriveDecimalModType(RelDataTypeFactory typeFactory,
      RelDataType type1, RelDataType type2) {
    return numericResult(typeFactory, type1, type2);
  }

  /**
   * PostgreSQL's numeric operators return an unconstrained numeric whenever an operand is
   * numeric; integer arithmetic (no numeric operand) keeps Calcite's integer rules.
   */
  private static @Nullable RelDataType numericResult(RelDataTypeFactory typeFactory,
      RelDataType type1, RelDataType type2) {
    if (SqlTypeUtil.isExactNumeric(type1) && SqlTypeUtil.isExactNumeric(type2)
        && (SqlTypeUtil.isDecimal(type1) || SqlTypeUtil.isDecimal(type2))) {
      return unboundedNumeric(typeFactory, type1.isNullable() || type2.isNullable());
    }
    return null;
  }

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }
}
