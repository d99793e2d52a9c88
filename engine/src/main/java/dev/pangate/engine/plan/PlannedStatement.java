package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.rewrite.DerivedParameters.Derived;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A statement ready to run: the rewritten logical plan, the SQL PostgreSQL runs, and how the
 * gateway makes the result from PostgreSQL's rows. Immutable; may be cached and executed many
 * times with different parameters.
 *
 * @param kind what the statement does
 * @param explain whether the caller asked for EXPLAIN (the plan is shown, nothing runs)
 * @param sql the statement as the caller wrote it
 * @param plan the logical plan after the rewrite (what the audit log records)
 * @param queries the statements sent to PostgreSQL (one unless the gateway evaluates a part)
 * @param gatewayPlan what the gateway evaluates over the queries' rows ({@link LeafScan}s), or
 *     null when the single query's (masked) rows are the result
 * @param columns the result columns the caller sees
 * @param parameterTypes the types of the statement's {@code ?} parameters, in order
 * @param derivedParameters parameters of the pushed SQL computed from the caller's
 * @param writeTarget the table a write changes ({@code schema.table}), null for queries
 * @param countRows for a write, SQL counting the rows it would change; null for queries
 * @param previewRows for a write, SQL reading the first {@link #PREVIEW_ROWS} rows it would
 *     change (an UPDATE's or DELETE's primary keys, an INSERT's new rows); null for queries and
 *     where the table has no primary key
 * @param rowFilterCheck for an INSERT or UPDATE through a row filter, that filter: the pushed SQL
 *     then returns the rows written and how many of them fail it, and the write is refused unless
 *     none does; null otherwise
 */
public record PlannedStatement(
    StatementKind kind,
    boolean explain,
    String sql,
    RelNode plan,
    List<PushedQuery> queries,
    RelNode gatewayPlan,
    List<OutputColumn> columns,
    List<RelDataType> parameterTypes,
    List<Derived> derivedParameters,
    String writeTarget,
    PushdownSql countRows,
    PushdownSql previewRows,
    RowFilterCheck rowFilterCheck) {

  /** How many of a held write's rows the approver's preview shows at most. */
  public static final int PREVIEW_ROWS = 20;

  public PlannedStatement {
    requireNonNull(kind, "kind is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(plan, "plan is null");
    queries = List.copyOf(requireNonNull(queries, "queries is null"));
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    parameterTypes = List.copyOf(requireNonNull(parameterTypes, "parameterTypes is null"));
    derivedParameters = List.copyOf(requireNonNull(derivedParameters, "derivedParameters is null"));
    if (kind.isWrite() != (writeTarget != null)) {
      throw new IllegalArgumentException("a write names its target table, a query none");
    }
    if (rowFilterCheck != null && kind != StatementKind.INSERT && kind != StatementKind.UPDATE) {
      throw new IllegalArgumentException("only an INSERT or an UPDATE checks the rows it writes");
    }
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("a statement sends at least one query to PostgreSQL");
    }
    if (gatewayPlan == null && queries.get(0).outputs().size() != columns.size()) {
      throw new IllegalArgumentException("one output per column: "
          + queries.get(0).outputs().size() + " outputs, " + columns.size() + " columns");
    }
  }

  /** The same statement with the queries' outputs and the columns typed as PostgreSQL computes them. */
  public PlannedStatement withResultTypes(List<PushedQuery> typedQueries,
      List<OutputColumn> typedColumns) {
    return new PlannedStatement(kind, explain, sql, plan, typedQueries, gatewayPlan, typedColumns,
        parameterTypes, derivedParameters, writeTarget, countRows, previewRows, rowFilterCheck);
  }

  /** The SQL sent to PostgreSQL (several statements separated by a line, when the gateway evaluates a part). */
  public String pushedSql() {
    return String.join(";\n", pushedSqlList());
  }

  /** Each statement sent to PostgreSQL. */
  public List<String> pushedSqlList() {
    return queries.stream().map(q -> q.sql().sql()).toList();
  }

  /** Whether part of the statement is evaluated by the gateway over masked values. */
  public boolean gatewayEvaluated() {
    return gatewayPlan != null;
  }

  /** The logical plan as text. */
  public String planText() {
    return QueryPlanner.explain(plan);
  }
}
