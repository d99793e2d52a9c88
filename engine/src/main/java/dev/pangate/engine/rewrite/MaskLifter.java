package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.rewrite.Lifted.Column;
import dev.pangate.engine.rewrite.Lifted.Masked;
import dev.pangate.engine.rewrite.Lifted.Raw;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RepeatUnion;
import org.apache.calcite.rel.core.Spool;
import org.apache.calcite.rel.logical.LogicalRepeatUnion;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.schema.TransientTable;
import org.apache.calcite.schema.impl.ListTransientTable;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Uncollect;
import org.apache.calcite.rel.logical.LogicalTableFunctionScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalIntersect;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalMinus;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexWindow;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Sarg;

/**
 * Moves masks up, out of everything PostgreSQL can run.
 *
 * <p>Each table reference arrives as {@code Project(masks) <- PolicyFilter <- Scan}. Bottom-up,
 * every operator is rebuilt over raw columns when it does not need a masked value, and the masks
 * ride above it as {@link Masked} columns. Where an operator does need a masked value, the
 * rewrite uses only proven equivalences of injective masks:
 *
 * <ul>
 *   <li>{@code mask(x) = 'm'} becomes {@code x = unmask('m')} for invertible masks (FF1 tokens),
 *       and {@code IN} lists likewise;
 *   <li>{@code mask(x) = mask'(y)} becomes {@code x = y} when both masks are of one equivalence
 *       class (same token family and key), in joins, filters and {@code IN} sub-queries;
 *   <li>{@code GROUP BY}, {@code DISTINCT}, {@code COUNT(DISTINCT)} and set operations on such a
 *       column run on the raw column, the mask applied to the result;
 *   <li>{@code IS [NOT] NULL} and {@code COUNT(x)} of a null-preserving mask run on the raw column.
 * </ul>
 *
 * Anything else that reads a masked value throws {@link CannotPushDown}: the caller then
 * evaluates that part in the gateway, on masked values. No rule ever lets PostgreSQL compute on a
 * raw value what the caller's SQL computes on a masked one.
 */
final class MaskLifter {

  private final RexBuilder rexBuilder;
  private final DerivedParameters parameters;
  /** Correlation variables in scope: id → the columns of the row they stand for. */
  private final Map<CorrelationId, Scope> correlations = new HashMap<>();
  /** Recursive queries whose recursive term is being lifted: name → what a reference reads. */
  private final Map<String, Lifted> recursions = new HashMap<>();
  /** Whether something pushed compares, groups or partitions on the raw value behind a mask. */
  private boolean rawOrder;
  /**
   * Whether every order-dependent operation must follow visible values ({@link VisibleOrder}):
   * set for the second pass over a statement whose first pass {@link #ordersByRawValues()}.
   */
  private final boolean visibleOrder;

  MaskLifter(RexBuilder rexBuilder, DerivedParameters parameters) {
    this(rexBuilder, parameters, false);
  }

  /**
   * A lifter; with {@code visibleOrder}, sorts marked by {@link VisibleOrder#guard} are pushed
   * only where clear columns decide their order, order-sensitive aggregates get their arguments
   * as their order, and order-sensitive window functions an order that tells rows apart.
   */
  MaskLifter(RexBuilder rexBuilder, DerivedParameters parameters, boolean visibleOrder) {
    this.rexBuilder = requireNonNull(rexBuilder, "rexBuilder is null");
    this.parameters = requireNonNull(parameters, "parameters is null");
    this.visibleOrder = visibleOrder;
  }

  /**
   * Whether a pushed operation keys on the raw value behind a mask (grouping, joining,
   * partitioning, a set operation or an IN over several values): PostgreSQL may then return rows
   * in the raw values' order, so the statement's order must come from the gateway
   * ({@link VisibleOrder}).
   */
  boolean ordersByRawValues() {
    return rawOrder;
  }

  Lifted lift(RelNode rel) throws CannotPushDown {
    if (rel instanceof PolicyFilter filter) {
      Lifted input = lift(filter.getInput());
      if (!input.isIdentity()) {
        throw new IllegalStateException("a policy filter sits directly on a raw scan");
      }
      return Lifted.identity(filter.copy(filter.getTraitSet(), input.pushed(), filter.getCondition()));
    }
    if (rel instanceof RepeatUnion repeatUnion) {
      return liftRepeatUnion(repeatUnion);
    }
    if (rel instanceof TableScan scan && scan.getTable().unwrap(TransientTable.class) != null) {
      return liftRecursiveReference(scan);
    }
    if (rel instanceof TableScan || rel instanceof Values) {
      if (!rel.getInputs().isEmpty()) {
        throw new CannotPushDown("an unsupported scan");
      }
      return Lifted.identity(rel);
    }
    if (rel instanceof Project project) {
      return liftProject(project);
    }
    if (rel instanceof Filter filter) {
      return liftFilter(filter);
    }
    if (rel instanceof Join join) {
      return liftJoin(join);
    }
    if (rel instanceof Correlate correlate) {
      return liftCorrelate(correlate);
    }
    if (rel instanceof Aggregate aggregate) {
      return liftAggregate(aggregate);
    }
    if (rel instanceof Sort sort) {
      return liftSort(sort);
    }
    if (rel instanceof SetOp setOp) {
      return liftSetOp(setOp);
    }
    if (rel instanceof TableFunctionScan scan && scan.getInputs().isEmpty()) {
      return liftTableFunction(scan);
    }
    if (rel instanceof org.apache.calcite.rel.core.Collect collect) {
      return liftCollect(collect);
    }
    if (rel instanceof Uncollect uncollect) {
      return liftUncollect(uncollect);
    }
    throw new CannotPushDown(rel.getRelTypeName());
  }

  // ---------------------------------------------------------------- operators

