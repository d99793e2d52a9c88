package dev.pangate.engine.rewrite;

import dev.pangate.engine.plan.ValueTransform;
import java.util.Optional;

/**
 * The gateway-side behaviour of one column mask as the planner needs it. Implementations wrap the
 * masking-rules functions; they hold keys but never expose them.
 */
public interface ColumnMasking {

  /** A label for EXPLAIN and the audit log, e.g. {@code tokenize(pan)}; never key material. */
  String label();

  /** The masked form of a raw value (digit strings for numeric columns); null stays null. */
  String mask(String raw);

  /**
   * Whether equal outputs imply equal inputs within {@link #equivalenceClass()} (FF1 tokens,
   * keyed hex hashes): joins, GROUP BY and DISTINCT may then run on the raw values.
   */
  boolean injective();

  /**
   * Masks with the same class give equal outputs exactly when their inputs are equal (the same
   * token family and key); empty for masks that are not injective.
   */
  Optional<String> equivalenceClass();

  /**
   * The raw value a masked value stands for, when the mask is invertible (tokens) and the value
   * is one it can produce; used to turn {@code pan = 'token'} into a predicate on the raw column.
   */
  Optional<String> unmask(String masked);

  /** The token family, for tokens (a role's detokenize permission names families). */
  default Optional<String> tokenFamily() {
    return Optional.empty();
  }

  /**
   * Whether a result should remember this mask's outputs for repeated inputs (FF1 tokens, keyed
   * hashes: AES or an HMAC per value).
   */
  default boolean costly() {
    return false;
  }

  /** Whether {@link #unmask} can invert this mask's outputs (FF1 tokens). */
  boolean invertible();

  /** Whether the output is NULL exactly when the input is (every mask but nullify). */
  boolean preservesNull();

  /**
   * A transform that replaces {@link #mask} for columns that are not text (a typed redaction
   * constant, NULL for nullify); empty when the string form applies.
   */
  default Optional<ValueTransform> typedTransform() {
    return Optional.empty();
  }

  /** Whether a digits-only input always gives a digits-only output (so numeric columns keep their type). */
  boolean keepsDigits();
}
