package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.rewrite.DerivedParameters.Derived;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A statement ready to run: the rewritten logical plan, the SQL PostgreSQL runs, and how each
 * result column is made from PostgreSQL's row. Immutable; may be cached and executed many times
 * with different parameters.
 *
 * @param kind what the statement does
 * @param explain whether the caller asked for EXPLAIN (the plan is shown, nothing runs)
 * @param sql the statement as the caller wrote it
 * @param plan the logical plan after the rewrite (what the audit log records)
 * @param pushed the SQL sent to PostgreSQL
 * @param pushedColumns how many columns the pushed SQL returns
 * @param columns the result columns the caller sees
 * @param outputs for each result column, how the gateway produces it from the pushed row
 * @param parameterTypes the types of the statement's {@code ?} parameters, in order
 * @param derivedParameters parameters of the pushed SQL computed from the caller's
 */
public record PlannedStatement(
    StatementKind kind,
    boolean explain,
    String sql,
    RelNode plan,
    PushdownSql pushed,
    int pushedColumns,
    List<OutputColumn> columns,
    List<GatewayOutput> outputs,
    List<RelDataType> parameterTypes,
    List<Derived> derivedParameters) {

  public PlannedStatement {
    requireNonNull(kind, "kind is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(plan, "plan is null");
    requireNonNull(pushed, "pushed is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    parameterTypes = List.copyOf(requireNonNull(parameterTypes, "parameterTypes is null"));
    derivedParameters = List.copyOf(requireNonNull(derivedParameters, "derivedParameters is null"));
    if (outputs.size() != columns.size()) {
      throw new IllegalArgumentException(
          "one output per column: " + outputs.size() + " outputs, " + columns.size() + " columns");
    }
  }

  /** The SQL sent to PostgreSQL. */
  public String pushedSql() {
    return pushed.sql();
  }

  /** The logical plan as text. */
  public String planText() {
    return QueryPlanner.explain(plan);
  }
}
