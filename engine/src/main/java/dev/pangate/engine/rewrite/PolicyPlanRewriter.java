package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.plan.GatewayOutput;
import dev.pangate.engine.plan.GatewaySplit;
import dev.pangate.engine.plan.PlanRewriter;
import dev.pangate.engine.rewrite.Lifted.Column;
import dev.pangate.engine.rewrite.Lifted.Masked;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;

/**
 * The policy rewrite: lifts every mask above what PostgreSQL can run ({@link MaskLifter}),
 * fences row filters when a predicate could fail on hidden rows ({@link Fences}), and cuts the
 * plan into the SQL pushed to PostgreSQL and the masks the gateway applies.
 */
public final class PolicyPlanRewriter implements PlanRewriter {

  @Override
  public GatewaySplit rewrite(RelNode plan, int parameterCount) {
    requireNonNull(plan, "plan is null");
    RexBuilder rexBuilder = plan.getCluster().getRexBuilder();
    DerivedParameters derived = new DerivedParameters(parameterCount);
    Lifted lifted;
    try {
      lifted = new MaskLifter(rexBuilder, derived).lift(plan);
    } catch (CannotPushDown e) {
      throw new EngineException("NEEDS_MASKED_VALUES",
          "This statement computes on masked values (" + e.getMessage() + "), which pangate only"
              + " does for equality, IN, joins, GROUP BY and DISTINCT on tokenized columns."
              + " Compare, sort or aggregate on columns your role sees in clear, or select the"
              + " masked column and process it yourself.");
    }
    RelNode pushed = lifted.pushed();
    if (SafeExpressions.needsFence(pushed)) {
      pushed = Fences.fence(pushed, rexBuilder);
    }
    return split(lifted.columns(), pushed, rexBuilder, derived, plan);
  }

  private static GatewaySplit split(List<Column> columns, RelNode pushed, RexBuilder rexBuilder,
      DerivedParameters derived, RelNode original) {
    // Fetch only the columns the result needs, each once.
    Map<Integer, Integer> fetched = new LinkedHashMap<>();
    for (Column column : columns) {
      fetched.putIfAbsent(column.index(), fetched.size());
    }
    List<RelDataTypeField> fields = pushed.getRowType().getFieldList();
    RelNode fetchedRel = pushed;
    boolean identity = fetched.size() == fields.size();
    int position = 0;
    for (int index : fetched.keySet()) {
      identity &= index == position++;
    }
    if (!identity) {
      List<RexNode> exprs = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int index : fetched.keySet()) {
        exprs.add(rexBuilder.makeInputRef(pushed, index));
        names.add(fields.get(index).getName());
      }
      fetchedRel = LogicalProject.create(pushed, ImmutableList.of(), exprs, names, ImmutableSet.of());
    }
    List<GatewayOutput> outputs = new ArrayList<>();
    List<RexNode> display = new ArrayList<>();
    List<String> displayNames = original.getRowType().getFieldNames();
    for (Column column : columns) {
      int source = fetched.get(column.index());
      RelDataTypeField field = fetchedRel.getRowType().getFieldList().get(source);
      RexNode ref = rexBuilder.makeInputRef(field.getType(), source);
      if (column instanceof Masked masked) {
        outputs.add(new GatewayOutput(source, field.getType(), masked.mask().transform()));
        display.add(rexBuilder.makeCall(masked.mask().maskedType(), masked.mask(), List.of(ref)));
      } else {
        outputs.add(GatewayOutput.passThrough(source, field.getType()));
        display.add(ref);
      }
    }
    RelNode plan = LogicalProject.create(fetchedRel, ImmutableList.of(), display, displayNames,
        ImmutableSet.of());
    return new GatewaySplit(plan, fetchedRel, outputs, derived.derived());
  }
}
