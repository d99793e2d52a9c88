package dev.pangate.masking.pan;

/** The Luhn (mod 10) check of ISO/IEC 7812-1, over ASCII digit strings. */
public final class Luhn {

  private Luhn() {}

  /** The Luhn sum mod 10 of {@code digits[from, to)}, the rightmost digit undoubled. */
  public static int sum(CharSequence digits, int from, int to) {
    int sum = 0;
    boolean doubled = false;
    for (int i = to - 1; i >= from; i--) {
      int d = digits.charAt(i) - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("not a digit at index " + i);
      }
      if (doubled) {
        d = d < 5 ? d * 2 : d * 2 - 9;
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10;
  }

  /** Whether the digit string passes the Luhn check. */
  public static boolean isValid(CharSequence digits) {
    return digits.length() > 0 && sum(digits, 0, digits.length()) == 0;
  }

  /** The check digit to append to {@code payload} so that the whole passes the Luhn check. */
  public static char checkDigit(CharSequence payload) {
    int sum = 0;
    boolean doubled = true; // the payload's rightmost digit is doubled once the check digit follows
    for (int i = payload.length() - 1; i >= 0; i--) {
      int d = payload.charAt(i) - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("not a digit at index " + i);
      }
      if (doubled) {
        d = d < 5 ? d * 2 : d * 2 - 9;
      }
      sum += d;
      doubled = !doubled;
    }
    return (char) ('0' + (10 - sum % 10) % 10);
  }
}
