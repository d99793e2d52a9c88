package dev.pangate.engine.plan;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexVisitorImpl;

/**
 * Aggregates of a sub-query whose arguments and FILTER read columns of an outer query only
 * ({@code (select count(*) filter (where outer_c <> 0) from t0)}, {@code (select max(o.x) from
 * t0)}): PostgreSQL evaluates such an aggregate in the outer query, over the outer rows; Calcite
 * plans it in the sub-query, once per outer row. Neither the plan's answer nor SQL rendered from
 * it keeps PostgreSQL's meaning: rendered, PostgreSQL places the aggregate by the columns it reads
 * again, which is the outer query also where the user's aggregate read a column of its own that
 * Calcite dropped ({@code count(inner_c)} over a column never NULL becomes {@code COUNT(*)}).
 * Such statements are refused with {@link ErrorCode#UNSUPPORTED_SQL}.
 */
public final class OuterLevelAggregates {

  private OuterLevelAggregates() {}

  /** Refuses a plan, sub-queries included, with an aggregate of the outer row only. */
  public static void refuseIn(RelNode plan) {
    plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        if (other instanceof Aggregate aggregate) {
          refuse(aggregate);
        }
        other.accept(new RexShuttle() {
          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            refuseIn(subQuery.rel);
            return subQuery;
          }
        });
        return super.visit(other);
      }
    });
  }

  /** Refuses an aggregate with a call whose arguments and FILTER read the outer row only. */
  public static void refuse(Aggregate aggregate) {
    for (AggregateCall call : aggregate.getAggCallList()) {
      List<Integer> fields = new ArrayList<>(call.getArgList());
      if (call.filterArg >= 0) {
        fields.add(call.filterArg);
      }
      if (readsTheOuterRowOnly(aggregate.getInput(), fields)) {
        throw new EngineException(ErrorCode.UNSUPPORTED_SQL, "pangate cannot run the aggregate "
            + call.getAggregation().getName() + " of a sub-query whose arguments and FILTER read"
            + " only columns of the outer query: PostgreSQL evaluates such an aggregate in the"
            + " outer query. Compute it in the outer query, or give it a column of the"
            + " sub-query's own.");
      }
    }
  }

  /** Whether the input's fields read a correlation variable and no column of their own level. */
  private static boolean readsTheOuterRowOnly(RelNode input, List<Integer> fields) {
    while (input instanceof Filter filter) {
      input = filter.getInput(); // the same fields
    }
    if (!(input instanceof Project project) || fields.isEmpty()) {
      return false;
    }
    boolean[] found = new boolean[2]; // [0]: a correlated reference, [1]: a column of the input
    RexVisitorImpl<Void> visitor = new RexVisitorImpl<>(true) {
      @Override
      public Void visitInputRef(RexInputRef ref) {
        found[1] = true;
        return null;
      }

      @Override
      public Void visitCorrelVariable(RexCorrelVariable variable) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitSubQuery(RexSubQuery subQuery) {
        // PostgreSQL places the aggregate by the sub-query's outer references too: as if it read
        // a column of its own level (never refused for it).
        found[1] = true;
        return null;
      }
    };
    for (int field : fields) {
      project.getProjects().get(field).accept(visitor);
    }
    return found[0] && !found[1];
  }
}
