package dev.pangate.masking.mask;

import java.util.Optional;

/**
 * Shows the first N and last M significant characters and masks the rest. Spaces and dashes are
 * separators: kept in place and not counted. A value with no more than N + M significant characters
 * is masked whole, so a short or odd value never shows more than the policy allows.
 */
public final class TruncateMask implements MaskFunction {

  private final int keepFirst;
  private final int keepLast;
  private final char maskChar;

  /** Keeps {@code keepFirst} leading and {@code keepLast} trailing significant characters. */
  public TruncateMask(int keepFirst, int keepLast, char maskChar) {
    if (keepFirst < 0 || keepLast < 0) {
      throw new IllegalArgumentException("truncate keeps a non-negative number of characters at each end");
    }
    if (Character.isLetterOrDigit(maskChar) || Character.isSurrogate(maskChar)) {
      throw new IllegalArgumentException("the mask character must not be a letter or digit");
    }
    this.keepFirst = keepFirst;
    this.keepLast = keepLast;
    this.maskChar = maskChar;
  }

  @Override
  public String apply(String raw) {
    if (raw == null) {
      return null;
    }
    int length = raw.length();
    int significant = 0;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (Character.isSurrogate(c)) {
        return applyToCodePoints(raw);
      }
      if (!isSeparator(c)) {
        significant++;
      }
    }
    // No surrogates: one char is one character, so the output is written in place.
    boolean maskAll = significant <= keepFirst + keepLast;
    char[] out = new char[length];
    int seen = 0;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (isSeparator(c)) {
        out[i] = c;
        continue;
      }
      out[i] = !maskAll && (seen < keepFirst || seen >= significant - keepLast) ? c : maskChar;
      seen++;
    }
    return new String(out);
  }

  /** The same over code points, for values with characters beyond the BMP. */
  private String applyToCodePoints(String raw) {
    int[] codePoints = raw.codePoints().toArray();
    int significant = 0;
    for (int c : codePoints) {
      if (!isSeparator(c)) {
        significant++;
      }
    }
    boolean maskAll = significant <= keepFirst + keepLast;
    StringBuilder out = new StringBuilder(raw.length());
    int seen = 0;
    for (int c : codePoints) {
      if (isSeparator(c)) {
        out.append((char) c);
        continue;
      }
      boolean keep = !maskAll && (seen < keepFirst || seen >= significant - keepLast);
      if (keep) {
        out.appendCodePoint(c);
      } else {
        out.append(maskChar);
      }
      seen++;
    }
    return out.toString();
  }

  private static boolean isSeparator(int c) {
    return c == ' ' || c == '-';
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
    return "truncate(" + keepFirst + "," + keepLast + ")";
  }
}
