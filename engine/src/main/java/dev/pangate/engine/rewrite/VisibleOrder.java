package dev.pangate.engine.rewrite;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Keeps raw values out of the order of results. When PostgreSQL groups, joins, partitions or
 * matches a list on the raw value behind a mask, it hands rows back in the raw values' order (an
 * index or a sort on them), and a LIMIT keeps the rows that come first in that order. Such a
 * statement gets its order from the gateway instead: the statement's own ORDER BY keys, then every
 * other column as the caller sees it (masked), so that rows come back, and a LIMIT or OFFSET picks
 * them, in an order fixed by what the caller sees alone. Rows that look the same are
 * interchangeable, so their relative order tells nothing.
 */
final class VisibleOrder {

  /** The hint on a sort the gateway must evaluate, never PostgreSQL. */
  static final String HINT = "pangate_visible_order";

  private VisibleOrder() {}

  /** Whether PostgreSQL must not run this sort. */
  static boolean inGateway(Sort sort) {
    return sort.getHints().stream().anyMatch(hint -> hint.hintName.equals(HINT));
  }

  /**
   * The plan with every LIMIT/OFFSET and the statement's final order decided in the gateway: each
   * sort with an offset or fetch, and the top sort (added when the statement has none), is
   * completed with the remaining columns as tie-breakers.
   */
  static RelNode guard(RelNode plan) {
    RelNode limited = plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        if (visited instanceof Sort sort && (sort.offset != null || sort.fetch != null)) {
          return completed(sort);
        }
        return visited;
      }
    });
    if (limited instanceof Sort sort) {
      return completed(sort);
    }
    if (limited instanceof Project project && project.getInput() instanceof Sort sort) {
      return project.copy(project.getTraitSet(), List.of(completed(sort)));
    }
    RelCollation all = withTieBreakers(RelCollations.EMPTY, limited);
    if (all.getFieldCollations().isEmpty()) {
      return limited;
    }
    return hinted(LogicalSort.create(limited, all, null, null));
  }

  private static RelNode completed(Sort sort) {
    if (inGateway(sort)) {
      return sort;
    }
    return hinted(LogicalSort.create(sort.getInput(),
        withTieBreakers(sort.getCollation(), sort.getInput()), sort.offset, sort.fetch));
  }

  private static RelNode hinted(LogicalSort sort) {
    return sort.withHints(List.of(RelHint.builder(HINT).build()));
  }

  /** The collation followed by every other comparable column, ascending. */
  private static RelCollation withTieBreakers(RelCollation collation, RelNode input) {
    List<RelFieldCollation> fields = new ArrayList<>(collation.getFieldCollations());
    List<RelDataTypeField> inputFields = input.getRowType().getFieldList();
    for (RelDataTypeField field : inputFields) {
      boolean present = fields.stream().anyMatch(f -> f.getFieldIndex() == field.getIndex());
      if (!present && comparable(field.getType().getSqlTypeName())) {
        fields.add(new RelFieldCollation(field.getIndex()));
      }
    }
    return RelCollations.of(fields);
  }

  private static boolean comparable(SqlTypeName type) {
    return switch (type) {
      case ARRAY, MAP, MULTISET, ROW, ANY, OTHER, STRUCTURED, DISTINCT, GEOMETRY, CURSOR,
          COLUMN_LIST, VARIANT, UUID, FUNCTION, MEASURE, SARG, SYMBOL, NULL, UNKNOWN -> false;
      default -> true;
    };
  }
}
