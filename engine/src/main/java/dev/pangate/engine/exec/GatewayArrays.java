package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;

/**
 * Arrays in a gateway plan are built, subscripted, counted and returned, never compared or
 * ordered: PostgreSQL compares arrays element by element by each element type's own operator,
 * with dimensions and lower bounds, and refuses arrays of different element types
 * ({@code varchar[] < text[]}), none of which the gateway's interpreter does. A statement that
 * would compare ({@code array[pan] = array['...']}, {@code <}, {@code IS DISTINCT FROM}), sort
 * ({@code ORDER BY array[pan]}) or take the least or greatest ({@code min}, {@code max}) of arrays
 * over masked values is refused with {@code NEEDS_MASKED_VALUES}, saying what to write instead.
 */
final class GatewayArrays {

  static final String ADVICE = " Compare the elements instead (pan = '<token>', pan = any(array["
      + "'<token>', ...]), which the gateway evaluates over the masked values), or compare and sort"
      + " arrays of columns your role sees in clear.";

  private GatewayArrays() {}

  /** Throws {@code NEEDS_MASKED_VALUES} where the plan compares or orders arrays. */
  static void check(RelNode rel) {
    if (rel instanceof Sort sort) {
      for (RelFieldCollation field : sort.getCollation().getFieldCollations()) {
        refuseIfArray(sort.getInput().getRowType().getFieldList().get(field.getFieldIndex()).getType(),
            "sort by an array");
      }
    }
    if (rel instanceof Aggregate aggregate) {
      for (AggregateCall call : aggregate.getAggCallList()) {
        if (call.getAggregation().getKind() == SqlKind.MIN
            || call.getAggregation().getKind() == SqlKind.MAX) {
          refuseIfArray(call.getType(), call.getAggregation().getName().toLowerCase(java.util.Locale.ROOT)
              + " of arrays");
        }
      }
    }
    if (rel instanceof Window window) {
      for (Window.Group group : window.groups) {
        for (RelFieldCollation field : group.orderKeys.getFieldCollations()) {
          refuseIfArray(window.getInput().getRowType().getFieldList().get(field.getFieldIndex())
              .getType(), "a window ordered by an array");
        }
      }
    }
    rel.accept(new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (call.getKind().belongsTo(SqlKind.COMPARISON) || call.getKind() == SqlKind.IS_DISTINCT_FROM
            || call.getKind() == SqlKind.IS_NOT_DISTINCT_FROM || call.getKind() == SqlKind.SOME
            || call.getKind() == SqlKind.ALL) {
          for (RexNode operand : call.getOperands().subList(0, 1)) {
            refuseIfArray(operand.getType(), "a comparison of arrays");
          }
          if (call.getKind() != SqlKind.SOME && call.getKind() != SqlKind.ALL) {
            refuseIfArray(call.getOperands().get(call.getOperands().size() - 1).getType(),
                "a comparison of arrays");
          }
        }
        if (call.getKind() == SqlKind.GREATEST || call.getKind() == SqlKind.LEAST) {
          refuseIfArray(call.getType(), "greatest or least of arrays");
        }
        return super.visitCall(call);
      }

      @Override
      public RexNode visitOver(RexOver over) {
        for (RexFieldCollation key : over.getWindow().orderKeys) {
          refuseIfArray(key.left.getType(), "a window ordered by an array");
        }
        return super.visitOver(over);
      }
    });
    for (RelNode input : rel.getInputs()) {
      check(input);
    }
  }

  private static void refuseIfArray(RelDataType type, String what) {
    if (PostgresArrays.isArray(type)) {
      throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot evaluate " + what
          + " over masked values: the gateway does not compare or order arrays as PostgreSQL"
          + " does." + ADVICE);
    }
  }
}
