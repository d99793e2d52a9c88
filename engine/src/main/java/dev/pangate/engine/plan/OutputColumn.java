package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rel.type.RelDataType;

/**
 * A column of a statement's result as the caller sees it.
 *
 * @param name the column label (as the caller wrote or Calcite derived it)
 * @param type its SQL type
 */
public record OutputColumn(String name, RelDataType type) {

  public OutputColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
