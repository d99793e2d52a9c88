package dev.pangate.masking.pan;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds PAN-like strings in free text (SQL, plans, parameters, error messages) and replaces each
 * with its truncated form (first six and last four digits, the rest {@code *}).
 *
 * <p>A candidate is a run of 13 to 19 digits, optionally separated by single spaces or dashes,
 * that is not part of a longer digit run and passes the Luhn check. Separators are kept in place.
 * A longer digit run is scanned for embedded candidates too, so a PAN glued to other digits
 * ({@code 00004111111111111111}) is still caught: that errs toward scrubbing.
 */
public final class PanScrubber {

  private static final int MIN = 13;
  private static final int MAX = 19;

  private PanScrubber() {}

  /** The text with every PAN-like substring truncated; the same instance when there is none. */
  public static String scrub(String text) {
    return scrub(text, Set.of());
  }

  /**
   * The text scrubbed as {@link #scrub(String)}, except for digit runs equal to one of
   * {@code notPans} that cannot be a PAN: 13 to 19 digits failing the Luhn check as a whole (a
   * token of a family whose tokens fail Luhn). Such a run is shown as it is, where {@link
   * #scrub(String)} would star the Luhn-valid windows inside it; anything else in the set is
   * ignored, so a PAN is starred whatever the caller passes.
   */
  public static String scrub(String text, Set<String> notPans) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!isDigit(text.charAt(i))) {
        i++;
        continue;
      }
      // A maximal run of digits with single separators between digits.
      int end = i;
      int digits = 0;
      while (end < n) {
        char c = text.charAt(end);
        if (isDigit(c)) {
          digits++;
          end++;
        } else if ((c == ' ' || c == '-') && end + 1 < n && isDigit(text.charAt(end + 1))) {
          end++;
        } else {
          break;
        }
      }
      if (digits >= MIN && !insideHexToken(text, i, end)
          && !(digits <= MAX && end - i == digits && notAPan(text.substring(i, end), notPans))) {
        if (out == null) {
          out = new StringBuilder(text);
        }
        scrubRun(text, i, end, out);
      }
      i = end;
    }
    return out == null ? text : out.toString();
  }

  /**
   * Whether the digit run {@code [start, end)} lies in an identifier of a canonical shape that
   * pangate itself writes: a UUID ({@code d3f34804-155b-4dff-b358-151544614767}) or a hex digest
   * of 32, 40 or 64 characters (MD5, SHA-1, SHA-256), holding a letter a-f and standing alone.
   * Scrubbing inside one would corrupt an identifier. Only these exact shapes: a PAN glued to
   * other hex characters or dashes in any other way is scrubbed.
   */
  private static boolean insideHexToken(String text, int start, int end) {
    int from = start;
    while (from > 0 && isHexOrDash(text.charAt(from - 1))) {
      from--;
    }
    int to = end;
    while (to < text.length() && isHexOrDash(text.charAt(to))) {
      to++;
    }
    if ((from > 0 && Character.isLetterOrDigit(text.charAt(from - 1)))
        || (to < text.length() && Character.isLetterOrDigit(text.charAt(to)))) {
      return false;
    }
    String token = text.substring(from, to);
    return CANONICAL_IDENTIFIER.matcher(token).matches()
        && token.chars().anyMatch(c -> Character.toLowerCase(c) >= 'a' && Character.toLowerCase(c) <= 'f');
  }

  private static final Pattern CANONICAL_IDENTIFIER = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
          + "|[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");

  private static boolean isHexOrDash(char c) {
    return isDigit(c) || c == '-' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean notAPan(String run, Set<String> notPans) {
    return notPans.contains(run) && !Luhn.isValid(run);
  }

  /** Whether the text holds any PAN-like substring. */
  public static boolean containsPan(String text) {
    return text != null && !scrub(text).equals(text);
  }

  private static void scrubRun(String text, int start, int end, StringBuilder out) {
    // Digit positions in the run, so that windows of 13..19 digits can be tested.
    int[] positions = new int[end - start];
    int count = 0;
    for (int p = start; p < end; p++) {
      if (isDigit(text.charAt(p))) {
        positions[count++] = p;
      }
    }
    boolean[] masked = new boolean[count];
    char[] window = new char[MAX];
    for (int first = 0; first < count; first++) {
      for (int len = Math.min(MAX, count - first); len >= MIN; len--) {
        for (int k = 0; k < len; k++) {
          window[k] = text.charAt(positions[first + k]);
        }
        if (Luhn.isValid(new String(window, 0, len))) {
          for (int k = 6; k < len - 4; k++) {
            masked[first + k] = true;
          }
          break;
        }
      }
    }
    for (int k = 0; k < count; k++) {
      if (masked[k]) {
        out.setCharAt(positions[k], '*');
      }
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
