package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;

/**
 * Parameters the rewrite adds to the pushed SQL: the raw value behind a token the caller binds
 * ({@code WHERE pan = ?} with a token becomes {@code WHERE pan = ?} with the PAN, computed in the
 * gateway at execution). Their indices follow the statement's own parameters.
 */
public final class DerivedParameters {

  /**
   * One derived parameter.
   *
   * @param source the caller's parameter it is computed from
   * @param mask the mask whose inverse computes it
   */
  public record Derived(int source, MaskOperator mask) {
    public Derived {
      requireNonNull(mask, "mask is null");
    }

    /** The raw value for a bound token; NULL (matching nothing) when it cannot be a token. */
    public Object compute(Object callerValue) {
      return mask.unmask(callerValue).orElse(null);
    }
  }

  private final int statementParameters;
  private final List<Derived> derived = new ArrayList<>();

  public DerivedParameters(int statementParameters) {
    this.statementParameters = statementParameters;
  }

  RexNode derive(RexDynamicParam source, MaskOperator mask, RexBuilder rexBuilder) {
    int index = statementParameters + derived.size();
    derived.add(new Derived(source.getIndex(), mask));
    return rexBuilder.makeDynamicParam(mask.rawType(), index);
  }

  /** The derived parameters, in index order after the statement's own. */
  public List<Derived> derived() {
    return List.copyOf(derived);
  }
}
