package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.RowFilterCheck;
import dev.pangate.engine.rewrite.MaskOperator;
import dev.pangate.engine.rewrite.PolicyFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * What a statement touches, for the audit log (PCI DSS 10.2.2 "data accessed"): tables and
 * columns read, the masks on its result columns and the row filters applied.
 *
 * @param tables tables read, {@code schema.table}
 * @param columns the columns the result is made from, {@code schema.table.column}
 * @param masks result column → mask label (clear columns are not listed)
 * @param rowFilters table → row filter as policy text (values withheld)
 */
public record StatementFacts(List<String> tables, List<String> columns, Map<String, String> masks,
    Map<String, String> rowFilters) {

  public StatementFacts {
    tables = List.copyOf(requireNonNull(tables, "tables is null"));
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    masks = Map.copyOf(requireNonNull(masks, "masks is null"));
    rowFilters = Map.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
  }

  static final StatementFacts NONE = new StatementFacts(List.of(), List.of(), Map.of(), Map.of());

  /**
   * Reads the facts off a rewritten plan (masks above, pushed part below), with the row filter a
   * write checks its rows against.
   */
  static StatementFacts of(PlannedStatement planned, List<String> resultNames) {
    RelNode plan = planned.plan();
    Set<String> tables = new TreeSet<>();
    Set<String> columns = new TreeSet<>();
    Map<String, String> rowFilters = new TreeMap<>();
    collect(plan, tables, rowFilters);
    RowFilterCheck check = planned.rowFilterCheck();
    if (check != null) {
      rowFilters.put(check.table(), check.label());
    }
    addOrigins(plan, columns);
    Map<String, String> masks = new TreeMap<>();
    if (plan instanceof org.apache.calcite.rel.core.Project project) {
      List<RexNode> projects = project.getProjects();
      for (int i = 0; i < projects.size() && i < resultNames.size(); i++) {
        if (projects.get(i) instanceof RexCall call && call.getOperator() instanceof MaskOperator mask) {
          masks.put(resultNames.get(i), mask.masking().label());
        }
      }
    }
    return new StatementFacts(new ArrayList<>(tables), new ArrayList<>(columns), masks, rowFilters);
  }

  private static void collect(RelNode rel, Set<String> tables, Map<String, String> rowFilters) {
    if (rel instanceof TableScan scan) {
      RelOptTable table = scan.getTable();
      String name = String.join(".", table.getQualifiedName());
      tables.add(name);
    }
    if (rel instanceof PolicyFilter filter && filter.getInput() instanceof TableScan scan) {
      rowFilters.put(String.join(".", scan.getTable().getQualifiedName()), filter.label());
    }
    rel.accept(new RexShuttle() {
      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        collect(subQuery.rel, tables, rowFilters);
        return subQuery;
      }
    });
    for (RelNode input : rel.getInputs()) {
      collect(input, tables, rowFilters);
    }
  }

  private static void addOrigins(RelNode rel, Set<String> columns) {
    RelMetadataQuery metadata = rel.getCluster().getMetadataQuery();
    List<RelDataTypeField> fields = rel.getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      Set<RelColumnOrigin> origins;
      try {
        origins = metadata.getColumnOrigins(rel, i);
      } catch (RuntimeException e) {
        continue; // origins are a courtesy for the auditor, never a reason to fail a statement
      }
      if (origins == null) {
        continue;
      }
      for (RelColumnOrigin origin : origins) {
        RelOptTable table = origin.getOriginTable();
        columns.add(String.join(".", table.getQualifiedName()) + "."
            + table.getRowType().getFieldList().get(origin.getOriginColumnOrdinal()).getName());
      }
    }
  }
}
