package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.plan.LeafScan;
import java.util.List;
import org.apache.calcite.interpreter.Interpreter;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rules.CoreRules;

/**
 * Gateway plans (the part of a statement evaluated over masked rows) made ready for Calcite's
 * interpreter at planning time: window functions become {@link GatewayWindow}, aggregates become
 * {@link GatewayAggregate}, numeric division and casts are PostgreSQL's ({@link PostgresNumerics}), and the result is compiled once so that anything the interpreter
 * cannot evaluate is refused when the statement is planned, with a clear message, not when it
 * runs.
 */
public final class GatewayPlans {

  private GatewayPlans() {}

  /**
   * The plan, ready for {@link InterpretedCursor}; throws {@code NEEDS_MASKED_VALUES} if it
   * cannot run, or if it orders or compares text by a collation the gateway does not follow
   * ({@code textOrder}: null where PostgreSQL's text order is code-point order, as the gateway's).
   */
  public static RelNode prepare(RelNode gatewayPlan, String textOrder) {
    HepPlanner windows = new HepPlanner(HepProgram.builder()
        .addRuleInstance(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW).build());
    windows.setRoot(dev.pangate.engine.sql.Collations.forGateway(gatewayPlan, textOrder));
    RelNode windowed = windows.findBestExp();
    GatewayArrays.check(windowed);
    RelNode prepared = GatewayAggregate.adapt(GatewayWindow.adapt(
        PostgresNumerics.postgresArithmetic(windowed)));
    // Compiled against empty leaves: nothing is read, every node is built.
    LeafScan.Sources empty = leaf -> org.apache.calcite.linq4j.Linq4j.emptyEnumerable();
    try (Interpreter ignored = new Interpreter(new LeafDataContext(empty, List.of()), prepared)) {
      return prepared;
    } catch (EngineException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      throw new EngineException(ErrorCode.NEEDS_MASKED_VALUES, "pangate cannot evaluate this statement"
          + " over masked values (" + ErrorTranslator.sanitize(e.getMessage()) + "). Compute on"
          + " columns your role sees in clear, or select the masked column as it is.");
    }
  }
}
