package dev.pangate.masking.mask;

import static java.util.Objects.requireNonNull;

import dev.pangate.masking.policy.LuhnRule;
import dev.pangate.masking.policy.TokenFamily;

/**
 * FF1 tokenization of PANs (NIST SP 800-38G, radix 10) over the digits between the kept prefix and
 * suffix of a token family.
 *
 * <p>A PAN here is a value made only of digits, spaces and dashes, with 13 to 19 digits; separators
 * keep their places. Anything else (letters, too few or too many digits) is redacted: every
 * character becomes {@code *}. For a PAN of L digits the family keeps {@code keepLast} trailing
 * digits and {@link TokenFamily#keepFirstFor(int)} leading digits, so at least six digits are
 * encrypted (a domain of at least 10^6, SP 800-38G Rev. 1).
 *
 * <p>The FF1 tweak is the PAN length, the kept counts and the kept digits themselves, so each
 * (prefix, suffix) pair gets its own permutation of the middle digits: knowing one PAN and its
 * token tells nothing about the tokens of PANs with another BIN or last four.
 *
 * <p>{@link LuhnRule#ANY}: the middle digits are encrypted as they are; the mapping is a
 * permutation of all PANs with the same prefix and suffix, and about one token in ten passes Luhn.
 *
 * <p>{@link LuhnRule#FAIL}: only Luhn-valid PANs are tokenized (any other digit string is redacted,
 * since no bijection can send ten Luhn classes into nine). The set V of middles that make the PAN
 * Luhn-valid is permuted by cycle walking FF1 (apply FF1 until the result is in V again: a
 * permutation restricted to a subset by cycle walking is a permutation of that subset), then the
 * last middle digit is changed so the Luhn sum becomes 1 (a fixed bijection from V onto the PANs
 * whose Luhn sum is 1). Tokens therefore always fail the Luhn check and decrypt exactly. The walk
 * takes ten FF1 calls on average.
 *
 * <p>Tokens of recent PANs are remembered by the tokenizer, so a PAN seen again (in another row,
 * result or session) is not encrypted again: a table of {@value #DEFAULT_REMEMBERED} slots, one PAN
 * each (digits only, up to 18), a new PAN taking the place of the one in its slot. It lives in
 * memory only, belongs to this tokenizer (its family's settings and key: a new key or policy builds
 * a new tokenizer and starts empty), and changes no output, since tokens are deterministic.
 */
public final class Ff1PanTokenizer implements PanTokenizer {

  private static final int MIN_DIGITS = TokenFamily.MIN_PAN_DIGITS;
  private static final int MAX_DIGITS = TokenFamily.MAX_PAN_DIGITS;
  /** Luhn weights of a digit d at an odd position from the right: 2d with its digits summed. */
  private static final int[] DOUBLED = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
  private static final int[] UNDOUBLED = {0, 5, 1, 6, 2, 7, 3, 8, 4, 9};

  /** How many PANs a tokenizer remembers the tokens of (about 36 bytes each, 2.4 MB when full). */
  public static final int DEFAULT_REMEMBERED = 65_536;

  /** The most digits a remembered PAN may have: its digits are kept as one {@code long}. */
  private static final int MAX_REMEMBERED_DIGITS = 18;

  private final TokenFamily family;
  private final Ff1 ff1;
  private final String keyId;
  private final boolean luhnFail;
  /**
   * The remembered tokens, one per slot (empty: no remembering). Entries are immutable and written
   * without a lock: a reader sees an entry whole or the one before it, and checks that it is for
   * its PAN.
   */
  private final Remembered[] remembered;

  /** A PAN of {@code length} digits (value {@code pan}) and the digits of its token. */
  private record Remembered(long pan, int length, long token) {}

  private Ff1PanTokenizer(TokenFamily family, Ff1 ff1, String keyId, int remember) {
    this.family = requireNonNull(family, "family is null");
    this.ff1 = requireNonNull(ff1, "ff1 is null");
    this.keyId = requireNonNull(keyId, "keyId is null");
    this.luhnFail = family.luhn() == LuhnRule.FAIL;
    if (remember < 0 || Integer.bitCount(remember) > 1) {
      throw new IllegalArgumentException("remembered PANs must be 0 or a power of two; got " + remember);
    }
    this.remembered = new Remembered[remember];
  }

