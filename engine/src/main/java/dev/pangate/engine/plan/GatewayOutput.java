package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rel.type.RelDataType;

/**
 * How one result column is produced from the row PostgreSQL returns: the pushed column it reads
 * (with that column's type) and the transform the gateway applies, if any.
 *
 * @param source zero-based index into the pushed SQL's result columns
 * @param sourceType the SQL type of that pushed column
 * @param transform the gateway-side function (a mask), or null to pass the value through
 */
public record GatewayOutput(int source, RelDataType sourceType, ValueTransform transform) {

  public GatewayOutput {
    if (source < 0) {
      throw new IllegalArgumentException("source must be >= 0, got " + source);
    }
    requireNonNull(sourceType, "sourceType is null");
  }

  public static GatewayOutput passThrough(int source, RelDataType type) {
    return new GatewayOutput(source, type, null);
  }
}
