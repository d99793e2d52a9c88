package dev.pangate.engine.rewrite;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Keeps raw values out of the order of results. When PostgreSQL groups, joins, partitions or
 * matches a list on the raw value behind a mask, it hands rows back in an order the raw values
 * decide (an index on them, a sort, a hash of them). Everything that depends on that order would
 * then tell something about the raw values: the order of the rows returned, the rows a LIMIT or
 * OFFSET keeps (in a sub-query too: a scalar sub-query's value, the rows an IN list holds), the
 * order in which {@code string_agg} or {@code array_agg} concatenate, the numbers
 * {@code row_number()} hands out. Such a statement gets each of these orders from what the caller
 * sees instead: the statement's own ORDER BY keys, then the other columns that matter, as the
 * caller sees them, so rows that still tie look the same and are interchangeable.
 *
 * <p>This class completes every LIMIT/OFFSET and the statement's final order on the plan; the
 * second lifting pass ({@link MaskLifter} in its visible-order mode) decides where each runs:
 * a sort whose keys are all clear columns (or whose clear keys already tell the rows apart, by a
 * primary key or grouping) runs in PostgreSQL, one that needs a masked value runs in the gateway,
 * and inside a sub-query, where the gateway cannot evaluate it, the statement is refused. The
 * same pass orders order-sensitive aggregates and window functions.
 */
final class VisibleOrder {

  /** The hint on a sort whose order must follow visible values only. */
  static final String HINT = "pangate_visible_order";
  /** The hint option holding how many of the sort's keys the statement wrote (the rest break ties). */
  private static final String OWN_KEYS = "own";

  private VisibleOrder() {}

  /** Whether this sort's order must follow visible values only. */
  static boolean isVisible(Sort sort) {
    return sort.getHints().stream().anyMatch(hint -> hint.hintName.equals(HINT));
  }

  /** How many of a visible-order sort's keys are the statement's own (the rest break ties). */
  static int ownKeys(Sort sort) {
    for (RelHint hint : sort.getHints()) {
      if (hint.hintName.equals(HINT)) {
        return Integer.parseInt(hint.kvOptions.get(OWN_KEYS));
      }
    }
    return sort.getCollation().getFieldCollations().size();
  }

  /**
   * The plan with every LIMIT/OFFSET, in sub-queries too, and the statement's final order
   * completed by visible values: each sort with an offset or fetch, and the top sort (added when
   * the statement has none), gets the remaining columns that matter as tie-breakers.
   */
  static RelNode guard(RelNode plan) {
    RelNode limited = complete(plan, ImmutableBitSet.range(plan.getRowType().getFieldCount()));
    if (limited instanceof TableModify) {
      return limited; // a write returns a count: no order of its own
    }
    if (limited instanceof Sort sort) {
      return isVisible(sort) ? sort : completed(sort, all(sort));
    }
    if (limited instanceof Project project && project.getInput() instanceof Sort sort) {
      return isVisible(sort) ? limited : project.copy(project.getTraitSet(),
          List.of(completed(sort, read(project, 0, all(project)))));
    }
    RelCollation order = withTieBreakers(RelCollations.EMPTY, limited, all(limited));
    if (order.getFieldCollations().isEmpty()) {
      return limited;
    }
    return hinted(LogicalSort.create(limited, order, null, null), 0);
  }

  /**
   * Completes the sorts with an offset or fetch of {@code rel} and below, given the columns of
   * {@code rel} that what reads it depends on.
   */
  private static RelNode complete(RelNode rel, ImmutableBitSet used) {
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (int i = 0; i < rel.getInputs().size(); i++) {
      RelNode input = rel.getInput(i);
      RelNode completed = complete(input, read(rel, i, used));
      inputs.add(completed);
      changed |= completed != input;
    }
    RelNode result = changed ? rel.copy(rel.getTraitSet(), inputs) : rel;
    result = result.accept(new RexShuttle() {
      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        RexSubQuery visited = (RexSubQuery) super.visitSubQuery(subQuery);
        RelNode inner = visited.rel;
        RelNode completed = complete(inner, readBy(visited.getKind(), inner));
        return completed == inner ? visited : visited.clone(completed);
      }
    });
    if (result instanceof Sort sort && (sort.offset != null || sort.fetch != null)
        && !isVisible(sort) && !used.isEmpty()) {
      return completed(sort, used);
    }
    return result;
  }

  /** The columns of a sub-query's rows that its value depends on. */
  private static ImmutableBitSet readBy(SqlKind kind, RelNode rel) {
    return switch (kind) {
      case EXISTS -> ImmutableBitSet.of(); // only whether a row is there
      case SCALAR_QUERY -> ImmutableBitSet.of(0);
      default -> all(rel);
    };
  }

  /**
   * The columns of {@code rel}'s input {@code i} that {@code rel}'s columns {@code used} depend on;
   * every column where correlated sub-queries could read more.
   */
  private static ImmutableBitSet read(RelNode rel, int i, ImmutableBitSet used) {
    RelNode input = rel.getInput(i);
    if (!rel.getVariablesSet().isEmpty() || SubQueryJoins.hasSubQuery(rel)) {
      return all(input);
    }
    if (rel instanceof Project project) {
      List<RexNode> exprs = new ArrayList<>();
      for (int field : used) {
        exprs.add(project.getProjects().get(field));
      }
      return RelOptUtil.InputFinder.bits(exprs, null);
    }
    if (rel instanceof Filter filter) {
      return used.union(RelOptUtil.InputFinder.bits(filter.getCondition()));
    }
    if (rel instanceof Sort sort) {
      ImmutableBitSet.Builder keys = ImmutableBitSet.builder();
      sort.getCollation().getFieldCollations().forEach(f -> keys.set(f.getFieldIndex()));
      return used.union(keys.build());
    }
    if (rel instanceof Aggregate aggregate) {
      ImmutableBitSet.Builder read = ImmutableBitSet.builder();
      read.addAll(aggregate.getGroupSet());
      for (AggregateCall call : aggregate.getAggCallList()) {
        read.addAll(call.getArgList());
        if (call.filterArg >= 0) {
          read.set(call.filterArg);
        }
        call.getCollation().getFieldCollations().forEach(f -> read.set(f.getFieldIndex()));
      }
      return read.build();
    }
    return all(input);
  }

  private static ImmutableBitSet all(RelNode rel) {
    return ImmutableBitSet.range(rel.getRowType().getFieldCount());
  }

  private static RelNode completed(Sort sort, ImmutableBitSet used) {
    int own = sort.getCollation().getFieldCollations().size();
    return hinted(LogicalSort.create(sort.getInput(),
        withTieBreakers(sort.getCollation(), sort.getInput(), used), sort.offset, sort.fetch), own);
  }

  private static RelNode hinted(LogicalSort sort, int ownKeys) {
    return sort.withHints(List.of(RelHint.builder(HINT)
        .hintOption(OWN_KEYS, Integer.toString(ownKeys)).build()));
  }

  /** The collation followed by every other comparable column of {@code used}, ascending. */
  private static RelCollation withTieBreakers(RelCollation collation, RelNode input,
      ImmutableBitSet used) {
    List<RelFieldCollation> fields = new ArrayList<>(collation.getFieldCollations());
    List<RelDataTypeField> inputFields = input.getRowType().getFieldList();
    for (int index : used) {
      boolean present = fields.stream().anyMatch(f -> f.getFieldIndex() == index);
      if (!present && comparable(inputFields.get(index).getType().getSqlTypeName())) {
        fields.add(new RelFieldCollation(index));
      }
    }
    return RelCollations.of(fields);
  }

  static boolean comparable(SqlTypeName type) {
    return switch (type) {
      case ARRAY, MAP, MULTISET, ROW, ANY, OTHER, STRUCTURED, DISTINCT, GEOMETRY, CURSOR,
          COLUMN_LIST, VARIANT, UUID, FUNCTION, MEASURE, SARG, SYMBOL, NULL, UNKNOWN -> false;
      default -> true;
    };
  }
}
