package dev.pangate.engine.policy;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.rewrite.MaskOperator;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A column a role sees: its raw type and its mask ({@code null} when shown in clear).
 */
record ColumnPlan(String name, RelDataType rawType, MaskOperator mask) {

  ColumnPlan {
    requireNonNull(name, "name is null");
    requireNonNull(rawType, "rawType is null");
  }

  RelDataType visibleType() {
    return mask == null ? rawType : mask.maskedType();
  }
}
