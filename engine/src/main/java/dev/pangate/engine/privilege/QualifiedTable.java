package dev.pangate.engine.privilege;

import java.util.Objects;

/**
 * A table named by schema and table, exactly as PostgreSQL spells them (unquoted names are lower
 * case there).
 */
public record QualifiedTable(String schema, String table) implements Comparable<QualifiedTable> {

  public QualifiedTable {
    Objects.requireNonNull(schema, "schema is null");
    Objects.requireNonNull(table, "table is null");
    if (schema.isEmpty() || table.isEmpty()) {
      throw new IllegalArgumentException("schema and table must not be empty");
    }
  }

  @Override
  public int compareTo(QualifiedTable other) {
    int bySchema = schema.compareTo(other.schema);
    return bySchema != 0 ? bySchema : table.compareTo(other.table);
  }

  /** {@code schema.table}. */
  @Override
  public String toString() {
    return schema + "." + table;
  }
}
