package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import org.apache.calcite.rex.RexNode;

/**
 * A role's row filter on one table as writes check it: every row an INSERT or UPDATE leaves in
 * the table must pass the filter, so a role never writes a row it could not then see (what
 * PostgreSQL's row-level security calls {@code WITH CHECK}).
 *
 * @param condition the filter over the raw table's columns, the agent's attributes bound
 * @param role the role whose filter it is
 * @param table the filtered table, {@code schema.table}
 * @param rule the filter as the policy writes it (attribute names, never the bound values)
 */
public record RowFilterCheck(RexNode condition, String role, String table, String rule) {

  public RowFilterCheck {
    requireNonNull(condition, "condition is null");
    requireNonNull(role, "role is null");
    requireNonNull(table, "table is null");
    requireNonNull(rule, "rule is null");
  }

  /** The filter as EXPLAIN and the audit log show it: the table and the policy text. */
  public String label() {
    return table + ": " + rule;
  }

  /**
   * The refusal of a write that would leave rows outside the filter. It names how many rows, never
   * a value of one (a value could be a PAN).
   */
  public EngineException violation(StatementKind kind, long rowsOutside) {
    return new EngineException(ErrorCode.ROW_FILTER_VIOLATION, "The " + kind + " would write "
        + rowsOutside + " row(s) that role '" + role + "' could not see (its row filter for "
        + table + " is: " + rule + "); nothing was written. Write only rows inside your row"
        + " filter.");
  }
}
