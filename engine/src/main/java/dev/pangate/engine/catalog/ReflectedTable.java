package dev.pangate.engine.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL table or view of a mirrored schema, reflected once at start-up.
 *
 * @param schema PostgreSQL schema name
 * @param name table name
 * @param view whether it is a view (or materialized view) rather than a table
 * @param columns the columns in PostgreSQL's order
 * @param primaryKey the primary key's columns, in key order (empty when there is none)
 * @param foreignKeys the foreign keys it declares
 */
public record ReflectedTable(String schema, String name, boolean view, List<ReflectedColumn> columns,
    List<String> primaryKey, List<ForeignKey> foreignKeys) {

  public ReflectedTable {
    requireNonNull(schema, "schema is null");
    requireNonNull(name, "name is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
    foreignKeys = List.copyOf(requireNonNull(foreignKeys, "foreignKeys is null"));
  }

  /**
   * A foreign key: {@code columns} of this table reference {@code referencedColumns} of another,
   * position by position.
   *
   * @param name the constraint's name
   */
  public record ForeignKey(String name, List<String> columns, String referencedSchema,
      String referencedTable, List<String> referencedColumns) {
    public ForeignKey {
      requireNonNull(name, "name is null");
      columns = List.copyOf(columns);
      requireNonNull(referencedSchema, "referencedSchema is null");
      requireNonNull(referencedTable, "referencedTable is null");
      referencedColumns = List.copyOf(referencedColumns);
    }
  }

  public Optional<ReflectedColumn> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  /** {@code schema.name} as written in policies and messages. */
  public String qualifiedName() {
    return schema + "." + name;
  }
}
