package dev.pangate.engine.rewrite;

import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rex.RexNode;
import com.google.common.collect.ImmutableList;

/**
 * A role's row filter over a raw table scan. A distinct class so the rewrite can tell the
 * policy's predicate from a user's: user predicates never move below it unless they are safe
 * (cannot fail or reveal a value), and when the statement holds an unsafe one the filtered
 * table is fenced off in the SQL sent to PostgreSQL ({@code OFFSET 0}) so PostgreSQL cannot
 * evaluate it on rows the filter removes.
 */
public final class PolicyFilter extends Filter {

  private final String label;
  private final RexNode policyCondition;

  private PolicyFilter(RelOptCluster cluster, RelTraitSet traits, RelNode input, RexNode condition,
      String label, RexNode policyCondition) {
    super(cluster, traits, ImmutableList.<RelHint>of(), input, condition);
    this.label = label;
    this.policyCondition = policyCondition;
  }

  public static PolicyFilter create(RelNode input, RexNode condition, String label) {
    RelOptCluster cluster = input.getCluster();
    return new PolicyFilter(cluster, cluster.traitSetOf(org.apache.calcite.plan.Convention.NONE),
        input, condition, label, condition);
  }

  /**
   * Shows the rule as policy text (the agent's bound values withheld), plus any of the caller's
   * own predicates merged into it.
   */
  @Override
  public RelWriter explainTerms(RelWriter pw) {
    pw.input("input", getInput()).item("rowFilter", label);
    java.util.List<RexNode> policy = RelOptUtil.conjunctions(policyCondition);
    java.util.List<RexNode> merged = new java.util.ArrayList<>();
    for (RexNode conjunct : RelOptUtil.conjunctions(getCondition())) {
      if (!policy.contains(conjunct)) {
        merged.add(conjunct);
      }
    }
    return pw.itemIf("and", merged, !merged.isEmpty());
  }

  /** The filter as EXPLAIN shows it to agents: the table's rule, bound values withheld. */
  public String label() {
    return label;
  }

  @Override
  public PolicyFilter copy(RelTraitSet traitSet, RelNode input, RexNode condition) {
    return new PolicyFilter(getCluster(), traitSet, input, condition, label, policyCondition);
  }
}
