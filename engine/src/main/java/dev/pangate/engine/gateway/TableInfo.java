package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A table as an agent's metadata calls show it: only tables and columns its role sees.
 *
 * @param schema the schema name
 * @param name the table name
 * @param view whether PostgreSQL holds it as a view
 * @param columns its visible columns, in order
 */
public record TableInfo(String schema, String name, boolean view, List<ColumnInfo> columns) {

  public TableInfo {
    requireNonNull(schema, "schema is null");
    requireNonNull(name, "name is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
  }

  /**
   * A visible column.
   *
   * @param name the column name
   * @param jdbcType its {@link java.sql.Types} code as the role sees it (a masked column's type)
   * @param typeName the SQL type name
   * @param precision length or precision, -1 when unbounded
   * @param scale numeric scale, -1 when not applicable
   * @param nullable whether it may be NULL
   * @param mask the mask the role sees it through ({@code clear} when none)
   */
  public record ColumnInfo(String name, int jdbcType, String typeName, int precision, int scale,
      boolean nullable, String mask) {
    public ColumnInfo {
      requireNonNull(name, "name is null");
      requireNonNull(typeName, "typeName is null");
      requireNonNull(mask, "mask is null");
    }
  }
}
