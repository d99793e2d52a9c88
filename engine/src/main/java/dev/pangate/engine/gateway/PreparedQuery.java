package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.EventEncoder;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.QueryPlanner;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A statement planned for one agent under one policy generation: what the endpoints prepare,
 * describe to clients and execute (possibly many times, with different parameters).
 *
 * <p>The plan may be shared by statements that differ only in the values they compare columns
 * with: those values were lifted out of the text ({@link dev.pangate.engine.sql.LiteralLifter})
 * and are bound as parameters of the shared plan.
 *
 * @param sql the statement as the caller wrote it
 * @param planned the plan, pushed SQL and result columns (of the lifted text when shared)
 * @param facts what it touches, for the audit log
 * @param planText the rewritten plan as text, for the audit log
 * @param generation the policy generation it was planned under
 * @param liftedValues the values lifted out of {@code sql}, bound as the plan's parameters; null
 *     when the plan is the statement's own
 * @param audit the fields of its audit entries that are the same at every execution, scrubbed and
 *     encoded once (made from the others when null)
 */
public record PreparedQuery(String sql, PlannedStatement planned, StatementFacts facts,
    String planText, long generation, List<Object> liftedValues, EventEncoder.Prepared audit) {

  public PreparedQuery {
    requireNonNull(sql, "sql is null");
    requireNonNull(planned, "planned is null");
    requireNonNull(facts, "facts is null");
    requireNonNull(planText, "planText is null");
    liftedValues = liftedValues == null ? null
        : Collections.unmodifiableList(new java.util.ArrayList<>(liftedValues));
    if (audit == null) {
      audit = EventEncoder.Prepared.of(facts.tables(), facts.columns(), facts.masks(), facts.rowFilters(),
          sql, planText, planned.explain() ? List.of() : planned.pushedSqlList());
    }
  }

  public PreparedQuery(String sql, PlannedStatement planned, StatementFacts facts, String planText,
      long generation, List<Object> liftedValues) {
    this(sql, planned, facts, planText, generation, liftedValues, null);
  }

  /** The same plan for another statement text that differs only in lifted values. */
  PreparedQuery withLiftedValues(String text, List<Object> values) {
    return new PreparedQuery(text, planned, facts, planText, generation, values, audit.withSql(text));
  }

  /** EXPLAIN's one result column: a line of the plan per row. */
  static final OutputColumn PLAN_COLUMN = new OutputColumn("plan",
      QueryPlanner.TYPE_FACTORY.createSqlType(SqlTypeName.VARCHAR));

  /** The result's columns: the statement's, or for EXPLAIN the plan's one text column. */
  public List<OutputColumn> columns() {
    return planned.explain() ? List.of(PLAN_COLUMN) : planned.columns();
  }

  /** Whether running it changes rows (a write, not an EXPLAIN of one): its result is a count. */
  public boolean writes() {
    return planned.kind().isWrite() && !planned.explain();
  }

  /** The parameters the caller binds ({@code ?} in the caller's text). */
  public List<RelDataType> parameterTypes() {
    return liftedValues == null ? planned.parameterTypes() : List.of();
  }

  /** The plan's parameter values for the caller's parameter values. */
  List<?> bind(List<?> callerParameters) {
    return liftedValues == null ? callerParameters : liftedValues;
  }

  /** EXPLAIN's text for the agent (masks and filters by name, values withheld). */
  public List<String> agentExplain() {
    return AgentExplain.lines(planned);
  }
}
