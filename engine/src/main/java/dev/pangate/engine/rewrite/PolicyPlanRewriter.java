package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.plan.GatewayOutput;
import dev.pangate.engine.plan.GatewaySplit;
import dev.pangate.engine.plan.GatewaySplit.Leaf;
import dev.pangate.engine.plan.LeafScan;
import dev.pangate.engine.plan.PlanRewriter;
import dev.pangate.engine.rewrite.Lifted.Column;
import dev.pangate.engine.rewrite.Lifted.Masked;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import dev.pangate.engine.plan.CatalogView;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;

/**
 * The policy rewrite: lifts every mask above what PostgreSQL can run ({@link MaskLifter}),
 * fences row filters when a predicate could fail on hidden rows ({@link Fences}), and cuts the
 * plan into the SQL pushed to PostgreSQL and what the gateway applies.
 *
 * <p>When part of the statement computes on masked values and no proven equivalence moves it
 * onto raw values, that part is evaluated in the gateway, over the masked rows of the largest
 * sub-plans PostgreSQL can run. Predicates there see masked values only: the rows reaching the
 * gateway have already passed the row filters in PostgreSQL.
 */
public final class PolicyPlanRewriter implements PlanRewriter {

  @Override
  public GatewaySplit rewrite(RelNode plan, int parameterCount, CatalogView view) {
    requireNonNull(plan, "plan is null");
    RexBuilder rexBuilder = plan.getCluster().getRexBuilder();
    DerivedParameters derived = new DerivedParameters(parameterCount);
    MaskLifter lifter = new MaskLifter(rexBuilder, derived);
    if (plan instanceof TableModify modify) {
      GatewaySplit split = write(modify, derived, lifter, rexBuilder, view);
      if (!lifter.ordersByRawValues()) {
        return split;
      }
      // A LIMIT in the write's sub-queries or source would pick rows by raw values.
      DerivedParameters again = new DerivedParameters(parameterCount);
      return write((TableModify) VisibleOrder.guard(modify), again,
          new MaskLifter(rexBuilder, again, true), rexBuilder, view);
    }
    GatewaySplit split = query(plan, derived, lifter, rexBuilder);
    if (!lifter.ordersByRawValues() && !evaluatesMaskedRows(split)) {
      return split;
    }
    // PostgreSQL would order rows (and pick a LIMIT's) by raw values, or the gateway would keep
    // the order masked rows arrived in (which an index on the raw column can decide): order them
    // by visible values.
    DerivedParameters again = new DerivedParameters(parameterCount);
    return query(VisibleOrder.guard(plan), again, new MaskLifter(rexBuilder, again, true),
        rexBuilder);
  }

  private static GatewaySplit write(TableModify modify, DerivedParameters derived,
      MaskLifter lifter, RexBuilder rexBuilder, CatalogView view) {
    DmlRewriter dml = new DmlRewriter(lifter, rexBuilder, derived, view.detokenizeFamilies());
    RelNode write = dml.rewrite(modify);
    RelDataType count = write.getRowType().getFieldList().get(0).getType();
    Leaf leaf = new Leaf(write, List.of(GatewayOutput.passThrough(0, count)), write.getRowType(),
        java.util.Collections.singletonList(null));
    return new GatewaySplit(write, List.of(leaf), null, derived.derived(), countRows(write),
        previewRows(write, rexBuilder), dml.writeCheck(modify));
  }

  private GatewaySplit query(RelNode plan, DerivedParameters derived, MaskLifter lifter,
      RexBuilder rexBuilder) {
    try {
      Leaf leaf = leaf(lifter.lift(plan), plan, rexBuilder);
      return new GatewaySplit(display(leaf, plan, rexBuilder), List.of(leaf), null, derived.derived(),
          null, null, null);
    } catch (CannotPushDown whole) {
      List<Leaf> leaves = new ArrayList<>();
      List<RelNode> displays = new ArrayList<>();
      RelNode gatewayPlan = partial(plan, lifter, leaves, displays, rexBuilder);
      return new GatewaySplit(withLeafDisplays(gatewayPlan, displays), leaves, gatewayPlan,
          derived.derived(), null, null, null);
    }
  }

  /**
   * Whether the gateway evaluates part of the statement over masked rows: its groups, DISTINCT
   * values, set operations and LIMITs would follow the order the rows arrived in, which
   * PostgreSQL may take from an index on the raw column behind the mask.
   */
  private static boolean evaluatesMaskedRows(GatewaySplit split) {
    return split.gatewayPlan() != null && split.leaves().stream()
        .anyMatch(leaf -> leaf.masks().stream().anyMatch(java.util.Objects::nonNull));
  }

  /** A query counting the rows a write changes: its selection (UPDATE, DELETE) or source (INSERT). */
  private static RelNode countRows(RelNode write) {
    RelNode rows = write.getInput(0);
    if (((TableModify) write).getOperation() == TableModify.Operation.UPDATE) {
      rows = rows.getInput(0); // the projection of new values over the selected rows
    }
    return org.apache.calcite.rel.logical.LogicalAggregate.create(rows, List.of(),
        org.apache.calcite.util.ImmutableBitSet.of(), null,
        List.of(org.apache.calcite.rel.core.AggregateCall.create(
            org.apache.calcite.sql.fun.SqlStdOperatorTable.COUNT, false, false, false, List.of(),
            List.of(), -1, null, org.apache.calcite.rel.RelCollations.EMPTY, 0, rows, null, "rows")));
  }

