package dev.pangate.engine.policy;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.plan.RowFilterCheck;
import dev.pangate.engine.plan.TableExpansion;
import dev.pangate.engine.rewrite.PolicyFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * A table as a role sees it: {@code Project(masks) <- PolicyFilter(row filter) <- raw scan}.
 * Denied columns are absent from the projection and so from the row type.
 */
final class PolicyExpansion implements TableExpansion {

  private final List<ColumnPlan> columns;
  private final RowFilterBinding filter;
  private final RelDataType rowType;

  PolicyExpansion(List<ColumnPlan> columns, RowFilterBinding filter, RelDataTypeFactory typeFactory) {
    this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
    this.filter = requireNonNull(filter, "filter is null");
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ColumnPlan column : columns) {
      builder.add(column.name(), column.visibleType());
    }
    this.rowType = builder.build();
  }

  @Override
  public java.util.Map<String, dev.pangate.engine.rewrite.MaskOperator> columnMasks() {
    java.util.Map<String, dev.pangate.engine.rewrite.MaskOperator> masks = new java.util.LinkedHashMap<>();
    for (ColumnPlan column : columns) {
      if (column.mask() != null) {
        masks.put(column.name(), column.mask());
      }
    }
    return masks;
  }

  @Override
  public String maskLabel(String column) {
    return columns.stream().filter(c -> c.name().equals(column) && c.mask() != null)
        .map(c -> c.mask().masking().label()).findFirst().orElse("clear");
  }

  @Override
  public RelDataType rowType(RelDataTypeFactory typeFactory) {
    return rowType;
  }

  @Override
  public Optional<RowFilterCheck> rowFilterCheck() {
    return filter.writeCheck();
  }

  @Override
  public RelNode expand(RelBuilder builder) {
    filter.requireAttributes();
    RelNode scan = builder.build();
    RelNode input = filter.condition() == null
        ? scan : PolicyFilter.create(scan, filter.condition(), filter.label());
    RexBuilder rexBuilder = scan.getCluster().getRexBuilder();
    List<RelDataTypeField> raw = scan.getRowType().getFieldList();
    List<RexNode> exprs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (ColumnPlan column : columns) {
      RelDataTypeField field = raw.stream().filter(f -> f.getName().equals(column.name()))
          .findFirst().orElseThrow();
      RexNode ref = rexBuilder.makeInputRef(input, field.getIndex());
      exprs.add(column.mask() == null ? ref
          : rexBuilder.makeCall(column.mask().maskedType(), column.mask(), List.of(ref)));
      names.add(column.name());
    }
    return builder.push(input).project(exprs, names, true).build();
  }
}
