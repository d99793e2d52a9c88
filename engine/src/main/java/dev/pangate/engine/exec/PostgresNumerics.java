package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.sql.PostgresTypeSystem;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * PostgreSQL's numeric arithmetic where the gateway computes over masked rows. PostgreSQL divides
 * numerics to a scale it chooses from the operands ({@code select_div_scale} in its numeric.c: at
 * least 16 significant digits, at least either operand's scale), rounding half away from zero,
 * and never rescales an unconstrained {@code numeric}; Calcite's interpreter divides to 16
 * significant digits and casts to a DECIMAL's declared scale, so an {@code avg} computed in the
 * gateway, or the {@code sum(x) / count(x)} and {@code CAST(sum(x) AS NUMERIC)} Calcite writes for
 * a windowed {@code avg} and {@code sum}, printed other digits than PostgreSQL's.
 * {@link #postgresArithmetic} swaps those operations in a gateway plan for these.
 */
public final class PostgresNumerics {

  /** PostgreSQL's NUMERIC_MIN_SIG_DIGITS. */
  private static final int MIN_SIG_DIGITS = 16;
  /** PostgreSQL's NUMERIC_MAX_DISPLAY_SCALE. */
  private static final int MAX_DISPLAY_SCALE = 1000;
  /** Decimal digits per digit of PostgreSQL's base-10000 representation (DEC_DIGITS). */
  private static final int DEC_DIGITS = 4;

  private static final SqlUserDefinedFunction DIVIDE = function("pg_numeric_divide", "divide", 2);
  private static final SqlUserDefinedFunction TO_NUMERIC = function("pg_numeric", "numeric", 1);

  private PostgresNumerics() {}

  /** {@code dividend / divisor} as PostgreSQL divides numerics; null if either is null. */
  public static BigDecimal divide(Object dividend, Object divisor) {
    BigDecimal x = numeric(dividend);
    BigDecimal y = numeric(divisor);
    if (x == null || y == null) {
      return null;
    }
    if (y.signum() == 0) {
      throw new EngineException(ErrorCode.POSTGRES_ERROR, "22012", "division by zero", null);
    }
    return x.divide(y, divideScale(x, y), RoundingMode.HALF_UP);
  }

  /** An exact number as PostgreSQL's numeric holds it (integers at scale 0); null stays null. */
  public static BigDecimal numeric(Object value) {
    if (value == null || value instanceof BigDecimal) {
      return (BigDecimal) value;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return BigDecimal.valueOf(((Number) value).doubleValue());
    }
    throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "sum and avg need numbers.");
  }

  /** The scale PostgreSQL gives {@code x / y} (select_div_scale). */
  static int divideScale(BigDecimal x, BigDecimal y) {
    int weight1 = weight(x);
    int weight2 = weight(y);
    int quotientWeight = weight1 - weight2;
    if (firstDigit(x, weight1) <= firstDigit(y, weight2)) {
      quotientWeight--;
    }
    int scale = MIN_SIG_DIGITS - quotientWeight * DEC_DIGITS;
    scale = Math.max(scale, Math.max(displayScale(x), displayScale(y)));
    return Math.min(Math.max(scale, 0), MAX_DISPLAY_SCALE);
  }

  private static int displayScale(BigDecimal v) {
    return Math.max(v.scale(), 0);
  }

  /** The position of the leading base-10000 digit (0 for zero), as PostgreSQL's weight. */
  private static int weight(BigDecimal v) {
    if (v.signum() == 0) {
      return 0;
    }
    int exponent = v.precision() - v.scale() - 1; // v = d.ddd x 10^exponent
    return Math.floorDiv(exponent, DEC_DIGITS);
  }

  /** The leading base-10000 digit of |v| (0 for zero). */
  private static int firstDigit(BigDecimal v, int weight) {
    if (v.signum() == 0) {
      return 0;
    }
    return v.abs().movePointLeft(DEC_DIGITS * weight).setScale(0, RoundingMode.DOWN).intValue();
  }

  /**
   * The plan with numeric division, and casts of exact numbers to the unconstrained numeric,
   * computed as PostgreSQL computes them.
   */
  static RelNode postgresArithmetic(RelNode plan) {
    RexBuilder rex = plan.getCluster().getRexBuilder();
    RexShuttle calls = new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        RexNode visited = super.visitCall(call);
        if (!(visited instanceof RexCall c) || !PostgresTypeSystem.isUnboundedNumeric(c.getType())) {
          return visited;
        }
        List<RexNode> operands = c.getOperands();
        if (c.getKind() == SqlKind.DIVIDE && operands.size() == 2
            && operands.stream().allMatch(o -> SqlTypeUtil.isExactNumeric(o.getType()))) {
          return rex.makeCall(c.getType(), DIVIDE, operands);
        }
        if (c.getKind() == SqlKind.CAST && operands.size() == 1
            && SqlTypeUtil.isExactNumeric(operands.get(0).getType())) {
          return rex.makeCall(c.getType(), TO_NUMERIC, operands);
        }
        return visited;
      }
    };
    return plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        return super.visit(other).accept(calls);
      }
    });
  }

  /** A function of the gateway's plans only (never rendered for PostgreSQL), calling {@code method}. */
  private static SqlUserDefinedFunction function(String name, String method, int arity) {
    return new SqlUserDefinedFunction(new SqlIdentifier(name, SqlParserPos.ZERO),
        SqlKind.OTHER_FUNCTION,
        binding -> PostgresTypeSystem.unboundedNumeric(binding.getTypeFactory(), true), null,
        OperandTypes.operandMetadata(Collections.nCopies(arity, SqlTypeFamily.ANY),
            types -> Collections.nCopies(arity, types.createSqlType(SqlTypeName.ANY)),
            i -> "value" + i, i -> false),
        ScalarFunctionImpl.create(PostgresNumerics.class, method));
  }
}
