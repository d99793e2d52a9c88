package dev.pangate.engine.plan;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A leaf of a gateway-evaluated plan: the masked rows of the {@code index}-th statement sent to
 * PostgreSQL. Only scannable (never filterable or projectable), so no predicate of the caller is
 * ever pushed into it: predicates above it see masked values.
 */
public final class LeafScan extends AbstractTable implements ScannableTable {

  /** The {@link DataContext} variable holding the statement's leaf sources. */
  public static final String SOURCES = "pangate.leafSources";

  /** Runs a leaf and returns its masked rows (Calcite's internal value representation). */
  @FunctionalInterface
  public interface Sources {
    Enumerable<Object[]> rows(int leaf);
  }

  private final int index;
  private final RelDataType rowType;

  private LeafScan(int index, RelDataType rowType) {
    this.index = index;
    this.rowType = rowType;
  }

  /** A scan of leaf {@code index} with the given (masked) row type. */
  public static RelNode scan(RelOptCluster cluster, int index, RelDataType rowType) {
    LeafScan table = new LeafScan(index, rowType);
    RelOptTable relOptTable = RelOptTableImpl.create(null, rowType,
        List.of("pangate", "leaf" + index), table, c -> null);
    return LogicalTableScan.create(cluster, relOptTable, List.of());
  }

  /** Which leaf of the statement this scans. */
  public int index() {
    return index;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return rowType;
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    Sources sources = (Sources) root.get(SOURCES);
    if (sources == null) {
      throw new IllegalStateException("no leaf sources in the data context");
    }
    return sources.rows(index);
  }
}