  /**
   * A query reading the first {@link dev.pangate.engine.plan.PlannedStatement#PREVIEW_ROWS} rows a
   * write changes, for the approver: the primary keys of an UPDATE's or DELETE's selected rows in
   * key order (the approver's own view then reads those rows), or an INSERT's new rows as they
   * would be written (raw values, the gateway masks them for the approver).
   */
  private static RelNode previewRows(RelNode write, RexBuilder rexBuilder) {
    TableModify modify = (TableModify) write;
    RelNode rows = write.getInput(0);
    RexNode fetch = rexBuilder.makeExactLiteral(
        java.math.BigDecimal.valueOf(dev.pangate.engine.plan.PlannedStatement.PREVIEW_ROWS));
    if (modify.getOperation() == TableModify.Operation.INSERT) {
      return org.apache.calcite.rel.logical.LogicalSort.create(rows,
          org.apache.calcite.rel.RelCollations.EMPTY, null, fetch);
    }
    if (modify.getOperation() == TableModify.Operation.UPDATE) {
      rows = rows.getInput(0); // the projection of new values over the selected rows
    }
    dev.pangate.engine.catalog.MirroredTable raw =
        modify.getTable().unwrap(dev.pangate.engine.catalog.MirroredTable.class);
    if (raw == null || raw.source().primaryKey().isEmpty()) {
      return null;
    }
    List<RexNode> keys = new ArrayList<>();
    List<org.apache.calcite.rel.RelFieldCollation> order = new ArrayList<>();
    for (String key : raw.source().primaryKey()) {
      RelDataTypeField field = rows.getRowType().getField(key, true, false);
      if (field == null) {
        return null;
      }
      order.add(new org.apache.calcite.rel.RelFieldCollation(keys.size()));
      keys.add(rexBuilder.makeInputRef(rows, field.getIndex()));
    }
    RelNode projected = LogicalProject.create(rows, List.of(), keys, raw.source().primaryKey(),
        java.util.Set.of());
    return org.apache.calcite.rel.logical.LogicalSort.create(projected,
        org.apache.calcite.rel.RelCollations.of(order), null, fetch);
  }

