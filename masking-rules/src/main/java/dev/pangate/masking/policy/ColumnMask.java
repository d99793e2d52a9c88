package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

/**
 * What a role sees of one column. Each mask carries the place in the policy that set it (for a
 * column the table rule does not name, the table's {@code columns_default}).
 */
public sealed interface ColumnMask {

  /** Where the policy sets this mask. */
  SourceLocation location();

  /** The policy word for this mask ({@code clear}, {@code tokenize}, ...). */
  String kind();

  /** The value is shown unchanged. */
  record Clear(SourceLocation location) implements ColumnMask {
    public Clear {
      requireNonNull(location, "location is null");
    }

    @Override
    public String kind() {
      return "clear";
    }
  }

  /** The column does not exist for the role: absent from the row type and the metadata. */
  record Deny(SourceLocation location) implements ColumnMask {
    public Deny {
      requireNonNull(location, "location is null");
    }

    @Override
    public String kind() {
      return "deny";
    }
  }

  /** The column exists but every value reads as NULL. */
  record Nullify(SourceLocation location) implements ColumnMask {
    public Nullify {
      requireNonNull(location, "location is null");
    }

    @Override
    public String kind() {
      return "nullify";
    }
  }

  /**
   * Every non-NULL value is replaced by a fixed value: {@code value} as written in the policy, or,
   * when {@code value} is null, a default of the column's type chosen by the engine.
   */
  record Redact(String value, SourceLocation location) implements ColumnMask {
    public Redact {
      requireNonNull(location, "location is null");
    }

    @Override
    public String kind() {
      return "redact";
    }
  }

  /**
   * The first {@code keepFirst} and last {@code keepLast} significant characters are shown, the
   * rest replaced by {@code maskChar}; spaces and dashes stay in place. A value with no more than
   * {@code keepFirst + keepLast} significant characters is masked whole.
   */
  record Truncate(int keepFirst, int keepLast, char maskChar, SourceLocation location)
      implements ColumnMask {
    /** The most characters a truncation may keep at either end. */
    public static final int MAX_KEEP = 64;

    public Truncate {
      requireNonNull(location, "location is null");
      if (keepFirst < 0 || keepFirst > MAX_KEEP || keepLast < 0 || keepLast > MAX_KEEP) {
        throw new IllegalArgumentException(
            "truncate keeps 0.." + MAX_KEEP + " characters at each end; got " + keepFirst + "/" + keepLast);
      }
      if (Character.isLetterOrDigit(maskChar) || Character.isSurrogate(maskChar)) {
        throw new IllegalArgumentException("the mask character must not be a letter or digit");
      }
    }

    @Override
    public String kind() {
      return "truncate";
    }
  }

  /** FF1 tokenization under a token family named in {@link Policy#tokenFamilies()}. */
  record Tokenize(String family, SourceLocation location) implements ColumnMask {
    public Tokenize {
      requireNonNull(family, "family is null");
      requireNonNull(location, "location is null");
    }

    @Override
    public String kind() {
      return "tokenize";
    }
  }

  /** A keyed hash under the PRF keyset {@code keyName} of the key ring. */
  record Hash(String keyName, HashFormat format, SourceLocation location) implements ColumnMask {
    public Hash {
      requireNonNull(keyName, "keyName is null");
      requireNonNull(format, "format is null");
      requireNonNull(location, "location is null");
    }

    @Override
    public String kind() {
      return "hash";
    }
  }
}