  /**
   * A tokenizer for the family with an FF1 instance under the family's key and that key's id,
   * remembering the tokens of {@value #DEFAULT_REMEMBERED} recent PANs.
   */
  public static Ff1PanTokenizer create(TokenFamily family, Ff1 ff1, String keyId) {
    return new Ff1PanTokenizer(family, ff1, keyId, DEFAULT_REMEMBERED);
  }

  /**
   * The same, remembering the tokens of {@code remember} recent PANs (a power of two, or 0 to
   * encrypt every PAN every time, as benchmarks of FF1 itself need).
   */
  public static Ff1PanTokenizer create(TokenFamily family, Ff1 ff1, String keyId, int remember) {
    return new Ff1PanTokenizer(family, ff1, keyId, remember);
  }

  @Override
  public String family() {
    return family.name();
  }

  @Override
  public String keyId() {
    return keyId;
  }

  /** The token family's settings. */
  public TokenFamily tokenFamily() {
    return family;
  }

  @Override
  public String tokenize(String pan) {
    if (pan == null) {
      return null;
    }
    if (remembered.length == 0) {
      return encrypt(pan);
    }
    long numeral = numeral(pan);
    if (numeral < 0) {
      return encrypt(pan);
    }
    int length = pan.length();
    int slot = slot(numeral, length);
    Remembered known = remembered[slot];
    if (known != null && known.pan() == numeral && known.length() == length) {
      return Ff1.pad(known.token(), length);
    }
    String token = encrypt(pan);
    if (token.charAt(0) != '*') { // a redaction (not a PAN under luhn: fail) is cheap: not kept
      remembered[slot] = new Remembered(numeral, length, Long.parseLong(token));
    }
    return token;
  }

