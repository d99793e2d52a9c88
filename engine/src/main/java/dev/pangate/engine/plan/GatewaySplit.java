package dev.pangate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.rewrite.DerivedParameters.Derived;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * A plan cut in two: the part PostgreSQL runs (rendered to SQL) and, above it, what the gateway
 * computes per row (masks: the key never leaves the gateway).
 *
 * @param plan the whole rewritten plan (pushed part with the gateway's masks above), for EXPLAIN
 *     and the audit log
 * @param pushed the relational expression rendered to SQL
 * @param outputs for each result column, how it is made from the pushed row
 * @param derivedParameters parameters of the pushed SQL computed from the caller's (raw values
 *     behind bound tokens), numbered after the caller's
 */
public record GatewaySplit(RelNode plan, RelNode pushed, List<GatewayOutput> outputs,
    List<Derived> derivedParameters) {

  public GatewaySplit {
    requireNonNull(plan, "plan is null");
    requireNonNull(pushed, "pushed is null");
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    derivedParameters = List.copyOf(requireNonNull(derivedParameters, "derivedParameters is null"));
  }

  /** A plan PostgreSQL runs whole, every column passed through. */
  public static GatewaySplit pushedWhole(RelNode plan) {
    List<GatewayOutput> outputs = new ArrayList<>();
    List<RelDataTypeField> fields = plan.getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      outputs.add(GatewayOutput.passThrough(i, fields.get(i).getType()));
    }
    return new GatewaySplit(plan, plan, outputs, List.of());
  }
}
