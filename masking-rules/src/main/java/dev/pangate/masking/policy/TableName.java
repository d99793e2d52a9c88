package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** A PostgreSQL table named by schema and table, both lower case as PostgreSQL folds them. */
public record TableName(String schema, String table) implements Comparable<TableName> {

  static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");

  public TableName {
    requireNonNull(schema, "schema is null");
    requireNonNull(table, "table is null");
    if (!IDENTIFIER.matcher(schema).matches() || !IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "a table name is schema.table in lower case (letters, digits, _ and $); got "
              + schema + "." + table);
    }
  }

  /** Parses {@code schema.table}, e.g. {@code payments.cards}. */
  public static TableName parse(String qualified) {
    requireNonNull(qualified, "qualified is null");
    int dot = qualified.indexOf('.');
    if (dot < 0 || qualified.indexOf('.', dot + 1) >= 0) {
      throw new IllegalArgumentException(
          "a table name is schema.table, e.g. payments.cards; got '" + qualified + "'");
    }
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  @Override
  public int compareTo(TableName other) {
    int bySchema = schema.compareTo(other.schema);
    return bySchema != 0 ? bySchema : table.compareTo(other.table);
  }

  /** {@code schema.table}. */
  @Override
  public String toString() {
    return schema + "." + table;
  }
}
