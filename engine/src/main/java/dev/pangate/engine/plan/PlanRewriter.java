package dev.pangate.engine.plan;

import org.apache.calcite.rel.RelNode;

/**
 * Rewrites a statement's logical plan (after table expansion) and cuts it into the part
 * PostgreSQL runs and the part the gateway applies to the rows coming back.
 */
@FunctionalInterface
public interface PlanRewriter {

  /**
   * @param plan the converted plan, every table reference expanded by its view
   * @param parameterCount how many {@code ?} parameters the caller's statement has
   * @param view the view the statement was planned in
   */
  GatewaySplit rewrite(RelNode plan, int parameterCount, CatalogView view);

  /** No rewrite: PostgreSQL runs the plan whole. */
  PlanRewriter NONE = (plan, parameterCount, view) -> GatewaySplit.pushedWhole(plan);
}
