package dev.pangate.engine.exec;

import dev.pangate.engine.plan.ValueTransform;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A costly mask applied once per distinct value within one result: a PAN appears in many
 * transactions, and an FF1 token with {@code luhn: fail} costs some ten AES-based rounds of
 * FF1. Scoped to one cursor (never shared, dropped when the result ends) and bounded.
 *
 * <p>Digit strings of up to 18 digits whose output is a digit string of the same length (a PAN and
 * its token) are remembered as two {@code long}s in an open-addressing table: up to
 * {@link #DIGIT_CAPACITY} of them in at most 9 MB, the size of a {@code HashMap} of a quarter as
 * many strings. Anything else is remembered in a map of up to {@link #CAPACITY} values. Past
 * either bound, new values are masked every time they appear.
 */
final class RememberedTransform implements ValueTransform {

  static final int CAPACITY = 65_536;
  static final int DIGIT_CAPACITY = 262_144;

  private static final int MAX_DIGITS = 18;
  private static final int FIRST_SLOTS = 16; // grows by doubling: a one-row result pays little

  private final ValueTransform transform;
  private final Map<Object, Object> outputs = new HashMap<>();
  /** The remembered digit strings: numeral, its length (0: empty slot), the output's numeral. */
  private long[] keys = new long[FIRST_SLOTS];
  private byte[] lengths = new byte[FIRST_SLOTS];
  private long[] values = new long[FIRST_SLOTS];
  private int digitEntries;

  RememberedTransform(ValueTransform transform) {
    this.transform = transform;
  }

  @Override
  public Object apply(Object value) {
    if (value == null) {
      return transform.apply(null);
    }
    if (value instanceof String text) {
      long numeral = numeral(text);
      if (numeral >= 0) {
        return applyToDigits(text, numeral);
      }
    }
    return applyRemembered(value);
  }

  private Object applyRemembered(Object value) {
    Object known = outputs.get(value);
    if (known != null) {
      return known;
    }
    Object output = transform.apply(value);
    if (output != null && outputs.size() < CAPACITY) {
      outputs.put(value, output);
    }
    return output;
  }

  private Object applyToDigits(String text, long numeral) {
    int length = text.length();
    int mask = keys.length - 1;
    int slot = slot(numeral, length, mask);
    while (lengths[slot] != 0) {
      if (keys[slot] == numeral && lengths[slot] == length) {
        return digits(values[slot], length);
      }
      slot = (slot + 1) & mask;
    }
    Object known = outputs.get(text); // a digit string whose output was not one (e.g. redacted)
    if (known != null) {
      return known;
    }
    Object output = transform.apply(text);
    long tokenNumeral = output instanceof String token && token.length() == length
        ? numeral(token) : -1;
    if (tokenNumeral < 0) {
      if (output != null && outputs.size() < CAPACITY) {
        outputs.put(text, output);
      }
    } else if (digitEntries < DIGIT_CAPACITY) { // load factor at most 1/2: a free slot exists
      if ((digitEntries + 1) * 2 > keys.length) {
        grow();
        mask = keys.length - 1;
        slot = slot(numeral, length, mask);
        while (lengths[slot] != 0) {
          slot = (slot + 1) & mask;
        }
      }
      keys[slot] = numeral;
      lengths[slot] = (byte) length;
      values[slot] = tokenNumeral;
      digitEntries++;
    }
    return output;
  }

  private void grow() {
    long[] oldKeys = keys;
    byte[] oldLengths = lengths;
    long[] oldValues = values;
    int slots = oldKeys.length * 2;
    keys = new long[slots];
    lengths = new byte[slots];
    values = new long[slots];
    int mask = slots - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldLengths[i] != 0) {
        int slot = slot(oldKeys[i], oldLengths[i], mask);
        while (lengths[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        lengths[slot] = oldLengths[i];
        values[slot] = oldValues[i];
      }
    }
  }

  private static int slot(long numeral, int length, int mask) {
    long h = (numeral + length) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /** The value of a string of 1 to 18 ASCII digits, or -1 for anything else. */
  static long numeral(String text) {
    int length = text.length();
    if (length == 0 || length > MAX_DIGITS) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The numeral as a string of exactly {@code length} digits (leading zeros kept). */
  static String digits(long numeral, int length) {
    byte[] ascii = new byte[length];
    Arrays.fill(ascii, (byte) '0');
    for (int i = length - 1; i >= 0 && numeral > 0; i--) {
      ascii[i] = (byte) ('0' + numeral % 10);
      numeral /= 10;
    }
    return new String(ascii, StandardCharsets.US_ASCII);
  }
}
