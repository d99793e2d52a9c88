package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.catalog.MirroredTable;
import dev.pangate.engine.catalog.ReflectedTable;
import dev.pangate.engine.plan.GatewaySplit.WriteCheck;
import dev.pangate.engine.plan.GatewayTable;
import dev.pangate.engine.plan.RowFilterCheck;
import dev.pangate.engine.rewrite.Lifted.Column;
import dev.pangate.engine.rewrite.Lifted.Masked;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * INSERT, UPDATE and DELETE as one statement on the raw table that obeys the caller's view:
 *
 * <ul>
 *   <li>UPDATE and DELETE reach only rows the caller sees: the target rows are those whose primary
 *       key is in the caller's filtered view under the caller's predicate
 *       ({@code WHERE pk IN (SELECT pk FROM <row filter AND predicate>)});
 *   <li>no write stores a token or a masked value as if it were real: a value written to a
 *       tokenized column must be a token, turned back into its PAN, and only where the role may
 *       detokenize its family; copying a column to a column of the same token family copies the
 *       raw value; anything else written to a masked column is refused;
 *   <li>SET expressions and predicates read raw values only where a proven equivalence allows
 *       it, as for queries; writing from a masked value is refused;
 *   <li>INSERT and UPDATE leave only rows the caller sees: the statement returns the rows it wrote
 *       to a query that counts those outside the caller's row filter ({@link #writeCheck}), and
 *       the executor refuses the write (rolls it back) when there is one.
 * </ul>
 */
final class DmlRewriter {

  private final MaskLifter lifter;
  private final RexBuilder rexBuilder;
  private final DerivedParameters parameters;
  private final Set<String> detokenizeFamilies;

  DmlRewriter(MaskLifter lifter, RexBuilder rexBuilder, DerivedParameters parameters,
      Set<String> detokenizeFamilies) {
    this.lifter = requireNonNull(lifter, "lifter is null");
    this.rexBuilder = requireNonNull(rexBuilder, "rexBuilder is null");
    this.parameters = requireNonNull(parameters, "parameters is null");
    this.detokenizeFamilies = Set.copyOf(detokenizeFamilies);
  }

  /** The raw table's modification, rendered to SQL by the caller. */
  RelNode rewrite(TableModify modify) {
    GatewayTable target = modify.getTable().unwrap(GatewayTable.class);
    if (target == null) {
      throw refused("the target is not a table of your view");
    }
    try {
      return switch (modify.getOperation()) {
        case UPDATE -> update(modify, target);
        case DELETE -> delete(modify, target);
        case INSERT -> insert(modify, target);
        default -> throw refused("MERGE is not supported; use INSERT, UPDATE or DELETE");
      };
    } catch (CannotPushDown e) {
      throw refused("it reads " + e.getMessage() + ", and a write must run as one statement"
          + " in PostgreSQL" + (e.advice() != null ? ". " + e.advice().replaceAll("\\.$", "") : ""));
    }
  }

