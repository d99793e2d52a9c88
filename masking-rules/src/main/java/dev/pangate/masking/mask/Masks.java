package dev.pangate.masking.mask;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The masks that need no key: clear, nullify and redact. */
public final class Masks {

  /** What {@code redact} without a value gives for text; the engine picks defaults for other types. */
  public static final String DEFAULT_REDACTION = "REDACTED";

  private static final MaskFunction CLEAR = new MaskFunction() {
    @Override
    public String apply(String raw) {
      return raw;
    }

    @Override
    public boolean injective() {
      return true;
    }

    @Override
    public Optional<String> equivalenceClass() {
      return Optional.of("clear");
    }

    @Override
    public Optional<String> invert(String masked) {
      return Optional.ofNullable(masked);
    }

    @Override
    public String describe() {
      return "clear";
    }
  };

  private static final MaskFunction NULLIFY = new MaskFunction() {
    @Override
    public String apply(String raw) {
      return null;
    }

    @Override
    public boolean injective() {
      return false;
    }

    @Override
    public Optional<String> equivalenceClass() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "nullify";
    }
  };

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
    return new MaskFunction() {
      @Override
      public String apply(String raw) {
        return raw == null ? null : replacement;
      }

      @Override
      public boolean injective() {
        return false;
      }

      @Override
      public Optional<String> equivalenceClass() {
        return Optional.empty();
      }

      @Override
      public String describe() {
        return "redact";
      }
    };
  }

  /** FF1 tokens of the tokenizer's family; injective on PAN-shaped values and invertible. */
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
        return true;
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
