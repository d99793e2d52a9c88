package dev.pangate.engine.policy;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.plan.RowFilterCheck;
import java.util.Optional;
import org.apache.calcite.rex.RexNode;

/**
 * A table's row filter bound to one agent: the compiled predicate over the raw columns, or (when
 * the agent lacks an attribute the filter needs) the message that statements on the table get.
 *
 * @param role the role whose filter it is
 * @param table the filtered table, {@code schema.table}
 * @param rule the filter as policy text (values withheld)
 * @param condition the predicate with the agent's attributes as literals; null when none applies
 * @param missingAttribute why the agent sees no rows, or null
 */
record RowFilterBinding(String role, String table, String rule, RexNode condition,
    String missingAttribute) {

  static final RowFilterBinding NONE = new RowFilterBinding("", "", "", null, null);

  static RowFilterBinding of(String role, String table, String rule, RexNode condition) {
    return new RowFilterBinding(requireNonNull(role, "role is null"),
        requireNonNull(table, "table is null"), requireNonNull(rule, "rule is null"),
        requireNonNull(condition, "condition is null"), null);
  }

  static RowFilterBinding missing(String role, String table, String rule, String message) {
    return new RowFilterBinding(requireNonNull(role, "role is null"),
        requireNonNull(table, "table is null"), requireNonNull(rule, "rule is null"), null,
        requireNonNull(message, "message is null"));
  }

  /** The filter as policy text (values withheld), for EXPLAIN and the audit log. */
  String label() {
    return table + ": " + rule;
  }

  /** Refuses a statement on the table when the agent lacks an attribute the filter needs. */
  void requireAttributes() {
    if (missingAttribute != null) {
      throw new EngineException(ErrorCode.MISSING_AGENT_ATTRIBUTE, missingAttribute);
    }
  }

  /** The filter as writes check it; empty when the table has none for the role. */
  Optional<RowFilterCheck> writeCheck() {
    requireAttributes();
    return condition == null ? Optional.empty()
        : Optional.of(new RowFilterCheck(condition, role, table, rule));
  }
}
