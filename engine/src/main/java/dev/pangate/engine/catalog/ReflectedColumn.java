package dev.pangate.engine.catalog;

import static java.util.Objects.requireNonNull;

/**
 * One column of a mirrored PostgreSQL table, as reflected at start-up.
 *
 * @param name the PostgreSQL column name
 * @param jdbcType the {@link java.sql.Types} code the driver reports
 * @param typeName PostgreSQL's type name ({@code varchar}, {@code numeric}, {@code timestamptz}, ...)
 * @param precision length or numeric precision, or -1 when unbounded
 * @param scale numeric scale, or -1
 * @param nullable whether the column admits NULL
 */
public record ReflectedColumn(
    String name, int jdbcType, String typeName, int precision, int scale, boolean nullable) {

  public ReflectedColumn {
    requireNonNull(name, "name is null");
    requireNonNull(typeName, "typeName is null");
  }

  /** Whether PostgreSQL stores the column as a number (a PAN kept in {@code numeric} or {@code bigint}). */
  public boolean isNumeric() {
    return switch (typeName) {
      case "numeric", "int8", "int4", "int2", "bigint", "integer", "smallint" -> true;
      default -> false;
    };
  }
}
