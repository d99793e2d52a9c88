package dev.pangate.engine.rewrite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql2rel.RelDecorrelator;

/**
 * Scalar, {@code IN} and {@code EXISTS} sub-queries as joins, for the part of a statement the
 * gateway evaluates over masked values: a sub-query that returns or compares a masked value is
 * then evaluated exactly as the same comparison written as a join (over the values the caller
 * sees, every mask kind alike), instead of being refused. The rewrite is Calcite's (sub-query
 * removal, then decorrelation); it is used only if every table reference keeps its policy
 * expansion untouched (masks over the row filter over the scan, nothing moved into or between
 * them), so no user predicate comes to run below a mask or inside a row filter.
 */
final class SubQueryJoins {

  private SubQueryJoins() {}

  /** Sub-queries in the caller's filters only: a row filter's stay in the SQL PostgreSQL runs. */
  private static final org.apache.calcite.plan.RelOptRule USER_FILTERS =
      CoreRules.FILTER_SUB_QUERY_TO_CORRELATE.config
          .withOperandSupplier(b -> b.operand(org.apache.calcite.rel.logical.LogicalFilter.class)
              .predicate(org.apache.calcite.rex.RexUtil.SubQueryFinder::containsSubQuery)
              .anyInputs())
          .toRule();

  /** The plan with its sub-queries as joins, or null if that cannot be done keeping the policy. */
  static RelNode rewrite(RelNode rel) {
    // Each table reference is sealed behind a placeholder scan while Calcite rewrites the plan:
    // its rules cannot move a predicate below the masks or into the row filter they cannot see.
    List<RelNode> sealed = new ArrayList<>();
    RelNode placeholders = rel.accept(new Sealer(sealed));
    HepPlanner planner = new HepPlanner(HepProgram.builder()
        .addRuleInstance(USER_FILTERS)
        .addRuleInstance(CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE)
        .addRuleInstance(CoreRules.JOIN_SUB_QUERY_TO_CORRELATE)
        .build());
    planner.setRoot(placeholders);
    RelNode joined;
    try {
      joined = RelDecorrelator.decorrelateQuery(planner.findBestExp(),
          RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null));
    } catch (RuntimeException | AssertionError e) {
      return null; // a form Calcite cannot decorrelate: refused as before
    }
    joined = joined.accept(new org.apache.calcite.rel.RelHomogeneousShuttle() {
      @Override
      public RelNode visit(TableScan scan) {
        dev.pangate.engine.plan.LeafScan leaf = scan.getTable().unwrap(dev.pangate.engine.plan.LeafScan.class);
        return leaf == null ? scan : sealed.get(leaf.index());
      }
    });
    if (correlatedOrNested(joined) || !expansions(joined).stream()
        .allMatch(expansions(rel)::contains)) {
      return null;
    }
    return joined;
  }

  /** Replaces each table reference's policy expansion by a placeholder scan, sub-queries too. */
  private static final class Sealer extends org.apache.calcite.rel.RelHomogeneousShuttle {
    private final List<RelNode> sealed;

    Sealer(List<RelNode> sealed) {
      this.sealed = sealed;
    }

    @Override
    public RelNode visit(RelNode other) {
      if (expansion(other)) {
        sealed.add(other);
        return dev.pangate.engine.plan.LeafScan.scan(other.getCluster(), sealed.size() - 1,
            other.getRowType());
      }
      RelNode visited = super.visit(other);
      return visited.accept(new RexShuttle() {
        @Override
        public RexNode visitSubQuery(RexSubQuery subQuery) {
          return subQuery.clone(subQuery.rel.accept(Sealer.this));
        }
      });
    }

    @Override
    public RelNode visit(TableScan scan) {
      return visit((RelNode) scan);
    }

    /** The masks over the row filter over the scan, the row filter over the scan, or the scan. */
    private static boolean expansion(RelNode rel) {
      RelNode below = rel instanceof Project project && masks(project) ? project.getInput() : rel;
      below = below instanceof PolicyFilter filter ? filter.getInput() : below;
      return below instanceof TableScan;
    }
  }

  private static boolean correlatedOrNested(RelNode rel) {
    boolean[] found = {false};
    visit(rel, new ArrayDeque<>(), (node, ancestors) -> {
      if (node instanceof Correlate || !(node instanceof PolicyFilter) && hasSubQuery(node)) {
        found[0] = true;
      }
    });
    return found[0];
  }

  /**
   * Every table reference as the policy expanded it: the scan, the row filter above it and the
   * masks above that, as text (conditions and mask operators included).
   */
  private static Set<String> expansions(RelNode rel) {
    Set<String> found = new HashSet<>();
    visit(rel, new ArrayDeque<>(), (node, ancestors) -> {
      if (!(node instanceof TableScan)) {
        return;
      }
      RelNode top = node;
      var up = ancestors.iterator();
      RelNode parent = up.hasNext() ? up.next() : null;
      if (parent instanceof PolicyFilter) {
        top = parent;
        parent = up.hasNext() ? up.next() : null;
      }
      if (parent instanceof Project project && masks(project)) {
        top = parent;
      }
      found.add(RelOptUtil.toString(top));
    });
    return found;
  }

  private static boolean masks(Project project) {
    for (RexNode expr : project.getProjects()) {
      if (expr instanceof RexCall call && call.getOperator() instanceof MaskOperator) {
        return true;
      }
    }
    return false;
  }

  private interface Visitor {
    void visit(RelNode node, Deque<RelNode> ancestors);
  }

  /** Every node, sub-queries' plans included, with its ancestors nearest first. */
  private static void visit(RelNode node, Deque<RelNode> ancestors, Visitor visitor) {
    visitor.visit(node, ancestors);
    List<RelNode> nested = new ArrayList<>();
    node.accept(new RexShuttle() {
      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        nested.add(subQuery.rel);
        return super.visitSubQuery(subQuery);
      }
    });
    for (RelNode rel : nested) {
      visit(rel, new ArrayDeque<>(), visitor);
    }
    ancestors.push(node);
    for (RelNode input : node.getInputs()) {
      visit(input, ancestors, visitor);
    }
    ancestors.pop();
  }

  /** Whether the node's own expressions hold a sub-query. */
  static boolean hasSubQuery(RelNode rel) {
    boolean[] found = {false};
    rel.accept(new RexShuttle() {
      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        found[0] = true;
        return subQuery;
      }
    });
    return found[0];
  }
}
