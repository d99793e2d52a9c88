package dev.pangate.engine.rewrite;

import java.util.List;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * Puts an optimization fence ({@code OFFSET 0}) above every row filter, including those inside
 * sub-queries. PostgreSQL neither pulls such a sub-query up nor pushes outer predicates into it,
 * so an outer predicate that can fail is evaluated only on rows the filter kept (the same device
 * PostgreSQL's security-barrier views rely on).
 */
final class Fences {

  private Fences() {}

  static RelNode fence(RelNode rel, RexBuilder rexBuilder) {
    RexNode zero = rexBuilder.makeExactLiteral(java.math.BigDecimal.ZERO);
    return rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        visited = visited.accept(new RexShuttle() {
          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            return subQuery.clone(fence(subQuery.rel, rexBuilder));
          }
        });
        if (visited instanceof PolicyFilter) {
          return LogicalSort.create(visited, RelCollations.EMPTY, zero, null);
        }
        return visited;
      }
    });
  }

  static boolean isFence(RelNode rel) {
    return rel instanceof LogicalSort sort && sort.getInputs().size() == 1
        && List.of(sort.getInput()).get(0) instanceof PolicyFilter;
  }
}
