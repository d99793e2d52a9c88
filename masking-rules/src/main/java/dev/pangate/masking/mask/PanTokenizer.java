package dev.pangate.masking.mask;

/**
 * Turns PANs into tokens of the same shape and back. Implementations are thread-safe and hold their
 * key only in memory.
 */
public interface PanTokenizer {

  /** The token family this tokenizer serves. */
  String family();

  /** The id of the Tink key the FF1 key was derived from (unsigned decimal), recorded with tokens. */
  String keyId();

  /**
   * The token for a PAN: same length, separators in place, the kept prefix and suffix unchanged.
   * {@code null} gives {@code null}; a value that is not a PAN of this family gives a redaction
   * (every character replaced by {@code *}), never the value itself.
   */
  String tokenize(String pan);

  /**
   * The PAN a token stands for, the exact inverse of {@link #tokenize(String)}; {@code null} gives
   * {@code null}. Throws {@link IllegalArgumentException} (without echoing the value) when the string
   * cannot be a token of this family. Callers must check the role's detokenize permission first.
   */
  String detokenize(String token);

  /** Whether the string has the shape of a token of this family (so {@link #detokenize} accepts it). */
  boolean isToken(String token);
}