  private Lifted liftProject(Project project) throws CannotPushDown {
    Lifted input = lift(project.getInput());
    Scope scope = new Scope(input.columns(), input.pushed().getRowType());
    List<Column> columns = new ArrayList<>();
    List<RexNode> pushedExprs = new ArrayList<>();
    List<String> pushedNames = new ArrayList<>();
    Map<RexNode, Integer> positions = new LinkedHashMap<>();
    boolean trivial = true;
    List<RexNode> projects = project.getProjects();
    List<String> names = project.getRowType().getFieldNames();
    WindowRows windowRows = visibleOrder && project.containsOver()
        ? new WindowRows(input.pushed(), RelOptUtil.InputFinder.bits(projects, null)) : null;
    withCorrelations(project.getVariablesSet(), scope);
    try {
      for (int i = 0; i < projects.size(); i++) {
        RexNode expr = projects.get(i);
        if (expr instanceof RexInputRef ref) {
          columns.add(scope.column(ref.getIndex()));
          continue;
        }
        if (expr instanceof RexCall call && call.getOperator() instanceof MaskOperator mask
            && call.getOperands().get(0) instanceof RexInputRef ref
            && scope.column(ref.getIndex()) instanceof Raw raw) {
          columns.add(new Masked(raw.index(), mask));
          continue;
        }
        trivial = false;
        RexNode rewritten = rewrite(expr, scope, windowRows);
        Integer at = positions.get(rewritten);
        if (at == null) {
          at = pushedExprs.size();
          positions.put(rewritten, at);
          pushedExprs.add(rewritten);
          pushedNames.add(names.get(i));
        }
        columns.add(new Raw(-1 - at)); // placeholder: computed column 'at'
      }
    } finally {
      dropCorrelations(project.getVariablesSet());
    }
    if (trivial) {
      return new Lifted(input.pushed(), columns);
    }
    // The pushed project: every input column still referenced, then the computed expressions.
    List<RexNode> exprs = new ArrayList<>();
    List<String> fieldNames = new ArrayList<>();
    Map<Integer, Integer> kept = new LinkedHashMap<>();
    List<RelDataTypeField> inputFields = input.pushed().getRowType().getFieldList();
    for (Column column : columns) {
      if (column.index() >= 0 && !kept.containsKey(column.index())) {
        kept.put(column.index(), exprs.size());
        exprs.add(rexBuilder.makeInputRef(input.pushed(), column.index()));
        fieldNames.add(inputFields.get(column.index()).getName());
      }
    }
    int computedStart = exprs.size();
    exprs.addAll(pushedExprs);
    fieldNames.addAll(pushedNames);
    List<Column> remapped = new ArrayList<>();
    for (Column column : columns) {
      if (column.index() < 0) {
        remapped.add(new Raw(computedStart + (-1 - column.index())));
      } else if (column instanceof Masked masked) {
        remapped.add(new Masked(kept.get(masked.index()), masked.mask()));
      } else {
        remapped.add(new Raw(kept.get(column.index())));
      }
    }
    RelNode pushed = LogicalProject.create(input.pushed(), ImmutableList.of(), exprs,
        uniquify(fieldNames), project.getVariablesSet());
    return new Lifted(pushed, remapped);
  }

  private Lifted liftFilter(Filter filter) throws CannotPushDown {
    Lifted input = lift(filter.getInput());
    Scope scope = new Scope(input.columns(), input.pushed().getRowType());
    withCorrelations(filter.getVariablesSet(), scope);
    RexNode condition;
    try {
      condition = rewritePredicate(filter.getCondition(), scope);
    } finally {
      dropCorrelations(filter.getVariablesSet());
    }
    RelNode pushed = input.pushed();
    // Safe conjuncts may join the row filter (below any fence); the rest stay above it.
    if (pushed instanceof PolicyFilter policy && filter.getVariablesSet().isEmpty()) {
      List<RexNode> safe = new ArrayList<>();
      List<RexNode> unsafe = new ArrayList<>();
      for (RexNode conjunct : org.apache.calcite.plan.RelOptUtil.conjunctions(condition)) {
        (SafeExpressions.isSafe(conjunct) ? safe : unsafe).add(conjunct);
      }
      if (!safe.isEmpty()) {
        List<RexNode> merged = new ArrayList<>();
        merged.add(policy.getCondition());
        merged.addAll(safe);
        pushed = policy.copy(policy.getTraitSet(), policy.getInput(),
            RexUtil.composeConjunction(rexBuilder, merged));
      }
      if (unsafe.isEmpty()) {
        return new Lifted(pushed, input.columns());
      }
      condition = RexUtil.composeConjunction(rexBuilder, unsafe);
    }
    return new Lifted(
        LogicalFilter.create(pushed, condition, ImmutableSet.copyOf(filter.getVariablesSet())),
        input.columns());
  }

  private Lifted liftJoin(Join join) throws CannotPushDown {
    Lifted left = lift(join.getLeft());
    Lifted right = lift(join.getRight());
    int leftWidth = left.pushed().getRowType().getFieldCount();
    List<Column> both = new ArrayList<>(left.columns());
    for (Column column : right.columns()) {
      both.add(column.shift(leftWidth));
    }
    RelDataType joinedType = rexBuilder.getTypeFactory().builder()
        .addAll(left.pushed().getRowType().getFieldList())
        .addAll(right.pushed().getRowType().getFieldList())
        .uniquify()
        .build();
    Scope scope = new Scope(both, joinedType);
    withCorrelations(join.getVariablesSet(), scope);
    RexNode condition;
    try {
      condition = rewritePredicate(join.getCondition(), scope);
    } finally {
      dropCorrelations(join.getVariablesSet());
    }
    RelNode pushed = LogicalJoin.create(left.pushed(), right.pushed(), ImmutableList.of(), condition,
        join.getVariablesSet(), join.getJoinType());
    List<Column> columns = join.getJoinType().projectsRight() ? both : left.columns();
    return new Lifted(pushed, columns);
  }

  /**
   * A set-returning function in FROM ({@code generate_series(1, t.n)}): PostgreSQL runs it, unless
   * an argument is a masked column of a correlated row.
   */
  private Lifted liftTableFunction(TableFunctionScan scan) throws CannotPushDown {
    RexNode call = rewrite(scan.getCall(), new Scope(List.of(), scan.getRowType()));
    RelNode pushed = LogicalTableFunctionScan.create(scan.getCluster(), List.of(), call,
        scan.getElementType(), scan.getRowType(), scan.getColumnMappings());
    return Lifted.identity(pushed);
  }

  static final String ARRAY_OF_MASKED = "Aggregate them instead: (select array_agg(pan order by"
      + " ...) from ...) or array_agg(pan) grouped in a join, which the gateway evaluates over the"
      + " masked values (NULL where ARRAY(SELECT ...) gives {}).";

  /**
   * {@code ARRAY(SELECT ...)}: PostgreSQL collects the sub-query's rows, unless they are masked
   * values (the gateway does not collect rows into arrays).
   */
  private Lifted liftCollect(org.apache.calcite.rel.core.Collect collect) throws CannotPushDown {
    RelNode in = clearInput(collect, "the rows of a column masked with ", ARRAY_OF_MASKED);
    return Lifted.identity(collect.copy(collect.getTraitSet(), in));
  }

  /** {@code unnest(array)}: PostgreSQL unnests, unless the array is a masked value. */
  private Lifted liftUncollect(Uncollect uncollect) throws CannotPushDown {
    RelNode in = clearInput(uncollect, "unnest of a column masked with ", null);
    return Lifted.identity(uncollect.copy(uncollect.getTraitSet(), in));
  }

