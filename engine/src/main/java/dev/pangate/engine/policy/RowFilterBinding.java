package dev.pangate.engine.policy;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rex.RexNode;

/**
 * A table's row filter bound to one agent: the compiled predicate over the raw columns, or (when
 * the agent lacks an attribute the filter needs) the message that statements on the table get.
 *
 * @param label the filter as policy text (values withheld), for EXPLAIN and the audit log
 * @param condition the predicate with the agent's attributes as literals; null when none applies
 * @param missingAttribute why the agent sees no rows, or null
 */
record RowFilterBinding(String label, RexNode condition, String missingAttribute) {

  static final RowFilterBinding NONE = new RowFilterBinding("", null, null);

  static RowFilterBinding of(String label, RexNode condition) {
    return new RowFilterBinding(requireNonNull(label, "label is null"),
        requireNonNull(condition, "condition is null"), null);
  }

  static RowFilterBinding missing(String label, String message) {
    return new RowFilterBinding(label, null, requireNonNull(message, "message is null"));
  }

  boolean filters() {
    return condition != null || missingAttribute != null;
  }
}
