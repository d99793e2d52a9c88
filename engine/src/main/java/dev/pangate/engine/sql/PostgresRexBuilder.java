package dev.pangate.engine.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Builds expressions without folding casts of literals. Calcite folds {@code CAST(1 AS BIGINT)}
 * into a literal {@code 1} of type BIGINT, but the literal is rendered as {@code 1}, which
 * PostgreSQL types as {@code integer} ({@code 1::int8 << 40} would shift a 32-bit value); and it
 * folds into types whose rules differ from PostgreSQL's. Kept as casts, PostgreSQL evaluates them
 * with its own rules and the plan keeps the type the caller asked for.
 */
public final class PostgresRexBuilder extends RexBuilder {

  public PostgresRexBuilder(RelDataTypeFactory typeFactory) {
    super(typeFactory);
  }

  /**
   * An array of numbers of which one is a numeric is PostgreSQL's {@code numeric[]}: each element
   * keeps its own scale ({@code array[1.5, 2]} is {@code {1.5,2}}), where Calcite's common
   * {@code DECIMAL(p, s)} would rescale them all ({@code {1.5,2.0}}).
   */
  @Override
  public RexNode makeCall(SqlParserPos pos, RelDataType returnType,
      org.apache.calcite.sql.SqlOperator op, java.util.List<RexNode> exprs) {
    RelDataType component = returnType.getComponentType();
    if (op.getKind() == org.apache.calcite.sql.SqlKind.ARRAY_VALUE_CONSTRUCTOR
        && component != null && component.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.DECIMAL
        && !PostgresTypeSystem.isUnboundedNumeric(component)) {
      RelDataType numeric = PostgresTypeSystem.unboundedNumeric(typeFactory, component.isNullable());
      java.util.List<RexNode> elements = new java.util.ArrayList<>();
      for (RexNode expr : exprs) {
        RexNode element = expr;
        while (element.getKind() == org.apache.calcite.sql.SqlKind.CAST
            && SqlTypeUtil.isExactNumeric(element.getType())) {
          element = ((org.apache.calcite.rex.RexCall) element).getOperands().get(0);
        }
        elements.add(element.getType().equals(numeric) ? element : makeCast(numeric, element));
      }
      return super.makeCall(pos, typeFactory.createTypeWithNullability(
          typeFactory.createArrayType(numeric, -1), returnType.isNullable()), op, elements);
    }
    return super.makeCall(pos, returnType, op, exprs);
  }

  @Override
  public RexNode makeCast(SqlParserPos pos, RelDataType type, RexNode exp,
      boolean matchNullability, boolean safe, @Nullable RexLiteral format) {
    if (exp instanceof RexLiteral literal && !literal.isNull()
        && !literal.getType().equals(type)
        // A string literal rendered as such is PostgreSQL's untyped literal, resolved by its
        // context as the caller's literal would be: folding it into a string type is exact.
        && !(SqlTypeUtil.inCharFamily(literal.getType()) && SqlTypeUtil.inCharFamily(type))) {
      return makeAbstractCast(pos, type, exp, safe, format);
    }
    return super.makeCast(pos, type, exp, matchNullability, safe, format);
  }
}
