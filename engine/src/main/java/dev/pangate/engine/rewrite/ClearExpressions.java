package dev.pangate.engine.rewrite;

import com.google.common.collect.ImmutableSet;
import dev.pangate.engine.rewrite.Lifted.Column;
import dev.pangate.engine.rewrite.Lifted.Raw;
import dev.pangate.engine.sql.PostgresFunctions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * When a projection or filter must be evaluated in the gateway because part of it reads masked
 * values, the parts that read only columns the role sees in clear are moved into a projection
 * below it, which PostgreSQL runs: {@code date_trunc('month', created_at)} next to
 * {@code count(distinct left(pan, 6))} is computed by PostgreSQL, and only the expression over
 * the masked PAN by the gateway. Everything that needs no mask runs in PostgreSQL, and functions
 * only PostgreSQL implements ({@code date_trunc}, {@code to_char}, {@code now()}) keep working.
 */
final class ClearExpressions {

  private ClearExpressions() {}

  /**
   * The node split into a gateway part over a pushable projection of its clear sub-expressions,
   * or null when there is nothing to move (or its input cannot be pushed as a whole).
   */
  static RelNode split(RelNode rel, MaskLifter lifter, RexBuilder rexBuilder) {
    if (!(rel instanceof LogicalProject) && !(rel instanceof LogicalFilter)) {
      return null;
    }
    // The moved expressions go beneath the Filters and Sorts the gateway evaluates (they keep
    // every column), down to the largest input PostgreSQL can run.
    RelNode input = rel.getInput(0);
    List<RelNode> above = new ArrayList<>();
    List<Column> columns = null;
    while (columns == null) {
      try {
        columns = lifter.lift(input).columns();
      } catch (CannotPushDown e) {
        if (!(input instanceof LogicalFilter) && !(input instanceof LogicalSort)) {
          return null;
        }
        above.add(input);
        input = input.getInput(0);
      }
    }
    List<Column> known = columns;
    boolean beneathGatewayWork = !above.isEmpty();
    int width = input.getRowType().getFieldCount();
    Map<RexNode, Integer> moved = new LinkedHashMap<>();
    RexShuttle mover = new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (movable(call, known) && (!beneathGatewayWork || cannotFail(call))) {
          Integer at = moved.computeIfAbsent(call, c -> width + moved.size());
          return rexBuilder.makeInputRef(call.getType(), at);
        }
        return super.visitCall(call);
      }

      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        return subQuery; // its inside is planned on its own
      }
    };
    List<RexNode> rewritten = new ArrayList<>();
    if (rel instanceof LogicalProject project) {
      for (RexNode expr : project.getProjects()) {
        rewritten.add(expr.accept(mover));
      }
    } else {
      rewritten.add(((LogicalFilter) rel).getCondition().accept(mover));
    }
    if (moved.isEmpty()) {
      return null;
    }
    List<RexNode> below = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (RelDataTypeField field : input.getRowType().getFieldList()) {
      below.add(rexBuilder.makeInputRef(field.getType(), field.getIndex()));
      names.add(field.getName());
    }
    for (RexNode expr : moved.keySet()) {
      below.add(expr);
      names.add("clear$" + names.size());
    }
    RelNode bottom = LogicalProject.create(input, List.of(), below,
        SqlValidatorUtil.uniquify(names, true), ImmutableSet.of());
    for (int i = above.size() - 1; i >= 0; i--) {
      bottom = above.get(i).copy(above.get(i).getTraitSet(), List.of(bottom));
    }
    if (rel instanceof LogicalProject project) {
      return LogicalProject.create(bottom, project.getHints(), rewritten,
          project.getRowType().getFieldNames(), project.getVariablesSet());
    }
    LogicalFilter filter = (LogicalFilter) rel;
    RelNode filtered = LogicalFilter.create(bottom, rewritten.get(0),
        ImmutableSet.copyOf(filter.getVariablesSet()));
    List<RexNode> original = new ArrayList<>();
    for (RelDataTypeField field : rel.getRowType().getFieldList()) {
      original.add(rexBuilder.makeInputRef(field.getType(), field.getIndex()));
    }
    return LogicalProject.create(filtered, List.of(), original,
        rel.getRowType().getFieldNames(), ImmutableSet.of());
  }

  /** Operators that fail on no value of their arguments' types (datetime formatting). */
  private static final Set<String> DATETIME_FORMATTING =
      Set.of("DATE_TRUNC", "TO_CHAR", "NOW", "EXTRACT");

  /**
   * Whether the expression can be computed for a row the gateway's own filter then drops without
   * a difference: it raises no error on any value (SQL evaluates a projection only for the rows a
   * filter keeps).
   */
  private static boolean cannotFail(RexNode node) {
    if (SafeExpressions.isSafe(node)) {
      return true;
    }
    if (!(node instanceof RexCall call)) {
      return node instanceof RexInputRef || node instanceof RexLiteral;
    }
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    boolean datetime = SqlTypeUtil.isDatetime(call.getType())
        || SqlTypeUtil.isInterval(call.getType());
    boolean operator = DATETIME_FORMATTING.contains(name)
        || ((call.getKind() == SqlKind.MINUS
            || call.getKind() == SqlKind.PLUS) && datetime)
        || (call.getKind() == SqlKind.CAST
            && SqlTypeUtil.isCharacter(call.getType()));
    return operator && call.getOperands().stream().allMatch(ClearExpressions::cannotFail);
  }

  /**
   * Whether PostgreSQL may compute the call: it reads at least one column (or calls a function
   * only PostgreSQL implements), every column it reads is clear to the role, and it holds no
   * sub-query, correlation or window.
   */
  private static boolean movable(RexCall call, List<Column> columns) {
    boolean[] reads = {false};
    boolean[] clear = {true};
    call.accept(new RexVisitorImpl<Void>(true) {
      @Override
      public Void visitCall(RexCall inner) {
        if (PostgresFunctions.TABLE.getOperatorList().contains(inner.getOperator())) {
          reads[0] = true; // now(), date_trunc, to_char: only PostgreSQL computes them
        }
        return super.visitCall(inner);
      }

      @Override
      public Void visitInputRef(RexInputRef ref) {
        reads[0] = true;
        if (!(columns.get(ref.getIndex()) instanceof Raw)) {
          clear[0] = false;
        }
        return null;
      }

      @Override
      public Void visitSubQuery(RexSubQuery subQuery) {
        clear[0] = false;
        return null;
      }

      @Override
      public Void visitFieldAccess(RexFieldAccess access) {
        clear[0] = false; // a correlated reference: leave it where it is
        return null;
      }

      @Override
      public Void visitOver(RexOver over) {
        clear[0] = false;
        return null;
      }
    });
    return reads[0] && clear[0];
  }
}
