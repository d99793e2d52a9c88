package dev.pangate.masking.mask;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.UnaryOperator;

/** The masks that need no key: clear, nullify and redact. */
public final class Masks {

  /** What {@code redact} without a value gives for text; the engine picks defaults for other types. */
  public static final String DEFAULT_REDACTION = "REDACTED";

  private static final MaskFunction CLEAR =
      new Keyless(UnaryOperator.identity(), Optional.of("clear"), "clear");
  private static final MaskFunction NULLIFY = new Keyless(raw -> null, Optional.empty(), "nullify");

  private Masks() {}

  /** The value unchanged. */
  public static MaskFunction clear() {
    return CLEAR;
  }

  /** Every value becomes NULL. */
  public static MaskFunction nullify() {
    return NULLIFY;
  }

  /** Every non-NULL value becomes {@code value} ({@link #DEFAULT_REDACTION} when {@code value} is null). */
  public static MaskFunction redact(String value) {
    String replacement = value == null ? DEFAULT_REDACTION : value;
    return new Keyless(raw -> raw == null ? null : replacement, Optional.empty(), "redact");
  }

  /** A mask without a key; injective exactly when it has an equivalence class (only clear has one). */
  private record Keyless(UnaryOperator<String> function, Optional<String> equivalenceClass, String describe)
      implements MaskFunction {
    @Override
    public String apply(String raw) {
      return function.apply(raw);
    }

    @Override
    public boolean injective() {
      return equivalenceClass.isPresent();
    }

    @Override
    public Optional<String> invert(String masked) {
      return injective() ? Optional.ofNullable(masked) : Optional.empty();
    }
  }

  /**
   * FF1 tokens of the tokenizer's family: invertible (a token has exactly one PAN behind it), but
   * not injective, since every value that is not a PAN (or fails Luhn under {@code luhn: fail})
   * becomes a row of stars of its length, the same for all of them.
   */
  public static MaskFunction tokenize(PanTokenizer tokenizer) {
    requireNonNull(tokenizer, "tokenizer is null");
    String equivalence = "tokenize:" + tokenizer.family() + "@" + tokenizer.keyId();
    return new MaskFunction() {
      @Override
      public String apply(String raw) {
        return tokenizer.tokenize(raw);
      }

      @Override
      public boolean injective() {
        return false; // non-PAN values of one length all become the same stars
      }

      @Override
      public boolean costly() {
        return true; // some ten FF1 calls of ten AES blocks each under luhn: fail
      }

      @Override
      public Optional<String> equivalenceClass() {
        return Optional.of(equivalence);
      }

      @Override
      public Optional<String> invert(String masked) {
        return tokenizer.isToken(masked) ? Optional.of(tokenizer.detokenize(masked)) : Optional.empty();
      }

      @Override
      public String describe() {
        return "tokenize(" + tokenizer.family() + "@" + tokenizer.keyId() + ")";
      }
    };
  }
}