  /**
   * How an INSERT or UPDATE checks the rows it leaves in the table against the role's row filter
   * on it; null for a DELETE (it leaves no row) and where the role's view of the table has no row
   * filter. The filter reads the rows as stored (a denied column's default included), and its
   * sub-queries the tables as they were before the statement.
   */
  WriteCheck writeCheck(TableModify modify) {
    if (modify.getOperation() == TableModify.Operation.DELETE) {
      return null;
    }
    GatewayTable target = modify.getTable().unwrap(GatewayTable.class);
    if (target == null) {
      throw refused("the target is not a table of your view");
    }
    RowFilterCheck filter = target.expansion().rowFilterCheck().orElse(null);
    if (filter == null) {
      return null;
    }
    RelDataTypeFactory typeFactory = rexBuilder.getTypeFactory();
    List<RelDataTypeField> raw = target.raw().getRowType(typeFactory).getFieldList();
    ImmutableBitSet filterColumns = RelOptUtil.InputFinder.bits(filter.condition());
    // RETURNING needs a column even when the filter reads none.
    ImmutableBitSet read = filterColumns.isEmpty() ? ImmutableBitSet.of(0) : filterColumns;
    RelDataTypeFactory.Builder writtenType = typeFactory.builder();
    List<String> columns = new ArrayList<>();
    for (int column : read) {
      writtenType.add(raw.get(column));
      columns.add(raw.get(column).getName());
    }
    RelOptTable table = RelOptTableImpl.create(modify.getTable().getRelOptSchema(),
        writtenType.build(), List.of(WriteCheck.WRITTEN_ROWS), (Expression) null);
    RelNode written = LogicalTableScan.create(modify.getCluster(), table, List.of());
    RexNode passes = filter.condition().accept(new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return rexBuilder.makeInputRef(ref.getType(), read.indexOf(ref.getIndex()));
      }
    });
    // Unknown counts as outside, as it hides the row from the role.
    RelNode outside = LogicalProject.create(written, ImmutableList.of(),
        List.of(rexBuilder.makeCall(SqlStdOperatorTable.IS_NOT_TRUE, passes)), List.of("outside"),
        ImmutableSet.of());
    RelNode counts = LogicalAggregate.create(outside, ImmutableList.of(), ImmutableBitSet.of(),
        null, List.of(countStar(outside, -1, "written"), countStar(outside, 0, "outside")));
    return new WriteCheck(filter, columns, counts);
  }

  private static AggregateCall countStar(RelNode input, int filterArg, String name) {
    return AggregateCall.create(SqlStdOperatorTable.COUNT, false, false, false, List.of(),
        List.of(), filterArg, null, RelCollations.EMPTY, 0, input, null, name);
  }

  private RelNode update(TableModify modify, GatewayTable target) throws CannotPushDown {
    Project source = (Project) modify.getInput();
    int viewWidth = modify.getTable().getRowType().getFieldCount();
    RelNode rows = source.getInput();
    RelNode scan = rawScan(modify, target, target.raw().getRowType(rexBuilder.getTypeFactory()));
    View view = view(rows);
    List<String> columns = modify.getUpdateColumnList();
    List<RexNode> values = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      RexNode expression = source.getProjects().get(viewWidth + i);
      values.add(writeValue(columns.get(i), expression, view, scan.getRowType()));
    }
    RelNode selected = LogicalFilter.create(scan, targetRows(rows, target, scan));
    List<RexNode> projects = new ArrayList<>();
    for (int i = 0; i < scan.getRowType().getFieldCount(); i++) {
      projects.add(rexBuilder.makeInputRef(scan, i));
    }
    List<RexNode> sourceExpressions = new ArrayList<>();
    for (RexNode value : values) {
      sourceExpressions.add(rexBuilder.makeInputRef(value.getType(), projects.size()));
      projects.add(value);
    }
    RelNode input = LogicalProject.create(selected, ImmutableList.of(), projects,
        (List<String>) null, ImmutableSet.of());
    return LogicalTableModify.create(scan.getTable(), modify.getCatalogReader(), input,
        TableModify.Operation.UPDATE, columns, sourceExpressions, false);
  }

  private RelNode delete(TableModify modify, GatewayTable target) throws CannotPushDown {
    RelNode rows = modify.getInput();
    RelNode scan = rawScan(modify, target, target.raw().getRowType(rexBuilder.getTypeFactory()));
    RelNode selected = LogicalFilter.create(scan, targetRows(rows, target, scan));
    return LogicalTableModify.create(scan.getTable(), modify.getCatalogReader(), selected,
        TableModify.Operation.DELETE, null, null, false);
  }

  private RelNode insert(TableModify modify, GatewayTable target) throws CannotPushDown {
    RelDataType viewType = modify.getTable().getRowType();
    // The columns written are the caller's visible ones: a denied column keeps its default.
    RelNode scanOfVisible = rawScan(modify, target, viewType);
    List<RexNode> values = new ArrayList<>();
    RelNode source = modify.getInput();
    RelNode pushedSource;
    if (source instanceof Values || (source instanceof Project p && p.getInput() instanceof Values
        && p.getProjects().stream().allMatch(e -> e instanceof RexLiteral
            || e instanceof RexDynamicParam || e.isA(SqlKind.CAST)))) {
      pushedSource = insertValues(source, viewType, target);
    } else {
      Lifted lifted = lifter.lift(source);
      List<RexNode> projects = new ArrayList<>();
      for (int i = 0; i < viewType.getFieldCount(); i++) {
        Column column = lifted.columns().get(i);
        Masked targetMask = maskOf(target, viewType.getFieldList().get(i).getName());
        if (targetMask != null || column instanceof Masked) {
          boolean sameFamily = targetMask != null && column instanceof Masked from
              && MaskSemantics.equivalent(from.mask(), targetMask.mask());
          if (!sameFamily) {
            throw refused("it copies a masked value into column "
                + viewType.getFieldList().get(i).getName() + " (only a column of the same token"
                + " family may be copied into a tokenized one)");
          }
        }
        projects.add(rexBuilder.makeInputRef(lifted.pushed(), column.index()));
      }
      pushedSource = LogicalProject.create(lifted.pushed(), ImmutableList.of(), projects,
          viewType.getFieldNames(), ImmutableSet.of());
    }
    return LogicalTableModify.create(scanOfVisible.getTable(), modify.getCatalogReader(),
        pushedSource, TableModify.Operation.INSERT, null, null, false);
  }

  /** VALUES rows, with tokens written to tokenized columns detokenized (where the role may). */
  private RelNode insertValues(RelNode source, RelDataType viewType, GatewayTable target) {
    List<List<RexNode>> tuples = new ArrayList<>();
    if (source instanceof Values values) {
      for (List<RexLiteral> tuple : values.getTuples()) {
        tuples.add(new ArrayList<>(tuple));
      }
    } else {
      tuples.add(new ArrayList<>(((Project) source).getProjects()));
    }
    RelNode input = source instanceof Values ? source : ((Project) source).getInput();
    List<RelNode> rows = new ArrayList<>();
    for (List<RexNode> tuple : tuples) {
      List<RexNode> projects = new ArrayList<>();
      for (int i = 0; i < tuple.size(); i++) {
        String column = viewType.getFieldList().get(i).getName();
        Masked mask = maskOf(target, column);
        projects.add(mask == null ? tuple.get(i) : tokenWrite(column, tuple.get(i), mask));
      }
      RelNode one = source instanceof Values
          ? org.apache.calcite.rel.logical.LogicalValues.createOneRow(source.getCluster()) : input;
      rows.add(LogicalProject.create(one, ImmutableList.of(), projects, viewType.getFieldNames(),
          ImmutableSet.of()));
    }
    return rows.size() == 1 ? rows.get(0)
        : org.apache.calcite.rel.logical.LogicalUnion.create(rows, true);
  }

  /** The target rows: primary keys of the rows the caller sees under its predicate. */
  private RexNode targetRows(RelNode rows, GatewayTable target, RelNode scan) throws CannotPushDown {
    ReflectedTable table = target.raw().source();
    if (table.primaryKey().isEmpty()) {
      throw refused("table " + table.qualifiedName() + " has no primary key, which pangate needs"
          + " to confine a write to the rows you see");
    }
    Lifted lifted = lifter.lift(rows);
    List<String> viewNames = rows.getRowType().getFieldNames();
    List<RexNode> keys = new ArrayList<>();
    List<RexNode> selection = new ArrayList<>();
    List<String> selectionNames = new ArrayList<>();
    for (String key : table.primaryKey()) {
      int viewIndex = viewNames.indexOf(key);
      if (viewIndex < 0 || lifted.columns().get(viewIndex) instanceof Masked) {
        throw refused("the primary key column " + key + " of " + table.qualifiedName()
            + " is not visible in clear to your role");
      }
      RelDataTypeField field = scan.getRowType().getField(key, true, false);
      keys.add(rexBuilder.makeInputRef(scan, field.getIndex()));
      selection.add(rexBuilder.makeInputRef(lifted.pushed(), lifted.columns().get(viewIndex).index()));
      selectionNames.add(key);
    }
    RelNode selected = LogicalProject.create(lifted.pushed(), ImmutableList.of(), selection,
        selectionNames, ImmutableSet.of());
    if (SafeExpressions.needsFence(selected)) {
      selected = Fences.fence(selected, rexBuilder);
    }
    return RexSubQuery.in(selected, ImmutableList.copyOf(keys));
  }

  /** A SET value over the raw row; writes to masked columns only as described above. */
  private RexNode writeValue(String column, RexNode expression, View view, RelDataType rawRow)
      throws CannotPushDown {
    Masked mask = view.maskOf(column);
    if (mask != null) {
      return tokenWrite(column, expression, mask);
    }
    return lifter.rewriteOver(expression, view.columns(), rawRow);
  }

  private RexNode tokenWrite(String column, RexNode value, Masked mask) {
    RexNode operand = value;
    while (operand.isA(SqlKind.CAST)) {
      operand = ((RexCall) operand).getOperands().get(0);
    }
    if (operand instanceof RexLiteral literal && literal.isNull()) {
      return rexBuilder.makeNullLiteral(mask.mask().rawType());
    }
    String family = mask.mask().masking().tokenFamily().orElse(null);
    if (family == null || !(operand instanceof RexLiteral || operand instanceof RexDynamicParam)) {
      throw refused("it writes to column " + column + ", which your role sees masked ("
          + mask.mask().masking().label() + "): pangate never stores a masked value as if it were"
          + " real");
    }
    if (!detokenizeFamilies.contains(family)) {
      throw refused("it writes to column " + column + ", which your role sees as tokens of family '"
          + family + "'; storing the PAN a token stands for needs the detokenize permission for"
          + " that family (roles.<role>.detokenize in the policy)");
    }
    if (operand instanceof RexLiteral literal
        && mask.mask().unmask(literal.getValue2() instanceof org.apache.calcite.util.NlsString nls
            ? nls.getValue() : literal.getValue2()).isEmpty()) {
      throw new EngineException(ErrorCode.NOT_A_TOKEN, "The value written to column " + column
          + " is not a token of family '" + family + "'.");
    }
    return parameters.deriveForWrite(operand, mask.mask(), rexBuilder);
  }

  /** How the view's columns map onto the raw row (through the table's expansion). */
  private View view(RelNode rows) throws CannotPushDown {
    RelNode node = rows;
    while (node instanceof Filter filter) {
      node = filter.getInput();
    }
    Lifted expansion = lifter.lift(node);
    return new View(expansion.columns(), node.getRowType().getFieldNames());
  }

  private record View(List<Column> columns, List<String> names) {
    Masked maskOf(String column) {
      int index = names.indexOf(column);
      return index >= 0 && columns.get(index) instanceof Masked masked ? masked : null;
    }
  }

  private static Masked maskOf(GatewayTable target, String column) {
    MaskOperator operator = target.expansion().columnMasks().get(column);
    return operator == null ? null : new Masked(0, operator);
  }

  private RelNode rawScan(TableModify modify, GatewayTable target, RelDataType rowType) {
    MirroredTable raw = target.raw();
    RelOptTable table = RelOptTableImpl.create(modify.getTable().getRelOptSchema(), rowType,
        List.of(raw.source().schema(), raw.source().name()), raw, c -> null);
    return LogicalTableScan.create(modify.getCluster(), table, List.of());
  }

  private static EngineException refused(String why) {
    return new EngineException(ErrorCode.WRITE_REFUSED, "pangate refuses this write: " + why + ".");
  }
}