  /** The single input of {@code rel} over raw columns, all of which must be clear. */
  private RelNode clearInput(RelNode rel, String masked, String advice) throws CannotPushDown {
    Lifted input = lift(rel.getInput(0));
    for (Column column : input.columns()) {
      if (column instanceof Masked m) {
        throw new CannotPushDown(masked + m.mask().masking().label(), advice);
      }
    }
    Scope scope = new Scope(input.columns(), input.pushed().getRowType());
    List<RexNode> refs = new ArrayList<>();
    for (int i = 0; i < input.columns().size(); i++) {
      refs.add(rewrite(rexBuilder.makeInputRef(input.pushed(), input.columns().get(i).index()), scope));
    }
    return LogicalProject.create(input.pushed(), List.of(), refs,
        rel.getInput(0).getRowType().getFieldNames(), ImmutableSet.of());
  }

  private Lifted liftCorrelate(Correlate correlate) throws CannotPushDown {
    Lifted left = lift(correlate.getLeft());
    Scope leftScope = new Scope(left.columns(), left.pushed().getRowType());
    correlations.put(correlate.getCorrelationId(), leftScope);
    Lifted right;
    try {
      right = lift(correlate.getRight());
    } finally {
      correlations.remove(correlate.getCorrelationId());
    }
    ImmutableBitSet.Builder required = ImmutableBitSet.builder();
    for (int field : correlate.getRequiredColumns()) {
      required.set(left.columns().get(field).index());
    }
    RelNode pushed = LogicalCorrelate.create(left.pushed(), right.pushed(), ImmutableList.of(),
        correlate.getCorrelationId(), required.build(), correlate.getJoinType());
    int leftWidth = left.pushed().getRowType().getFieldCount();
    List<Column> columns = new ArrayList<>(left.columns());
    if (correlate.getJoinType().projectsRight()) {
      for (Column column : right.columns()) {
        columns.add(column.shift(leftWidth));
      }
    }
    return new Lifted(pushed, columns);
  }

  private Lifted liftAggregate(Aggregate aggregate) throws CannotPushDown {
    Lifted input = lift(aggregate.getInput());
    List<Column> in = input.columns();
    List<Integer> groupKeys = aggregate.getGroupSet().asList();
    Map<Integer, Integer> keyMap = new HashMap<>(); // original group field -> pushed field
    for (int key : groupKeys) {
      Column column = in.get(key);
      if (column instanceof Masked masked && !masked.mask().masking().injective()) {
        throw new CannotPushDown("GROUP BY on a column masked with " + masked.mask().masking().label());
      }
      rawOrder |= column instanceof Masked;
      if (keyMap.containsValue(column.index())) {
        throw new CannotPushDown("GROUP BY the same column twice");
      }
      keyMap.put(key, column.index());
    }
    ImmutableBitSet pushedGroup = ImmutableBitSet.of(keyMap.values());
    List<ImmutableBitSet> pushedGroupSets = new ArrayList<>();
    for (ImmutableBitSet set : aggregate.getGroupSets()) {
      pushedGroupSets.add(ImmutableBitSet.of(set.asList().stream().map(keyMap::get).toList()));
    }
    List<AggregateCall> calls = new ArrayList<>();
    for (AggregateCall call : aggregate.getAggCallList()) {
      calls.add(liftAggregateCall(call, in, input.pushed()));
    }
    RelNode pushed = LogicalAggregate.create(input.pushed(), ImmutableList.of(), pushedGroup,
        pushedGroupSets.size() == 1 && pushedGroupSets.get(0).equals(pushedGroup)
            ? null : ImmutableList.copyOf(pushedGroupSets),
        calls);
    List<Column> columns = new ArrayList<>();
    List<Integer> sortedPushedKeys = pushedGroup.asList();
    for (int key : groupKeys) {
      int position = sortedPushedKeys.indexOf(keyMap.get(key));
      Column column = in.get(key);
      columns.add(column instanceof Masked masked
          ? new Masked(position, masked.mask()) : new Raw(position));
    }
    for (int i = 0; i < calls.size(); i++) {
      columns.add(new Raw(groupKeys.size() + i));
    }
    return new Lifted(pushed, columns);
  }

