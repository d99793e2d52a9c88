package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

/**
 * A token family: PANs tokenized under the same family get the same token wherever it is used
 * (so joins on tokens work), under an FF1 key derived from the key-ring keyset {@code keyName}.
 *
 * <p>The middle digits between the kept prefix and suffix are encrypted. PCI DSS 3.4.1 allows at
 * most the first eight and last four digits to show, so {@code keepFirst <= 8} and
 * {@code keepLast <= 4}. The FF1 domain must stay at or above 10^6 (SP 800-38G Rev. 1): for a PAN
 * too short to keep {@code keepFirst} leading digits and still encrypt six, fewer leading digits
 * are kept (see {@link #keepFirstFor(int)}).
 *
 * <p>A column's own family (from a bare {@code tokenize}) is named {@code schema.table.column}.
 */
public record TokenFamily(
    String name, String keyName, int keepFirst, int keepLast, LuhnRule luhn, SourceLocation location) {

  /** Default digits kept in front (the BIN). */
  public static final int DEFAULT_KEEP_FIRST = 6;
  /** Default digits kept at the end. */
  public static final int DEFAULT_KEEP_LAST = 4;
  /** PCI DSS 3.4.1: at most the first eight digits may be shown. */
  public static final int MAX_KEEP_FIRST = 8;
  /** PCI DSS 3.4.1: at most the last four digits may be shown. */
  public static final int MAX_KEEP_LAST = 4;
  /** The fewest digits FF1 encrypts: a domain of 10^6. */
  public static final int MIN_ENCRYPTED_DIGITS = 6;
  /** The keyset a family uses unless it names another. */
  public static final String DEFAULT_KEY = "tokenization";
  /** Shortest PAN (ISO/IEC 7812). */
  public static final int MIN_PAN_DIGITS = 13;
  /** Longest PAN (ISO/IEC 7812). */
  public static final int MAX_PAN_DIGITS = 19;

  public TokenFamily {
    requireNonNull(name, "name is null");
    requireNonNull(keyName, "keyName is null");
    requireNonNull(luhn, "luhn is null");
    requireNonNull(location, "location is null");
    if (keepFirst < 0 || keepFirst > MAX_KEEP_FIRST) {
      throw new IllegalArgumentException(
          "keep_first must be 0.." + MAX_KEEP_FIRST + " (PCI DSS 3.4.1); got " + keepFirst);
    }
    if (keepLast < 0 || keepLast > MAX_KEEP_LAST) {
      throw new IllegalArgumentException(
          "keep_last must be 0.." + MAX_KEEP_LAST + " (PCI DSS 3.4.1); got " + keepLast);
    }
    // Holds for every PAN length because keepLast <= 4 leaves 13 - 4 = 9 >= 6 digits.
    if (MIN_PAN_DIGITS - keepLast < MIN_ENCRYPTED_DIGITS) {
      throw new IllegalArgumentException("keep_last leaves fewer than six digits to encrypt");
    }
  }

  /**
   * The leading digits kept for a PAN of {@code panDigits} digits: {@link #keepFirst()}, or fewer
   * where that would leave fewer than six digits to encrypt (a 13-digit PAN keeping the last four
   * shows at most three leading digits).
   */
  public int keepFirstFor(int panDigits) {
    if (panDigits < MIN_PAN_DIGITS || panDigits > MAX_PAN_DIGITS) {
      throw new IllegalArgumentException("PANs have 13 to 19 digits; got " + panDigits);
    }
    return Math.max(0, Math.min(keepFirst, panDigits - keepLast - MIN_ENCRYPTED_DIGITS));
  }

  /** The name of a column's own family, used by a bare {@code tokenize}. */
  public static String columnFamilyName(TableName table, String column) {
    return table + "." + column;
  }
}
