package dev.pangate.engine.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's implicit casts, narrowed to those PostgreSQL applies. Calcite casts freely (a text
 * column to a number for {@code bit_and}, a number to text for {@code length(42)}, a number to
 * text to unite it with a string); PostgreSQL refuses such statements, and where a cast would
 * change the meaning (a {@code bit(4)} value read as a number) the answer would differ. Allowed:
 *
 * <ul>
 *   <li>a string literal to any type: PostgreSQL's literals are of unknown type until their
 *       context gives one;
 *   <li>widening between numbers ({@code int} to {@code bigint} to {@code numeric} to
 *       {@code double}), between strings, from {@code date} to {@code timestamp}, and NULL;
 *   <li>anything to text as an operand of {@code ||}, which PostgreSQL defines for any value
 *       ({@code 'a' || 1} is {@code 'a' || 1::text}).
 * </ul>
 *
 * Any other coercion is not made, and validation reports the statement as PostgreSQL would refuse
 * it (no matching function or operator).
 */
public final class PostgresTypeCoercion extends TypeCoercionImpl {

  public PostgresTypeCoercion(RelDataTypeFactory typeFactory, SqlValidator validator) {
    super(typeFactory, validator);
  }

  @Override
  protected boolean coerceOperandType(@Nullable SqlValidatorScope scope, SqlCall call, int index,
      RelDataType targetType) {
    SqlNode operand = call.getOperandList().get(index);
    if (scope != null && !(operand instanceof org.apache.calcite.sql.SqlDynamicParam)
        && !implicit(validator.deriveType(scope, operand), targetType, operand,
            call.getKind() == SqlKind.OTHER && "||".equals(call.getOperator().getName()))) {
      return false;
    }
    return super.coerceOperandType(scope, call, index, targetType);
  }

  @Override
  protected boolean coerceColumnType(@Nullable SqlValidatorScope scope, SqlNodeList nodeList,
      int index, RelDataType targetType) {
    if (scope != null && index < nodeList.size()) {
      SqlNode node = nodeList.get(index);
      if (node instanceof SqlCall call && call.getKind() == SqlKind.AS) {
        node = call.operand(0);
      }
      if (!(node instanceof org.apache.calcite.sql.SqlIdentifier identifier && identifier.isStar())
          && !(node instanceof org.apache.calcite.sql.SqlDynamicParam)
          && !implicit(validator.deriveType(scope, node), targetType, node, false)) {
        return false;
      }
    }
    return super.coerceColumnType(scope, nodeList, index, targetType);
  }

  /** Whether PostgreSQL would convert a value of type {@code from} to {@code to} unasked. */
  static boolean implicit(RelDataType from, RelDataType to, SqlNode node, boolean concatenation) {
    SqlTypeName source = from.getSqlTypeName();
    SqlTypeName target = to.getSqlTypeName();
    if (source == SqlTypeName.NULL || source == target || isStringLiteral(node)) {
      return true;
    }
    if (SqlTypeUtil.inCharFamily(to) && (concatenation || SqlTypeUtil.inCharFamily(from))) {
      return true;
    }
    if (SqlTypeUtil.isNumeric(from) && SqlTypeUtil.isNumeric(to)) {
      return rank(source) <= rank(target);
    }
    if (source == SqlTypeName.DATE && (target == SqlTypeName.TIMESTAMP
        || target == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
      return true;
    }
    // intervals of one kind to another, timestamps to timestamps: the same PostgreSQL type
    return (SqlTypeName.INTERVAL_TYPES.contains(source) && SqlTypeName.INTERVAL_TYPES.contains(target))
        || (SqlTypeUtil.isTimestamp(from) && SqlTypeUtil.isTimestamp(to));
  }

  /** PostgreSQL's implicit numeric widening: smallint, integer, bigint, numeric, real, double. */
  private static int rank(SqlTypeName type) {
    return switch (type) {
      case TINYINT, SMALLINT -> 0;
      case INTEGER -> 1;
      case BIGINT -> 2;
      case DECIMAL -> 3;
      case REAL -> 4;
      case FLOAT, DOUBLE -> 5;
      default -> 6;
    };
  }

  private static boolean isStringLiteral(SqlNode node) {
    if (node instanceof SqlCharStringLiteral) {
      return true;
    }
    // a negated or parenthesised literal keeps its literal nature for numbers only
    return node instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.CHAR;
  }
}