  private AggregateCall liftAggregateCall(AggregateCall call, List<Column> in, RelNode pushedInput)
      throws CannotPushDown {
    List<Integer> args = new ArrayList<>();
    for (int arg : call.getArgList()) {
      Column column = in.get(arg);
      if (column instanceof Masked masked) {
        ColumnMasking masking = masked.mask().masking();
        boolean counting = call.getAggregation().getKind() == SqlKind.COUNT;
        boolean equivalent = counting && (call.isDistinct() ? masking.injective() : true);
        if (!equivalent || !MaskSemantics.preservesNull(masked.mask())) {
          throw new CannotPushDown(call.getAggregation().getName() + " over a column masked with "
              + masking.label());
        }
      }
      args.add(column.index());
    }
    int filter = call.filterArg;
    if (filter >= 0) {
      if (in.get(filter) instanceof Masked) {
        throw new CannotPushDown("an aggregate FILTER over a masked column");
      }
      filter = in.get(filter).index();
    }
    List<RelFieldCollation> collations = new ArrayList<>();
    for (RelFieldCollation field : call.getCollation().getFieldCollations()) {
      if (in.get(field.getFieldIndex()) instanceof Masked) {
        throw new CannotPushDown("an aggregate ordered by a masked column");
      }
      collations.add(field.withFieldIndex(in.get(field.getFieldIndex()).index()));
    }
    if (call.distinctKeys != null) {
      throw new CannotPushDown("an aggregate with WITHIN DISTINCT");
    }
    if (visibleOrder && OrderSensitivity.ofAggregate(call.getAggregation())) {
      // string_agg, array_agg, ...: the order of their input decides the result; ordered by
      // their own arguments (after the statement's order), equal inputs are interchangeable.
      for (int arg : args) {
        boolean present = collations.stream().anyMatch(f -> f.getFieldIndex() == arg);
        if (present || constant(pushedInput, arg)) {
          continue;
        }
        if (!VisibleOrder.comparable(
            pushedInput.getRowType().getFieldList().get(arg).getType().getSqlTypeName())) {
          throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, call.getAggregation().getName()
              + " would combine its values in an order PostgreSQL takes from raw values behind a"
              + " mask, and its argument cannot be sorted. Give it an ORDER BY on columns your"
              + " role sees in clear that tell its rows apart.");
        }
        collations.add(new RelFieldCollation(arg));
      }
    }
    return call.withArgList(args).withFilter(filter).withCollation(RelCollations.of(collations));
  }

  /** Whether a column of a plan is a literal (a separator, say): nothing to order by. */
  private static boolean constant(RelNode rel, int column) {
    return rel instanceof Project project && project.getProjects().get(column) instanceof RexLiteral;
  }

  private Lifted liftSort(Sort sort) throws CannotPushDown {
    Lifted input = lift(sort.getInput());
    boolean visible = VisibleOrder.isVisible(sort);
    if (visible && !visibleOrder) {
      throw new IllegalStateException("a visible-order sort outside the visible-order pass");
    }
    List<RelFieldCollation> collation = sort.getCollation().getFieldCollations();
    int own = visible ? VisibleOrder.ownKeys(sort) : collation.size();
    List<RelFieldCollation> fields = new ArrayList<>();
    ImmutableBitSet keys = ImmutableBitSet.of();
    for (RelFieldCollation field : collation.subList(0, own)) {
      Column column = input.columns().get(field.getFieldIndex());
      if (column instanceof Masked masked) {
        throw new CannotPushDown("ORDER BY a column masked with " + masked.mask().masking().label());
      }
      fields.add(field.withFieldIndex(column.index()));
      keys = keys.set(column.index());
    }
    // Tie-breakers: clear columns first, until they tell the rows apart; a masked one the
    // gateway has to sort by (PostgreSQL would order it by the raw value).
    String maskedTie = null;
    for (RelFieldCollation field : collation.subList(own, collation.size())) {
      if (DistinctRows.distinct(input.pushed(), keys)) {
        maskedTie = null;
        break;
      }
      Column column = input.columns().get(field.getFieldIndex());
      if (column instanceof Masked) {
        if (maskedTie == null) {
          maskedTie = sort.getInput().getRowType().getFieldNames().get(field.getFieldIndex());
        }
        continue;
      }
      fields.add(field.withFieldIndex(column.index()));
      keys = keys.set(column.index());
    }
    if (maskedTie != null && !DistinctRows.distinct(input.pushed(), keys)) {
      throw new CannotPushDown("a LIMIT or OFFSET that would keep rows in the order of the raw"
          + " values behind the masked column " + maskedTie,
          "Order it by columns your role sees in clear that tell its rows apart (a key, for"
              + " example), or have it return only such columns.");
    }
    if (fields.isEmpty() && sort.offset == null && sort.fetch == null) {
      return input; // a single row, or rows a key already tells apart in no particular order
    }
    RelNode pushed = LogicalSort.create(input.pushed(), RelCollations.of(fields), sort.offset,
        sort.fetch);
    return new Lifted(pushed, input.columns());
  }

  private Lifted liftSetOp(SetOp setOp) throws CannotPushDown {
    List<Lifted> inputs = new ArrayList<>();
    for (RelNode input : setOp.getInputs()) {
      inputs.add(lift(input));
    }
    int width = setOp.getRowType().getFieldCount();
    boolean distinct = !(setOp instanceof Union union && union.all);
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      Column first = inputs.get(0).columns().get(i);
      for (Lifted input : inputs) {
        Column other = input.columns().get(i);
        if (!sameMasking(first, other, distinct)) {
          throw new CannotPushDown("a set operation combining differently masked columns");
        }
        rawOrder |= distinct && other instanceof Masked;
      }
      columns.add(first instanceof Masked masked ? new Masked(i, masked.mask()) : new Raw(i));
    }
    List<RelNode> aligned = new ArrayList<>();
    for (Lifted input : inputs) {
      List<RexNode> exprs = new ArrayList<>();
      for (Column column : input.columns()) {
        exprs.add(rexBuilder.makeInputRef(input.pushed(), column.index()));
      }
      aligned.add(LogicalProject.create(input.pushed(), ImmutableList.of(), exprs,
          setOp.getRowType().getFieldNames(), ImmutableSet.of()));
    }
    RelNode pushed;
    if (setOp instanceof Union union) {
      pushed = LogicalUnion.create(aligned, union.all);
    } else if (setOp instanceof Intersect intersect) {
      pushed = LogicalIntersect.create(aligned, intersect.all);
    } else if (setOp instanceof Minus minus) {
      pushed = LogicalMinus.create(aligned, minus.all);
    } else {
      throw new CannotPushDown(setOp.getRelTypeName());
    }
    return new Lifted(pushed, columns);
  }

  /**
   * A recursive query ({@code WITH RECURSIVE r AS (seed UNION [ALL] step)}): PostgreSQL runs it
   * whole when the step needs no masked value. The rows the step reads from {@code r} carry the
   * seed's columns as PostgreSQL holds them, masked where the seed's are (the mask is applied
   * above the recursion, once, to what it produced), so every expression of the step over a
   * masked column goes through the same rules as over a table's; and each column the step
   * produces must be masked as the seed's is, so the recursion's rows are all one kind.
   */
  private Lifted liftRepeatUnion(RepeatUnion repeatUnion) throws CannotPushDown {
    if (repeatUnion.iterationLimit >= 0) {
      throw new CannotPushDown("a recursive query with an iteration limit");
    }
    List<String> qualified = repeatUnion.getTransientTable() == null ? List.of()
        : repeatUnion.getTransientTable().getQualifiedName();
    if (qualified.size() != 1) {
      // Calcite took a table of the same name for the recursive reference.
      throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run this recursive"
          + " query (WITH RECURSIVE): it has the name of a table it reads. Give it another name.");
    }
    if (recursions.containsKey(qualified.get(0))) {
      throw new CannotPushDown("a recursive query inside another of the same name");
    }
    String name = qualified.get(0);
    List<String> names = repeatUnion.getRowType().getFieldNames();
    if (new java.util.HashSet<>(names).size() != names.size()) {
      throw new CannotPushDown("a recursive query with two columns of the same name");
    }
    boolean distinct = !repeatUnion.all;
    Lifted seed = lift(unspooled(repeatUnion.getSeedRel()));
    RelNode seedPushed = aligned(seed, names);
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Column column = seed.columns().get(i);
      if (column instanceof Masked masked) {
        if (distinct && !masked.mask().masking().injective()) {
          throw new CannotPushDown("a recursive UNION over a column masked with "
              + masked.mask().masking().label());
        }
        rawOrder |= distinct;
        columns.add(new Masked(i, masked.mask()));
      } else {
        columns.add(new Raw(i));
      }
    }
    RelOptTable table = org.apache.calcite.prepare.RelOptTableImpl.create(
        repeatUnion.getTransientTable().getRelOptSchema(), seedPushed.getRowType(),
        new ListTransientTable(name, seedPushed.getRowType()), ImmutableList.of(name));
    RelNode reference = LogicalTableScan.create(repeatUnion.getCluster(), table, ImmutableList.of());
    recursions.put(name, new Lifted(reference, columns));
    Lifted step;
    try {
      step = lift(unspooled(repeatUnion.getIterativeRel()));
    } finally {
      recursions.remove(name);
    }
    for (int i = 0; i < names.size(); i++) {
      if (!sameMasking(columns.get(i), step.columns().get(i), distinct)) {
        throw new CannotPushDown("a recursive query whose recursive term produces a column masked"
            + " otherwise than its non-recursive term (" + names.get(i) + ")");
      }
    }
    RelNode pushed = LogicalRepeatUnion.create(seedPushed, aligned(step, names), repeatUnion.all,
        repeatUnion.iterationLimit, table);
    return new Lifted(pushed, columns);
  }

  /** A reference to the recursive query from its recursive term. */
  private Lifted liftRecursiveReference(TableScan scan) throws CannotPushDown {
    List<String> qualified = scan.getTable().getQualifiedName();
    Lifted recursion = qualified.size() == 1 ? recursions.get(qualified.get(0)) : null;
    if (recursion == null) {
      throw new CannotPushDown("a reference to a recursive query outside its recursive term");
    }
    return recursion;
  }

  private static RelNode unspooled(RelNode rel) {
    return rel instanceof Spool spool ? spool.getInput() : rel;
  }

  /** A lifted input as a plan of its own columns in order, named as given. */
  private RelNode aligned(Lifted input, List<String> names) {
    List<RexNode> exprs = new ArrayList<>();
    for (Column column : input.columns()) {
      exprs.add(rexBuilder.makeInputRef(input.pushed(), column.index()));
    }
    return LogicalProject.create(input.pushed(), ImmutableList.of(), exprs, names, ImmutableSet.of());
  }

  private static boolean sameMasking(Column a, Column b, boolean distinct) {
    if (a instanceof Raw && b instanceof Raw) {
      return true;
    }
    if (a instanceof Masked ma && b instanceof Masked mb) {
      if (ma.mask() == mb.mask()) {
        return !distinct || ma.mask().masking().injective();
      }
      return MaskSemantics.equivalent(ma.mask(), mb.mask())
          && ma.mask().maskedType().equals(mb.mask().maskedType());
    }
    return false;
  }

  // ---------------------------------------------------------------- expressions

  /** The columns an expression's input references resolve to, and the pushed row type. */
  record Scope(List<Column> columns, RelDataType pushedType) {
    Column column(int index) {
      return columns.get(index);
    }
  }

  private void withCorrelations(java.util.Set<CorrelationId> ids, Scope scope) {
    for (CorrelationId id : ids) {
      correlations.put(id, scope);
    }
  }

  private void dropCorrelations(java.util.Set<CorrelationId> ids) {
    for (CorrelationId id : ids) {
      correlations.remove(id);
    }
  }

  /** An expression over columns (raw or masked) rewritten over the raw row, as for filters. */
  RexNode rewriteOver(RexNode expr, List<Column> columns, RelDataType pushedType) throws CannotPushDown {
    return rewrite(expr, new Scope(columns, pushedType));
  }

  private RexNode rewrite(RexNode expr, Scope scope) throws CannotPushDown {
    return rewrite(expr, scope, null);
  }

  private RexNode rewrite(RexNode expr, Scope scope, WindowRows windowRows) throws CannotPushDown {
    try {
      return expr.accept(new Rewriter(scope, java.util.Set.of(), windowRows));
    } catch (Unliftable e) {
      throw e.reason;
    }
  }

  /**
   * The rows a projection's window functions run over, in the visible-order pass: the pushed
   * input, and the input columns the projection reads (what may tell its rows apart).
   */
  private record WindowRows(RelNode pushedInput, ImmutableBitSet read) {}

  /**
   * A predicate (filter or join condition). Only a comparison of a token with a value reached
   * from the predicate's root through AND and OR alone may become a comparison of the raw value
   * with the value's unmasked form: there NULL and FALSE decide alike (the row is dropped unless
   * another disjunct holds), so a value that is not a token may unmask to NULL. Under NOT, CASE
   * or any function it could not.
   */
  private RexNode rewritePredicate(RexNode condition, Scope scope) throws CannotPushDown {
    java.util.Set<RexNode> nullRejecting = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    collectNullRejecting(condition, nullRejecting);
    Rewriter rewriter = new Rewriter(scope, nullRejecting, null);
    try {
      RexNode rewritten = condition.accept(rewriter);
      // Two or more values matched against a token column (an OR of equalities, an IN list of
      // parameters): PostgreSQL may read them from the index on the raw column, in raw order.
      rawOrder |= rewriter.valuesMatched > 1;
      return rewritten;
    } catch (Unliftable e) {
      throw e.reason;
    }
  }

  private static void collectNullRejecting(RexNode node, java.util.Set<RexNode> into) {
    into.add(node);
    if (node.isA(SqlKind.AND) || node.isA(SqlKind.OR)) {
      for (RexNode operand : ((RexCall) node).getOperands()) {
        collectNullRejecting(operand, into);
      }
    }
  }

  /** Carries a {@link CannotPushDown} out of a {@link RexShuttle}. */
  private static final class Unliftable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final CannotPushDown reason;

    Unliftable(CannotPushDown reason) {
      super(null, null, false, false);
      this.reason = reason;
    }
  }

  /** A reference to a masked column (an input field, or a field of a correlated outer row). */
  private record MaskedRef(MaskOperator mask, RexNode raw) {}

  private final class Rewriter extends RexShuttle {
    private final Scope scope;
    /** The comparisons that may compare a token with a value (null-rejecting positions). */
    private final java.util.Set<RexNode> nullRejecting;
    /** In the visible-order pass, the rows of the projection's windows; null otherwise. */
    private final WindowRows windowRows;
    /** How many comparisons of a masked column with a value became comparisons of raw values. */
    private int valuesMatched;

    Rewriter(Scope scope, java.util.Set<RexNode> nullRejecting, WindowRows windowRows) {
      this.scope = scope;
      this.nullRejecting = nullRejecting;
      this.windowRows = windowRows;
    }

    @Override
    public RexNode visitInputRef(RexInputRef ref) {
      Column column = scope.column(ref.getIndex());
      if (column instanceof Masked masked) {
        throw new Unliftable(new CannotPushDown(
            "an expression over a column masked with " + masked.mask().masking().label()));
      }
      return rexBuilder.makeInputRef(scope.pushedType().getFieldList().get(column.index()).getType(),
          column.index());
    }

    @Override
    public RexNode visitFieldAccess(RexFieldAccess access) {
      if (access.getReferenceExpr() instanceof RexCorrelVariable variable) {
        Scope outer = correlations.get(variable.id);
        if (outer != null) {
          Column column = outer.column(access.getField().getIndex());
          if (column instanceof Masked masked) {
            throw new Unliftable(new CannotPushDown(
                "a correlated reference to a column masked with " + masked.mask().masking().label()));
          }
          return rexBuilder.makeFieldAccess(
              rexBuilder.makeCorrel(outer.pushedType(), variable.id), column.index());
        }
      }
      return super.visitFieldAccess(access);
    }

    @Override
    public RexNode visitCall(RexCall call) {
      if (call.getOperator() instanceof MaskOperator) {
        throw new Unliftable(new CannotPushDown("a mask inside an expression"));
      }
      try {
        RexNode special = rewriteComparison(call);
        if (special != null) {
          return special;
        }
      } catch (CannotPushDown e) {
        throw new Unliftable(e);
      }
      return super.visitCall(call);
    }

    /**
     * A window partitioned by a column under an injective mask (an FF1 token, a keyed hash)
     * partitions exactly as by the raw value, so it runs in PostgreSQL on the raw column. Its
     * ordering and arguments follow the usual rules: a masked one is not pushed down.
     */
    @Override
    public RexNode visitOver(RexOver over) {
      RexNode rewritten = rewriteOver(over);
      return windowRows == null || !(rewritten instanceof RexOver pushed)
          ? rewritten : visiblyOrdered(pushed, over);
    }

    /**
     * A window function whose value depends on the order of rows within its partition
     * ({@code row_number()}, {@code lag}, {@code first_value} and aggregates over a ROWS frame,
     * {@code array_agg} over any frame) gets an order that tells the rows apart: its own ORDER BY
     * keys, then the clear columns the projection reads, until they tell the rows apart (a
     * primary key, say). Where only a masked column would, or where a RANGE frame's peers would
     * change with more keys, the statement is refused: PostgreSQL would order those rows by the
     * raw values behind the mask.
     */
    private RexNode visiblyOrdered(RexOver over, RexOver original) {
      RexWindow window = over.getWindow();
      SqlKind kind = over.getAggOperator().getKind();
      if (kind == SqlKind.RANK || kind == SqlKind.DENSE_RANK || kind == SqlKind.PERCENT_RANK
          || kind == SqlKind.CUME_DIST) {
        return over; // equal keys rank alike
      }
      boolean positional = kind == SqlKind.ROW_NUMBER || kind == SqlKind.NTILE
          || kind == SqlKind.LAG || kind == SqlKind.LEAD;
      boolean wholePartition = window.getLowerBound().isUnbounded()
          && window.getLowerBound().isPreceding() && window.getUpperBound().isUnbounded()
          && window.getUpperBound().isFollowing();
      String name = over.getAggOperator().getName().toLowerCase(java.util.Locale.ROOT);
      // RANGE and GROUPS frames (a GROUPS frame travels as ROWS with marked offsets) reach
      // whole peer groups: more ORDER BY keys would change the peers, so they get none.
      boolean peers = !window.isRows() || groupsBound(window.getLowerBound())
          || groupsBound(window.getUpperBound());
      if (!positional) {
        boolean sensitive = OrderSensitivity.ofAggregate(over.getAggOperator())
            || kind == SqlKind.FIRST_VALUE || kind == SqlKind.LAST_VALUE
            || kind == SqlKind.NTH_VALUE;
        if (peers && (!sensitive || wholePartition)) {
          if (!sensitive) {
            return over; // over peers: the same for every order among equal keys
          }
        } else if (peers) {
          throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, name + "() over a RANGE"
              + " or GROUPS frame would take rows among equal ORDER BY keys in an order"
              + " PostgreSQL decides by the raw values behind a mask. Write its frame with ROWS"
              + " and an ORDER BY on columns your role sees in clear that tell the rows apart.");
        } else if (!sensitive && wholePartition) {
          return over;
        }
      }
      ImmutableBitSet keys = ImmutableBitSet.of();
      List<RexFieldCollation> orderKeys = new ArrayList<>(window.orderKeys);
      for (RexNode key : window.partitionKeys) {
        if (key instanceof RexInputRef ref) {
          keys = keys.set(ref.getIndex());
        }
      }
      for (RexFieldCollation key : window.orderKeys) {
        if (key.left instanceof RexInputRef ref) {
          keys = keys.set(ref.getIndex());
        }
      }
      String maskedTie = null;
      List<String> inputNames = windowRows.pushedInput().getRowType().getFieldNames();
      for (int field : windowRows.read()) {
        if (DistinctRows.distinct(windowRows.pushedInput(), keys)) {
          maskedTie = null;
          break;
        }
        Column column = scope.column(field);
        if (keys.get(column.index())) {
          continue; // equal within the partition, or already ordered by
        }
        if (column instanceof Masked) {
          maskedTie = maskedTie != null ? maskedTie : inputNames.get(column.index());
          continue;
        }
        RelDataType type = scope.pushedType().getFieldList().get(column.index()).getType();
        if (!VisibleOrder.comparable(type.getSqlTypeName())) {
          continue;
        }
        orderKeys.add(new RexFieldCollation(rexBuilder.makeInputRef(type, column.index()),
            java.util.Set.of()));
        keys = keys.set(column.index());
      }
      if (maskedTie != null && !DistinctRows.distinct(windowRows.pushedInput(), keys)) {
        throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, name + "() would take the rows"
            + " of its partition in an order PostgreSQL decides by the raw values behind the"
            + " masked column " + maskedTie + ". Give the window an ORDER BY on columns your role"
            + " sees in clear that tell the rows apart (a key, for example).");
      }
      if (orderKeys.size() == window.orderKeys.size()) {
        return over;
      }
      return rexBuilder.makeOver(over.getType(), over.getAggOperator(), over.getOperands(),
          window.partitionKeys, ImmutableList.copyOf(orderKeys), window.getLowerBound(),
          window.getUpperBound(), window.getExclude(), window.isRows(), true, false,
          over.isDistinct(), over.ignoreNulls());
    }

    private static boolean groupsBound(org.apache.calcite.rex.RexWindowBound bound) {
      return bound.getOffset() instanceof RexCall call
          && call.getOperator() == dev.pangate.engine.sql.GroupsFrames.OFFSET;
    }

    private RexNode rewriteOver(RexOver over) {
      RexWindow window = over.getWindow();
      List<RexNode> partitionKeys = new ArrayList<>();
      boolean tokenKey = false;
      for (RexNode key : window.partitionKeys) {
        MaskedRef masked = maskedRef(key);
        if (masked != null && masked.mask().masking().injective()) {
          partitionKeys.add(masked.raw());
          tokenKey = true;
        } else {
          partitionKeys.add(key.accept(this));
        }
      }
      if (!tokenKey) {
        return super.visitOver(over);
      }
      rawOrder = true;
      List<RexNode> operands = new ArrayList<>();
      for (RexNode operand : over.getOperands()) {
        operands.add(operand.accept(this));
      }
      ImmutableList.Builder<RexFieldCollation> orderKeys = ImmutableList.builder();
      for (RexFieldCollation key : window.orderKeys) {
        orderKeys.add(new RexFieldCollation(key.left.accept(this), key.right));
      }
      return rexBuilder.makeOver(over.getType(), over.getAggOperator(), operands, partitionKeys,
          orderKeys.build(), window.getLowerBound(), window.getUpperBound(), window.getExclude(),
          window.isRows(), true, false, over.isDistinct(), over.ignoreNulls());
    }

    @Override
    public RexNode visitSubQuery(RexSubQuery subQuery) {
      try {
        return rewriteSubQuery(subQuery);
      } catch (CannotPushDown e) {
        throw new Unliftable(e);
      }
    }

    /** Comparisons that read a masked column, rewritten through a proven equivalence. */
    private RexNode rewriteComparison(RexCall call) throws CannotPushDown {
      SqlKind kind = call.getKind();
      switch (kind) {
        case EQUALS, NOT_EQUALS, IS_NOT_DISTINCT_FROM, IS_DISTINCT_FROM -> {
          MaskedRef left = maskedRef(call.getOperands().get(0));
          MaskedRef right = maskedRef(call.getOperands().get(1));
          if (left == null && right == null) {
            return null;
          }
          if (left != null && right != null) {
            if (!MaskSemantics.equivalent(left.mask(), right.mask())) {
              throw new CannotPushDown("a comparison of columns masked differently");
            }
            rawOrder = true; // a merge join or a sort on the raw values
            return rexBuilder.makeCall(call.getOperator(), left.raw(), right.raw());
          }
          MaskedRef masked = left != null ? left : right;
          RexNode other = left != null ? call.getOperands().get(1) : call.getOperands().get(0);
          boolean equality = kind == SqlKind.EQUALS || kind == SqlKind.IS_NOT_DISTINCT_FROM;
          if (!equality || !nullRejecting.contains(call)) {
            throw new CannotPushDown("a comparison of a column masked with "
                + masked.mask().masking().label() + " other than equality in a condition's"
                + " conjunct");
          }
          RexNode raw = unmaskOperand(masked.mask(), other);
          valuesMatched++;
          return left != null
              ? rexBuilder.makeCall(call.getOperator(), masked.raw(), raw)
              : rexBuilder.makeCall(call.getOperator(), raw, masked.raw());
        }
        case SEARCH -> {
          MaskedRef masked = maskedRef(call.getOperands().get(0));
          if (masked == null) {
            return null;
          }
          RexLiteral sargLiteral = (RexLiteral) call.getOperands().get(1);
          Sarg<?> sarg = requireNonNull(sargLiteral.getValueAs(Sarg.class), "sarg");
          if (!sarg.isPoints() || !nullRejecting.contains(call)
              || sarg.nullAs == org.apache.calcite.rex.RexUnknownAs.TRUE) {
            throw new CannotPushDown("a range, NOT IN or nested IN on a masked column");
          }
          List<RexNode> raws = new ArrayList<>();
          rawOrder |= sarg.pointCount > 1; // an index scan reads the raw values in order
          for (var range : sarg.rangeSet.asRanges()) {
            raws.add(unmaskLiteral(masked.mask(), range.lowerEndpoint()));
          }
          return rexBuilder.makeIn(masked.raw(), raws);
        }
        case SOME, ALL -> {
          return rewriteQuantified(call);
        }
        case IS_NULL, IS_NOT_NULL -> {
          MaskedRef masked = maskedRef(call.getOperands().get(0));
          if (masked == null) {
            return null;
          }
          if (!MaskSemantics.preservesNull(masked.mask())) {
            throw new CannotPushDown("IS NULL on a column masked with " + masked.mask().masking().label());
          }
          // IS NOT NULL can be read from the index on the raw column, in raw order.
          rawOrder |= kind == SqlKind.IS_NOT_NULL;
          return rexBuilder.makeCall(call.getOperator(), masked.raw());
        }
        default -> {
          return null;
        }
      }
    }

    /**
     * {@code x = ANY (ARRAY[v1, ...])} with {@code x} masked: the same predicate as
     * {@code x IN (v1, ...)}, and rewritten as that list is, token by token, where a condition's
     * conjunct compares an invertible mask with values. Any other quantified comparison of a
     * masked value (another operator, {@code ALL}, an array that is not a list of values) is the
     * gateway's, over the masked values.
     */
    private RexNode rewriteQuantified(RexCall call) throws CannotPushDown {
      MaskedRef masked = maskedRef(call.getOperands().get(0));
      if (masked == null) {
        return null;
      }
      RexNode array = call.getOperands().get(1);
      while (array.getKind() == SqlKind.CAST) {
        array = ((RexCall) array).getOperands().get(0);
      }
      boolean anyEqual = call.getKind() == SqlKind.SOME
          && call.getOperator() instanceof org.apache.calcite.sql.fun.SqlQuantifyOperator quantify
          && quantify.comparisonKind == SqlKind.EQUALS;
      if (!anyEqual || !nullRejecting.contains(call)
          || array.getKind() != SqlKind.ARRAY_VALUE_CONSTRUCTOR
          || ((RexCall) array).getOperands().isEmpty()) {
        throw new CannotPushDown("a comparison of a column masked with "
            + masked.mask().masking().label() + " with the elements of an array other than"
            + " = ANY (ARRAY[values]) in a condition's conjunct");
      }
      List<RexNode> raws = new ArrayList<>();
      for (RexNode value : ((RexCall) array).getOperands()) {
        raws.add(unmaskOperand(masked.mask(), value));
        valuesMatched++;
      }
      return raws.size() == 1
          ? rexBuilder.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.EQUALS, masked.raw(), raws.get(0))
          : rexBuilder.makeIn(masked.raw(), raws);
    }

    /** The raw counterpart of a literal or parameter compared with an invertible masked column. */
    private RexNode unmaskOperand(MaskOperator mask, RexNode other) throws CannotPushDown {
      RexNode operand = stripCast(other);
      if (operand instanceof RexLiteral literal) {
        if (literal.isNull()) {
          return rexBuilder.makeNullLiteral(mask.rawType());
        }
        Object value = literal.getValue2();
        return unmaskLiteral(mask, value);
      }
      if (operand instanceof RexDynamicParam param) {
        if (!MaskSemantics.invertible(mask)) {
          throw new CannotPushDown("a parameter compared with a column masked with "
              + mask.masking().label());
        }
        return parameters.derive(param, mask, rexBuilder);
      }
      throw new CannotPushDown("a comparison of a masked column with an expression");
    }

    private RexNode unmaskLiteral(MaskOperator mask, Object value) throws CannotPushDown {
      if (!MaskSemantics.invertible(mask)) {
        throw new CannotPushDown("a value compared with a column masked with " + mask.masking().label());
      }
      Object maskedValue = value instanceof org.apache.calcite.util.NlsString nls ? nls.getValue() : value;
      Optional<Object> raw = mask.unmask(maskedValue);
      if (raw.isEmpty()) {
        // Not a value the mask produces for a PAN: only the gateway can tell what matches.
        throw new CannotPushDown("a value that is not a token of " + mask.masking().label());
      }
      // Bound at execution: the raw value never appears in the plan or the SQL text.
      return parameters.deriveFromLiteral(maskedValue, mask, rexBuilder);
    }

    private MaskedRef maskedRef(RexNode node) {
      RexNode operand = stripCast(node);
      if (operand instanceof RexInputRef ref && scope.column(ref.getIndex()) instanceof Masked masked) {
        return new MaskedRef(masked.mask(), rexBuilder.makeInputRef(
            scope.pushedType().getFieldList().get(masked.index()).getType(), masked.index()));
      }
      if (operand instanceof RexFieldAccess access
          && access.getReferenceExpr() instanceof RexCorrelVariable variable) {
        Scope outer = correlations.get(variable.id);
        if (outer != null && outer.column(access.getField().getIndex()) instanceof Masked masked) {
          return new MaskedRef(masked.mask(), rexBuilder.makeFieldAccess(
              rexBuilder.makeCorrel(outer.pushedType(), variable.id), masked.index()));
        }
      }
      return null;
    }

    /** Casts between character types of the same or a wider length change no value. */
    private RexNode stripCast(RexNode node) {
      RexNode current = node;
      while (current.getKind() == SqlKind.CAST) {
        RexNode inner = ((RexCall) current).getOperands().get(0);
        RelDataType from = inner.getType();
        RelDataType to = current.getType();
        boolean widening = SqlTypeFamily.CHARACTER.contains(from) && to.getSqlTypeName() == SqlTypeName.VARCHAR
            && (to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
                || to.getPrecision() >= from.getPrecision())
            && from.getSqlTypeName() == SqlTypeName.VARCHAR;
        boolean sameNumeric = SqlTypeName.NUMERIC_TYPES.contains(from.getSqlTypeName())
            && from.getSqlTypeName() == to.getSqlTypeName() && from.getScale() == to.getScale();
        if (!widening && !sameNumeric) {
          break;
        }
        current = inner;
      }
      return current;
    }

    private RexNode rewriteSubQuery(RexSubQuery subQuery) throws CannotPushDown {
      Lifted lifted = lift(subQuery.rel);
      switch (subQuery.getKind()) {
        case EXISTS, UNIQUE -> {
          return subQuery.clone(lifted.pushed());
        }
        case SCALAR_QUERY, ARRAY_QUERY_CONSTRUCTOR -> {
          Column column = lifted.columns().get(0);
          if (column instanceof Masked masked) {
            throw subQuery.getKind() == SqlKind.SCALAR_QUERY
                ? new CannotPushDown("a scalar sub-query returning a column masked with "
                    + masked.mask().masking().label())
                : new CannotPushDown("ARRAY(SELECT ...) of a column masked with "
                    + masked.mask().masking().label(), ARRAY_OF_MASKED);
          }
          RelNode rows = project(lifted, List.of(column.index()));
          if (subQuery.getKind() == SqlKind.SCALAR_QUERY) {
            return subQuery.clone(rows);
          }
          // ARRAY(SELECT ...) correlated: a scalar sub-query of the one row that collects them,
          // which the SQL sent to PostgreSQL writes as (SELECT ARRAY(SELECT ...))
          RelNode collected = org.apache.calcite.rel.core.Collect.create(rows,
              SqlTypeName.ARRAY, "array");
          RexNode scalar = RexSubQuery.scalar(collected);
          return scalar.getType().equals(subQuery.getType()) ? scalar
              : rexBuilder.makeCast(subQuery.getType(), scalar, true, false);
        }
        case IN, SOME, ALL -> {
          boolean equality = subQuery.getKind() == SqlKind.IN
              || subQuery.op.kind == SqlKind.EQUALS;
          List<RexNode> operands = new ArrayList<>();
          List<Integer> fields = new ArrayList<>();
          for (int i = 0; i < subQuery.getOperands().size(); i++) {
            RexNode operand = subQuery.getOperands().get(i);
            Column column = lifted.columns().get(i);
            MaskedRef masked = maskedRef(operand);
            if (column instanceof Masked inner) {
              if (masked == null || !equality || !MaskSemantics.equivalent(masked.mask(), inner.mask())) {
                throw new CannotPushDown("IN over a sub-query returning a column masked with "
                    + inner.mask().masking().label());
              }
              operands.add(masked.raw());
              rawOrder = true;
            } else {
              operands.add(operand.accept(this));
            }
            fields.add(column.index());
          }
          RexSubQuery rebuilt = subQuery.clone(project(lifted, fields));
          return rebuilt.clone(subQuery.getType(), operands);
        }
        default -> throw new CannotPushDown("a " + subQuery.getKind() + " sub-query");
      }
    }
  }

  private RelNode project(Lifted lifted, List<Integer> fields) {
    List<RexNode> exprs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int field : fields) {
      exprs.add(rexBuilder.makeInputRef(lifted.pushed(), field));
      names.add(lifted.pushed().getRowType().getFieldNames().get(field));
    }
    return LogicalProject.create(lifted.pushed(), ImmutableList.of(), exprs, uniquify(names),
        ImmutableSet.of());
  }

  private static List<String> uniquify(List<String> names) {
    return org.apache.calcite.sql.validate.SqlValidatorUtil.uniquify(names,
        org.apache.calcite.sql.validate.SqlValidatorUtil.EXPR_SUGGESTER, true);
  }
}
