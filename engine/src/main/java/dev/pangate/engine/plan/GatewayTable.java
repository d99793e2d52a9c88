package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.catalog.MirroredTable;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * A table as one view of the database (a role, or the unrestricted view) presents it. Every
 * reference to it, wherever it appears in a statement, is expanded by {@link #toRel} into the
 * view's {@link TableExpansion} over a scan of the raw PostgreSQL table, so no query shape
 * reaches the raw table around the policy.
 */
public final class GatewayTable extends AbstractTable implements TranslatableTable {

  private final MirroredTable raw;
  private final List<String> rawName;
  private final TableExpansion expansion;

  public GatewayTable(MirroredTable raw, TableExpansion expansion) {
    this.raw = requireNonNull(raw, "raw is null");
    this.expansion = requireNonNull(expansion, "expansion is null");
    this.rawName = List.of(raw.source().schema(), raw.source().name());
  }

  public MirroredTable raw() {
    return raw;
  }

  public TableExpansion expansion() {
    return expansion;
  }

  /** How a visible column is masked, for metadata. */
  public String maskLabel(String column) {
    return expansion.maskLabel(column);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return expansion.rowType(typeFactory);
  }

  @Override
  public Schema.TableType getJdbcTableType() {
    return raw.getJdbcTableType();
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    RelOptTable rawTable = RelOptTableImpl.create(relOptTable.getRelOptSchema(),
        raw.getRowType(context.getCluster().getTypeFactory()), rawName, raw,
        clazz -> {
          throw new IllegalStateException("raw PostgreSQL tables are read through pushed SQL only");
        });
    RelBuilder builder = RelBuilder.proto(context.getCluster().getPlanner().getContext())
        .create(context.getCluster(), relOptTable.getRelOptSchema());
    builder.push(LogicalTableScan.create(context.getCluster(), rawTable, context.getTableHints()));
    return expansion.expand(builder);
  }
}