  /**
   * The value of a PAN of only digits ({@value TokenFamily#MIN_PAN_DIGITS} to 18), else -1: such PANs
   * are the ones remembered.
   */
  private static long numeral(String pan) {
    int length = pan.length();
    if (length < MIN_DIGITS || length > MAX_REMEMBERED_DIGITS) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < length; i++) {
      char c = pan.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private int slot(long numeral, int length) {
    long h = (numeral ^ ((long) length << 59)) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & (remembered.length - 1);
  }

  private String encrypt(String pan) {
    char[] chars = pan.toCharArray();
    char[] digits = digitsOf(chars);
    if (digits == null || (luhnFail && luhnSum(digits) != 0)) {
      return redact(pan);
    }
    transform(digits, true);
    return merge(chars, digits);
  }

  @Override
  public String detokenize(String token) {
    if (token == null) {
      return null;
    }
    char[] chars = token.toCharArray();
    char[] digits = digitsOf(chars);
    if (digits == null || (luhnFail && luhnSum(digits) != 1)) {
      throw notAToken();
    }
    transform(digits, false);
    return merge(chars, digits);
  }

  @Override
  public boolean isToken(String token) {
    if (token == null) {
      return false;
    }
    char[] digits = digitsOf(token.toCharArray());
    return digits != null && (!luhnFail || luhnSum(digits) == 1);
  }

  private IllegalArgumentException notAToken() {
    String shape = luhnFail
        ? "13 to 19 digits (spaces and dashes allowed) whose Luhn check fails with sum 1"
        : "13 to 19 digits (spaces and dashes allowed)";
    return new IllegalArgumentException(
        "the value is not a token of token family '" + family.name() + "': a token has " + shape);
  }

  /**
   * The digits of a PAN-shaped value (digits, spaces and dashes; 13 to 19 digits), else null. The
   * array is {@code chars} itself when there are no separators.
   */
  private static char[] digitsOf(char[] chars) {
    int length = 0;
    for (char c : chars) {
      if (c >= '0' && c <= '9') {
        length++;
      } else if (c != ' ' && c != '-') {
        return null;
      }
    }
    if (length < MIN_DIGITS || length > MAX_DIGITS) {
      return null;
    }
    if (length == chars.length) {
      return chars;
    }
    char[] digits = new char[length];
    int k = 0;
    for (char c : chars) {
      if (c >= '0' && c <= '9') {
        digits[k++] = c;
      }
    }
    return digits;
  }

  private static String merge(char[] chars, char[] digits) {
    if (chars != digits) {
      int k = 0;
      for (int i = 0; i < chars.length; i++) {
        if (chars[i] >= '0' && chars[i] <= '9') {
          chars[i] = digits[k++];
        }
      }
    }
    return new String(chars);
  }

  static String redact(String value) {
    return "*".repeat(value.length());
  }

  private void transform(char[] digits, boolean encrypt) {
    int length = digits.length;
    int keepLast = family.keepLast();
    int keepFirst = family.keepFirstFor(length);
    int middle = length - keepFirst - keepLast;
    byte[] tweak = tweak(digits, keepFirst, keepLast);
    if (!luhnFail) {
      permute(digits, keepFirst, middle, tweak, encrypt);
      return;
    }
    // The last middle digit sits keepLast places from the right end: doubled when that is odd.
    int shiftAt = keepFirst + middle - 1;
    boolean doubled = (keepLast & 1) == 1;
    if (encrypt) {
      do {
        permute(digits, keepFirst, middle, tweak, true);
      } while (luhnSum(digits) != 0);
      shift(digits, shiftAt, doubled, 1);
    } else {
      shift(digits, shiftAt, doubled, -1);
      do {
        permute(digits, keepFirst, middle, tweak, false);
      } while (luhnSum(digits) != 0);
    }
  }

  /** Moves the Luhn sum by {@code delta} through the digit at {@code index} (a bijection on its ten values). */
  private static void shift(char[] digits, int index, boolean doubled, int delta) {
    int d = digits[index] - '0';
    int weight = doubled ? DOUBLED[d] : d;
    int target = Math.floorMod(weight + delta, 10);
    digits[index] = (char) ('0' + (doubled ? UNDOUBLED[target] : target));
  }

  private void permute(char[] digits, int from, int count, byte[] tweak, boolean encrypt) {
    if (count <= Ff1.MAX_FAST_DIGITS) {
      long x = 0;
      for (int i = from; i < from + count; i++) {
        x = x * 10 + (digits[i] - '0');
      }
      long y = encrypt ? ff1.encrypt(x, count, tweak) : ff1.decrypt(x, count, tweak);
      for (int i = from + count - 1; i >= from; i--) {
        digits[i] = (char) ('0' + (int) (y % 10));
        y /= 10;
      }
    } else {
      String middle = new String(digits, from, count);
      String out = encrypt ? ff1.encrypt(middle, tweak) : ff1.decrypt(middle, tweak);
      out.getChars(0, count, digits, from);
    }
  }

  /** PAN length, kept counts, kept prefix (as a number, 4 bytes) and kept suffix (2 bytes). */
  private static byte[] tweak(char[] digits, int keepFirst, int keepLast) {
    int length = digits.length;
    int prefix = 0;
    for (int i = 0; i < keepFirst; i++) {
      prefix = prefix * 10 + (digits[i] - '0');
    }
    int suffix = 0;
    for (int i = length - keepLast; i < length; i++) {
      suffix = suffix * 10 + (digits[i] - '0');
    }
    return new byte[] {
      (byte) length, (byte) keepFirst, (byte) keepLast,
      (byte) (prefix >>> 24), (byte) (prefix >>> 16), (byte) (prefix >>> 8), (byte) prefix,
      (byte) (suffix >>> 8), (byte) suffix
    };
  }

  /** The Luhn sum mod 10 of the digits (0 means the check passes). */
  static int luhnSum(char[] digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length - 1; i >= 0; i--) {
      int d = digits[i] - '0';
      sum += doubled ? DOUBLED[d] : d;
      doubled = !doubled;
    }
    return sum % 10;
  }

  @Override
  public String toString() {
    return "Ff1PanTokenizer[" + family.name() + "@" + keyId + "]";
  }
}
