package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks that no PAN of the demo database appears in a text (a response, a message, a log). */
public final class Pans {

  private static final Pattern DIGIT_RUN = Pattern.compile("\\d{12,19}");

  private Pans() {}

  /** Fails naming where a PAN appeared (the PAN itself is not printed, only its length). */
  public static void assertNoPan(String where, String text, Set<String> pans) {
    if (pans.isEmpty()) {
      fail("the PAN set is empty: the check would prove nothing");
    }
    Matcher m = DIGIT_RUN.matcher(text);
    while (m.find()) {
      for (int length = 12; length <= m.group().length(); length++) {
        for (int start = 0; start + length <= m.group().length(); start++) {
          String candidate = m.group().substring(start, start + length);
          if (pans.contains(candidate)) {
            int at = m.start() + start;
            String context = text.substring(Math.max(0, at - 80), Math.min(text.length(), at + length + 40))
                .replace(candidate, "<PAN>");
            fail(where + " contains a PAN of the demo database (" + length + " digits at offset "
                + at + "): ..." + context + "...");
          }
        }
      }
    }
  }

  /** Whether the value is a PAN of the database. */
  public static boolean isPan(String value, Set<String> pans) {
    return value != null && pans.contains(value);
  }
}
