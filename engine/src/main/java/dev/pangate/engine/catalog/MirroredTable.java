package dev.pangate.engine.catalog;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A PostgreSQL table as Calcite sees it in a raw scan: its full row type, reflected at start-up.
 * Never registered in a schema users can name; it appears only under the scans that a
 * {@link dev.pangate.engine.plan.GatewayTable} builds.
 */
public final class MirroredTable extends AbstractTable {

  private final ReflectedTable source;

  public MirroredTable(ReflectedTable source) {
    this.source = requireNonNull(source, "source is null");
  }

  public ReflectedTable source() {
    return source;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ReflectedColumn column : source.columns()) {
      builder.add(column.name(), TypeMapping.toCalcite(typeFactory, column));
    }
    return builder.build();
  }

  @Override
  public Schema.TableType getJdbcTableType() {
    return source.view() ? Schema.TableType.VIEW : Schema.TableType.TABLE;
  }
}
