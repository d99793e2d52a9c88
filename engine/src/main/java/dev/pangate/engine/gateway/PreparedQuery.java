package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A statement planned for one agent under one policy generation: what the endpoints prepare,
 * describe to clients and execute (possibly many times, with different parameters).
 *
 * @param planned the plan, pushed SQL and result columns
 * @param facts what it touches, for the audit log
 * @param agentExplain the plan as the agent may see it (masks and filters by name, values withheld)
 * @param generation the policy generation it was planned under
 */
public record PreparedQuery(PlannedStatement planned, StatementFacts facts, List<String> agentExplain,
    long generation) {

  public PreparedQuery {
    requireNonNull(planned, "planned is null");
    requireNonNull(facts, "facts is null");
    agentExplain = List.copyOf(requireNonNull(agentExplain, "agentExplain is null"));
  }

  public String sql() {
    return planned.sql();
  }

  public List<OutputColumn> columns() {
    return planned.columns();
  }

  public List<RelDataType> parameterTypes() {
    return planned.parameterTypes();
  }
}
