package dev.pangate.engine.plan;

import java.util.Optional;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.tools.RelBuilder;

/**
 * What a reference to a table becomes in a view of the database: the row type the caller sees
 * and the relational expression that replaces the reference (for a role: masks over the row
 * filter over the raw scan).
 */
public interface TableExpansion {

  /** The row type the caller sees (denied columns absent, masked columns with their mask's type). */
  RelDataType rowType(RelDataTypeFactory typeFactory);

  /**
   * Builds the expansion on top of the raw scan, which the builder holds as its only input.
   * The result's row type must equal {@link #rowType}.
   */
  RelNode expand(RelBuilder builder);

  /** How a column is masked in this view, for metadata: {@code clear} unless a mask applies. */
  default String maskLabel(String column) {
    return "clear";
  }

  /** The masked columns of this view and their masks (none in clear), for writes. */
  default java.util.Map<String, dev.pangate.engine.rewrite.MaskOperator> columnMasks() {
    return java.util.Map.of();
  }

  /**
   * The row filter every row written through this view must pass; empty when the view shows every
   * row of the table (a write then needs no check).
   *
   * @throws dev.pangate.engine.EngineException when the view shows no row because the agent lacks
   *     an attribute the filter needs (no write can pass)
   */
  default Optional<RowFilterCheck> rowFilterCheck() {
    return Optional.empty();
  }

  /** The unrestricted expansion: the raw table, every column in clear. */
  static TableExpansion identity(RelDataType rawRowType) {
    return new TableExpansion() {
      @Override
      public RelDataType rowType(RelDataTypeFactory typeFactory) {
        return rawRowType;
      }

      @Override
      public RelNode expand(RelBuilder builder) {
        return builder.build();
      }
    };
  }
}
