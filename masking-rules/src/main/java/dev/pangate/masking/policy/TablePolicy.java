package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A role's rule for one table it may see: the mask of each named column, what columns it does not
 * name look like, the row filter and what it may write. {@code justifications} holds, for columns
 * whose rule gives one, the business need for the view the mask allows (documentation only).
 */
public record TablePolicy(
    TableName table,
    ColumnDefault columnsDefault,
    Map<String, ColumnMask> columns,
    Optional<RowFilter> rowFilter,
    DmlRule dml,
    Map<String, String> justifications,
    SourceLocation location) {

  /** A table rule without column justifications. */
  public TablePolicy(TableName table, ColumnDefault columnsDefault, Map<String, ColumnMask> columns,
      Optional<RowFilter> rowFilter, DmlRule dml, SourceLocation location) {
    this(table, columnsDefault, columns, rowFilter, dml, Map.of(), location);
  }

  public TablePolicy {
    requireNonNull(justifications, "justifications is null");
    requireNonNull(table, "table is null");
    requireNonNull(columnsDefault, "columnsDefault is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(rowFilter, "rowFilter is null");
    requireNonNull(dml, "dml is null");
    requireNonNull(location, "location is null");
    for (String column : columns.keySet()) {
      if (!Names.COLUMN.matcher(column).matches()) {
        throw new IllegalArgumentException("column names are lower case identifiers; got " + column);
      }
    }
    columns = java.util.Collections.unmodifiableMap(new TreeMap<>(columns));
    for (String column : justifications.keySet()) {
      if (!columns.containsKey(column)) {
        throw new IllegalArgumentException("a justification for column " + column + ", which has no rule");
      }
    }
    justifications = java.util.Collections.unmodifiableMap(new TreeMap<>(justifications));
  }

  /**
   * The mask for a column: the one the policy names, else {@code clear} or {@code deny} per
   * {@link #columnsDefault()} (located at the table's {@code columns_default}).
   */
  public ColumnMask maskFor(String column) {
    requireNonNull(column, "column is null");
    ColumnMask named = columns.get(column);
    if (named != null) {
      return named;
    }
    SourceLocation where = location.child("columns_default");
    return columnsDefault == ColumnDefault.CLEAR
        ? new ColumnMask.Clear(where)
        : new ColumnMask.Deny(where);
  }

  /** The business justification the column's rule gives, or empty. */
  public Optional<String> justification(String column) {
    return Optional.ofNullable(justifications.get(requireNonNull(column, "column is null")));
  }

  /** Whether the column exists for the role (its mask is not {@code deny}). */
  public boolean isVisible(String column) {
    return !(maskFor(column) instanceof ColumnMask.Deny);
  }
}
