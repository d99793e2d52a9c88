package dev.pangate.engine.gateway;

import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.rewrite.MaskOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * EXPLAIN as an agent sees it: the rewritten plan with masks by name and row filters as policy
 * text ({@code :agent.<attribute>} placeholders, the bound values withheld). It shows only the
 * caller's own tables and rules; it does not show the SQL sent to PostgreSQL, which carries the
 * bound values. Operators see the full plan and SQL in the audit log.
 */
final class AgentExplain {

  private AgentExplain() {}

  static List<String> lines(PlannedStatement planned) {
    String text = NamedPlanWriter.explain(planned.plan());
    Map<String, String> labels = new TreeMap<>((a, b) -> b.length() != a.length()
        ? b.length() - a.length() : a.compareTo(b)); // longest first: mask_12 before mask_1
    collectMasks(planned.plan(), labels);
    for (Map.Entry<String, String> label : labels.entrySet()) {
      text = text.replace(label.getKey() + "(", label.getValue() + "<-(");
    }
    List<String> lines = new ArrayList<>(List.of(text.split("\n")));
    lines.add("-- masks are applied by the gateway after PostgreSQL returns the rows;"
        + " row filters run in PostgreSQL before any predicate of yours that could fail.");
    if (planned.rowFilterCheck() != null) {
      lines.add("-- every row this " + planned.kind() + " writes must pass your row filter "
          + planned.rowFilterCheck().label() + "; if one does not, nothing is written.");
    }
    return lines;
  }

  private static void collectMasks(RelNode plan, Map<String, String> labels) {
    plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        other.accept(new RexShuttle() {
          @Override
          public RexNode visitCall(RexCall call) {
            if (call.getOperator() instanceof MaskOperator mask) {
              labels.put(mask.getName(), mask.masking().label());
            }
            return super.visitCall(call);
          }

          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            collectMasks(subQuery.rel, labels);
            return super.visitSubQuery(subQuery);
          }
        });
        return super.visit(other);
      }
    });
  }
}
