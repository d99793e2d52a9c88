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
   * One derived parameter: the raw value behind a token, from a caller's parameter or from a
   * literal of the statement. A literal's raw value is bound at execution, not written into the
   * SQL or the plan, so neither the audit log's pushed SQL nor EXPLAIN shows it.
   *
   * @param source the caller's parameter it is computed from, or -1 for a literal
   * @param literal the token literal when {@code source} is -1
   * @param mask the mask whose inverse computes it
   */
  public record Derived(int source, Object literal, MaskOperator mask) {
    public Derived {
      requireNonNull(mask, "mask is null");
      if (source < 0 && literal == null) {
        throw new IllegalArgumentException("a derived parameter comes from a parameter or a literal");
      }
    }

    /** The raw value for the statement's parameters; NULL (matching nothing) when not a token. */
    public Object compute(List<?> parameters) {
      Object token = source < 0 ? literal : parameters.get(source);
      return mask.unmask(token).orElse(null);
    }
  }

  private final int statementParameters;
  private final List<Derived> derived = new ArrayList<>();

  public DerivedParameters(int statementParameters) {
    this.statementParameters = statementParameters;
  }

  RexNode derive(RexDynamicParam source, MaskOperator mask, RexBuilder rexBuilder) {
    int index = statementParameters + derived.size();
    derived.add(new Derived(source.getIndex(), null, mask));
    return rexBuilder.makeDynamicParam(mask.rawType(), index);
  }

  RexNode deriveFromLiteral(Object token, MaskOperator mask, RexBuilder rexBuilder) {
    int index = statementParameters + derived.size();
    derived.add(new Derived(-1, token, mask));
    return rexBuilder.makeDynamicParam(mask.rawType(), index);
  }

  /** The derived parameters, in index order after the statement's own. */
  public List<Derived> derived() {
    return List.copyOf(derived);
  }
}
