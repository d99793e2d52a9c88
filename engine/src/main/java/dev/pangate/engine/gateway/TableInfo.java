package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.catalog.ReflectedTable;
import java.util.List;

/**
 * A table as an agent's metadata calls show it: only tables and columns its role sees.
 *
 * @param schema the schema name
 * @param name the table name
 * @param view whether PostgreSQL holds it as a view
 * @param columns its visible columns, in order
 * @param primaryKey its primary key's columns, when the role sees all of them (else empty)
 * @param foreignKeys its foreign keys whose columns, and the table and columns they reference,
 *     the role sees
 */
public record TableInfo(String schema, String name, boolean view, List<ColumnInfo> columns,
    List<String> primaryKey, List<ReflectedTable.ForeignKey> foreignKeys) {

  public TableInfo {
    requireNonNull(schema, "schema is null");
    requireNonNull(name, "name is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
    foreignKeys = List.copyOf(requireNonNull(foreignKeys, "foreignKeys is null"));
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
