package dev.pangate.engine.rewrite;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
  public record Derived(int source, Object literal, MaskOperator mask, boolean strict) {
    public Derived {
      requireNonNull(mask, "mask is null");
      if (source < 0 && literal == null) {
        throw new IllegalArgumentException("a derived parameter comes from a parameter or a literal");
      }
    }

    /**
     * The raw value for the statement's parameters: in a predicate, NULL (matching nothing) when
     * the value is not a token; in a write ({@code strict}), a value that is not a token is refused.
     */
    public Object compute(List<?> parameters) {
      Object token = source < 0 ? literal : parameters.get(source);
      Optional<Object> raw = mask.unmask(token);
      if (raw.isEmpty() && !strict && token instanceof String text && !text.isEmpty()
          && text.chars().allMatch(c -> c == '*')) {
        // Stars are what every non-PAN value of that length becomes: the raw column cannot tell
        // which rows show them.
        throw new dev.pangate.engine.EngineException(ErrorCode.NEEDS_MASKED_VALUES, "A tokenized"
            + " column (" + mask.masking().label() + ") compared with stars: every value that is"
            + " not a PAN shows as stars, so pangate cannot find them by the raw value; compare"
            + " with a token, or with IS NULL.");
      }
      if (raw.isEmpty() && strict && token != null) {
        throw new dev.pangate.engine.EngineException(ErrorCode.NOT_A_TOKEN, "A value written to a"
            + " tokenized column must be a token of its family (" + mask.masking().label()
            + "); pangate stores the PAN it stands for.");
      }
      return raw.orElse(null);
    }
  }

  private final int statementParameters;
  private final List<Derived> derived = new ArrayList<>();

  public DerivedParameters(int statementParameters) {
    this.statementParameters = statementParameters;
  }

  RexNode derive(RexDynamicParam source, MaskOperator mask, RexBuilder rexBuilder) {
    int index = statementParameters + derived.size();
    derived.add(new Derived(source.getIndex(), null, mask, false));
    return rexBuilder.makeDynamicParam(mask.rawType(), index);
  }

  RexNode deriveFromLiteral(Object token, MaskOperator mask, RexBuilder rexBuilder) {
    int index = statementParameters + derived.size();
    derived.add(new Derived(-1, token, mask, false));
    return rexBuilder.makeDynamicParam(mask.rawType(), index);
  }

  /** A token written to a tokenized column, detokenized at execution (never a non-token). */
  RexNode deriveForWrite(RexNode tokenSource, MaskOperator mask, RexBuilder rexBuilder) {
    int index = statementParameters + derived.size();
    if (tokenSource instanceof RexDynamicParam param) {
      derived.add(new Derived(param.getIndex(), null, mask, true));
    } else {
      Object value = ((org.apache.calcite.rex.RexLiteral) tokenSource).getValue2();
      derived.add(new Derived(-1, value, mask, true));
    }
    return rexBuilder.makeDynamicParam(mask.rawType(), index);
  }

  /** The derived parameters, in index order after the statement's own. */
  public List<Derived> derived() {
    return List.copyOf(derived);
  }
}
