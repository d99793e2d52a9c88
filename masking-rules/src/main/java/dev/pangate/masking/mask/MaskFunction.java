package dev.pangate.masking.mask;

import java.util.Optional;

/**
 * A column mask at run time: built once, thread-safe, applied to each value on its way out. Values
 * are strings (numeric columns arrive as digit strings); NULL stays NULL.
 */
public interface MaskFunction {

  /** The masked value; {@code null} for {@code null}. */
  String apply(String raw);

  /**
   * Whether different inputs give different outputs, so the engine may compare, join, group or
   * count distinct on the raw column and mask afterwards. True for FF1 tokens (on PAN-shaped values;
   * every non-PAN value is redacted to stars and so collides with those of its length), hex keyed
   * hashes and clear; false for truncate, redact, nullify and digit hashes.
   */
  boolean injective();

  /**
   * Two masks with the same class give equal outputs exactly when their inputs are equal (e.g.
   * {@code tokenize:pan@1234567}), so the engine may join two columns on their raw values; empty
   * when the mask is not injective.
   */
  Optional<String> equivalenceClass();

  /**
   * The raw value a masked value stands for, where the mask can be undone (FF1 tokens): used by the
   * engine to rewrite {@code pan = '<token>'} into a predicate on the raw column. Empty when the
   * string cannot be an output of this mask. This is not the detokenize permission, which the
   * engine checks against {@link dev.pangate.masking.policy.Role#mayDetokenize(String)}.
   */
  default Optional<String> invert(String masked) {
    return Optional.empty();
  }

  /** A short description for plans and audit entries, without key material, e.g. {@code tokenize(pan@1234567)}. */
  String describe();
}
