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
   * count distinct on the raw column and mask afterwards. True for hex keyed hashes and clear; false
   * for FF1 tokens (every non-PAN value is redacted to stars and so collides with the others of its
   * length), truncate, redact, nullify and digit hashes.
   */
  boolean injective();

  /**
   * Two masks with the same class give equal outputs exactly when their inputs are equal (e.g.
   * {@code tokenize:pan@1234567}); the engine joins two columns on their raw values only when both
   * masks are also {@link #injective()}. Empty for masks whose outputs name no class.
   */
  Optional<String> equivalenceClass();

  /**
   * The raw value a masked value stands for, where the mask can be undone (FF1 tokens): used by the
   * engine to rewrite {@code pan = '<token>'} into a predicate on the raw column, exact because a
   * token has exactly one preimage even where the mask is not injective. Empty when the string is
   * not such an output (stars, which many values share, included). This is not the detokenize permission, which the
   * engine checks against {@link dev.pangate.masking.policy.Role#mayDetokenize(String)}.
   */
  default Optional<String> invert(String masked) {
    return Optional.empty();
  }

  /**
   * Whether one value costs enough (AES rounds, an HMAC) that a result should remember the outputs
   * of repeated inputs, as a PAN repeats across transactions. Only for deterministic masks, which
   * every mask here is; unrelated to {@link #injective()}.
   */
  default boolean costly() {
    return false;
  }

  /** A short description for plans and audit entries, without key material, e.g. {@code tokenize(pan@1234567)}. */
  String describe();
}