  /** Each largest sub-plan PostgreSQL can run becomes a leaf; the rest stays for the gateway. */
  private RelNode partial(RelNode rel, MaskLifter lifter, List<Leaf> leaves, List<RelNode> displays,
      RexBuilder rexBuilder) {
    try {
      Leaf leaf = leaf(lifter.lift(rel), rel, rexBuilder);
      leaves.add(leaf);
      displays.add(display(leaf, rel, rexBuilder));
      return LeafScan.scan(rel.getCluster(), leaves.size() - 1, rel.getRowType());
    } catch (CannotPushDown e) {
      RelNode split = ClearExpressions.split(rel, lifter, rexBuilder);
      if (split != null) {
        return partial(split, lifter, leaves, displays, rexBuilder);
      }
      if (rel instanceof org.apache.calcite.rel.core.RepeatUnion) {
        // PostgreSQL runs a recursion whole or not at all: the gateway does not iterate one over
        // masked values. Say what the user wrote, not the plan's node (docs/engine.md quotes it).
        throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot evaluate this"
            + " recursive query (WITH RECURSIVE): it needs " + e.getMessage() + " inside the"
            + " recursion, and pangate evaluates a recursion only in PostgreSQL, over values it may"
            + " compare there. Recurse over columns your role sees in clear (keys, counters, dates),"
            + " carry masked columns through the recursion unchanged or compare tokens only by"
            + " equality, and compute on the masked values in the query that reads the recursive"
            + " CTE.");
      }
      if (rel instanceof org.apache.calcite.rel.core.Sort sort
          && (sort.offset != null || sort.fetch != null) && recursive(sort.getInput())) {
        // PostgreSQL evaluates a recursion on demand, so a LIMIT stops even an endless one; a
        // LIMIT the gateway applies would wait for all of it.
        throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot evaluate this"
            + " statement: it needs " + e.getMessage() + " over a recursive query (WITH RECURSIVE),"
            + " which pangate would have to evaluate whole before the LIMIT. Order and limit the"
            + " rows by columns your role sees in clear.");
      }
      if (rel instanceof org.apache.calcite.rel.core.Collect) {
        // only PostgreSQL collects a sub-query's rows into an array
        throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot evaluate this"
            + " statement: it needs " + e.getMessage() + " inside ARRAY(SELECT ...). "
            + (e.advice() != null ? e.advice() : "Write it as (select array_agg(x order by ...)"
                + " from ...), which the gateway evaluates over the masked values (NULL where"
                + " ARRAY(SELECT ...) gives {})."));
      }
      if (!GATEWAY_EVALUABLE.contains(rel.getClass())) {
        throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot evaluate " + e.getMessage()
            + " in a " + rel.getRelTypeName() + " (recursive queries, sampling, LATERAL over"
            + " masked values and similar forms are not supported).");
      }
      if (SubQueryJoins.hasSubQuery(rel)) {
        // Evaluated over masked values like the same comparison written as a join.
        RelNode joined = SubQueryJoins.rewrite(rel);
        if (joined != null) {
          return partial(joined, lifter, leaves, displays, rexBuilder);
        }
      }
      if (rel.getInputs().isEmpty() || SubQueryJoins.hasSubQuery(rel)) {
        throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES,
            "pangate cannot evaluate this statement: it needs " + e.getMessage()
                + (SubQueryJoins.hasSubQuery(rel) ? " inside a sub-query that pangate cannot"
                    + " turn into a join" : "") + ". "
                + (e.advice() != null ? e.advice() : SubQueryJoins.hasSubQuery(rel)
                    ? "Write the sub-query as a join (the gateway evaluates joins over masked"
                        + " values), or compare on columns your role sees in clear."
                    : "Compare, sort or aggregate on columns your role sees in clear, or on tokens"
                        + " by equality."));
      }
      List<RelNode> inputs = new ArrayList<>();
      for (RelNode input : rel.getInputs()) {
        inputs.add(partial(input, lifter, leaves, displays, rexBuilder));
      }
      return rel.copy(rel.getTraitSet(), inputs);
    }
  }

  private static boolean recursive(RelNode rel) {
    return rel instanceof org.apache.calcite.rel.core.RepeatUnion
        || rel.getInputs().stream().anyMatch(PolicyPlanRewriter::recursive);
  }

  /** What the gateway evaluates over masked rows; never a scan (it would fetch raw rows). */
  private static final java.util.Set<Class<?>> GATEWAY_EVALUABLE = java.util.Set.of(
      org.apache.calcite.rel.logical.LogicalProject.class,
      org.apache.calcite.rel.logical.LogicalFilter.class,
      org.apache.calcite.rel.logical.LogicalJoin.class,
      org.apache.calcite.rel.logical.LogicalAggregate.class,
      org.apache.calcite.rel.logical.LogicalSort.class,
      org.apache.calcite.rel.logical.LogicalUnion.class,
      org.apache.calcite.rel.logical.LogicalIntersect.class,
      org.apache.calcite.rel.logical.LogicalMinus.class);

  /** A lifted sub-plan as a leaf: fenced if needed, fetching only the columns used, masks on top. */
  private static Leaf leaf(Lifted lifted, RelNode original, RexBuilder rexBuilder) {
    RelNode pushed = lifted.pushed();
    if (SafeExpressions.needsFence(pushed)) {
      pushed = Fences.fence(pushed, rexBuilder);
    }
    Map<Integer, Integer> fetched = new LinkedHashMap<>();
    for (Column column : lifted.columns()) {
      fetched.putIfAbsent(column.index(), fetched.size());
    }
    List<RelDataTypeField> fields = pushed.getRowType().getFieldList();
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
      pushed = LogicalProject.create(pushed, ImmutableList.of(), exprs, names, ImmutableSet.of());
    }
    List<GatewayOutput> outputs = new ArrayList<>();
    for (Column column : lifted.columns()) {
      int source = fetched.get(column.index());
      RelDataTypeField field = pushed.getRowType().getFieldList().get(source);
      outputs.add(column instanceof Masked masked
          ? new GatewayOutput(source, field.getType(), masked.mask().transform())
          : GatewayOutput.passThrough(source, field.getType()));
    }
    return new Leaf(pushed, outputs, original.getRowType(), maskOperators(lifted));
  }

  private static List<MaskOperator> maskOperators(Lifted lifted) {
    List<MaskOperator> masks = new ArrayList<>();
    for (Column column : lifted.columns()) {
      masks.add(column instanceof Masked masked ? masked.mask() : null);
    }
    return masks;
  }

  /** The leaf as a plan: the masks the gateway applies, over what PostgreSQL runs. */
  private static RelNode display(Leaf leaf, RelNode original, RexBuilder rexBuilder) {
    List<RexNode> exprs = new ArrayList<>();
    for (int i = 0; i < leaf.outputs().size(); i++) {
      GatewayOutput output = leaf.outputs().get(i);
      RexNode ref = rexBuilder.makeInputRef(output.sourceType(), output.source());
      MaskOperator mask = leaf.masks().get(i);
      exprs.add(mask == null ? ref : rexBuilder.makeCall(mask.maskedType(), mask, List.of(ref)));
    }
    return LogicalProject.create(leaf.pushed(), ImmutableList.of(), exprs,
        original.getRowType().getFieldNames(), ImmutableSet.of());
  }

  /** The gateway plan with each leaf scan replaced by the leaf's own plan, for display. */
  private static RelNode withLeafDisplays(RelNode gatewayPlan, List<RelNode> displays) {
    return gatewayPlan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(TableScan scan) {
        LeafScan leaf = scan.getTable().unwrap(LeafScan.class);
        return leaf == null ? scan : displays.get(leaf.index());
      }
    });
  }
}
