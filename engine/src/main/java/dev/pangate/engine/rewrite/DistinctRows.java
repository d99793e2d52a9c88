package dev.pangate.engine.rewrite;

import dev.pangate.engine.catalog.MirroredTable;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Whether some columns of a plan over raw tables tell its rows apart, known from primary keys
 * and grouping alone: a primary key reached through filters and projections of its columns, the
 * keys of a GROUP BY, a single row. Conservative: anything else (joins, computed columns) is not
 * known to be distinct. Ordering by such columns fixes the order of every row, so no tie is left
 * for anything else to decide.
 */
final class DistinctRows {

  private DistinctRows() {}

  static boolean distinct(RelNode rel, ImmutableBitSet columns) {
    if (rel instanceof Filter || rel instanceof Sort) {
      return distinct(rel.getInput(0), columns);
    }
    if (rel instanceof Project project) {
      ImmutableBitSet.Builder inputs = ImmutableBitSet.builder();
      List<RexNode> projects = project.getProjects();
      for (int column : columns) {
        if (projects.get(column) instanceof RexInputRef ref) {
          inputs.set(ref.getIndex());
        }
      }
      return distinct(project.getInput(), inputs.build());
    }
    if (rel instanceof Aggregate aggregate) {
      if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
        return false;
      }
      // The group keys are the first columns; no keys is a single row.
      return columns.contains(ImmutableBitSet.range(aggregate.getGroupCount()));
    }
    if (rel instanceof Values values) {
      return values.getTuples().size() <= 1;
    }
    if (rel instanceof TableScan scan) {
      MirroredTable table = scan.getTable().unwrap(MirroredTable.class);
      if (table == null || table.source().primaryKey().isEmpty()) {
        return false;
      }
      List<String> names = scan.getRowType().getFieldNames();
      for (String key : table.source().primaryKey()) {
        int index = names.indexOf(key);
        if (index < 0 || !columns.get(index)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
