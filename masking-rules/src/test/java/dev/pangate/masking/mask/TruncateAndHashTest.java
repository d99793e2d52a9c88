package dev.pangate.masking.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.masking.policy.HashFormat;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TruncateAndHashTest {

  @Test
  void truncationKeepsSeparatorsAndShowsOnlyTheAllowedEnds() {
    TruncateMask mask = new TruncateMask(6, 4, '*');
    assertEquals("411111******1111", mask.apply("4111111111111111"));
    assertEquals("4111 11** **** 1111", mask.apply("4111 1111 1111 1111"));
    assertEquals("3782-82****-*0005", mask.apply("3782-822463-10005"));
    assertNull(mask.apply(null));
    assertEquals("", mask.apply(""));
    // Ten or fewer significant characters: nothing of the value is shown.
    assertEquals("**********", mask.apply("4111111111"));
    assertEquals("12**-**", new TruncateMask(2, 0, '*').apply("12ab-cd"));
    assertEquals("J*** ***", new TruncateMask(1, 0, '*').apply("Jane Doe"));
    assertEquals("#", new TruncateMask(1, 0, '#').apply("J"));
    assertEquals("é*", new TruncateMask(1, 0, '*').apply("éa"));
    // A character beyond the BMP (two chars) is one character: kept whole or masked by one '*'.
    assertEquals("\uD83D\uDE00**", new TruncateMask(1, 0, '*').apply("\uD83D\uDE00ab"));
    assertEquals("a*-\uD83D\uDE00", new TruncateMask(1, 1, '*').apply("a\uD83D\uDE01-\uD83D\uDE00"));
    assertEquals("a*b", new TruncateMask(1, 1, '*').apply("a\uD83D\uDE01b"));
    assertEquals("**", new TruncateMask(1, 1, '*').apply("a\uD83D\uDE01"));
    assertThrows(IllegalArgumentException.class, () -> new TruncateMask(1, 1, 'x'));
  }

  @Test
  void truncationNeverShowsMoreThanThePolicyAllowsOnRandomValues() {
    SplittableRandom random = new SplittableRandom(11);
    String alphabet = "0123456789abcXYZ -é";
    for (int i = 0; i < 100_000; i++) {
      int keepFirst = random.nextInt(8);
      int keepLast = random.nextInt(5);
      TruncateMask mask = new TruncateMask(keepFirst, keepLast, '*');
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(25);
      for (int k = 0; k < length; k++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String raw = value.toString();
      String out = mask.apply(raw);
      assertEquals(raw.length(), out.length());
      int significant = 0;
      int shown = 0;
      for (int k = 0; k < raw.length(); k++) {
        char c = raw.charAt(k);
        if (c == ' ' || c == '-') {
          assertEquals(c, out.charAt(k), "separators stay");
          continue;
        }
        significant++;
        if (out.charAt(k) != '*' || c == '*') {
          shown++;
        }
      }
      assertTrue(shown <= keepFirst + keepLast, raw + " -> " + out);
      assertTrue(shown < significant || significant == 0, "never the whole value: " + raw + " -> " + out);
    }
  }

  @Test
  void hexHashesAreKeyedFixedLengthAndDistinct() {
    KeyRing keys = KeyRing.of(Map.of(
        "hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING),
        "other", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING)));
    KeyedHashMask hex = new KeyedHashMask(keys.primaryPrf("hashing"), HashFormat.HEX, "hashing", keys.keyIdOf("hashing"));
    KeyedHashMask otherKey = new KeyedHashMask(keys.primaryPrf("other"), HashFormat.HEX, "other", keys.keyIdOf("other"));
    String h = hex.apply("4111111111111111");
    assertTrue(h.matches("[0-9a-f]{64}"), h);
    assertEquals(h, hex.apply("4111111111111111"));
    assertNotEquals(h, otherKey.apply("4111111111111111"));
    assertNull(hex.apply(null));
    assertTrue(hex.injective());
    assertEquals("hash:hashing@" + keys.keyIdOf("hashing"), hex.equivalenceClass().orElseThrow());
    Set<String> outputs = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(outputs.add(hex.apply(Integer.toString(i))));
    }
  }

  @Test
  void digitHashesKeepLengthAndSeparatorsAndAreUnbiased() {
    KeyRing keys = KeyRing.of(Map.of("hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING)));
    KeyedHashMask digits = new KeyedHashMask(keys.primaryPrf("hashing"), HashFormat.DIGITS, "hashing", "1");
    String out = digits.apply("4111 1111-1111 1111");
    assertTrue(out.matches("\\d{4} \\d{4}-\\d{4} \\d{4}"), out);
    assertNotEquals("4111 1111-1111 1111", out);
    assertEquals(out, digits.apply("4111 1111-1111 1111"));
    assertEquals(200, digits.apply("x".repeat(200)).length(), "longer than one PRF output");
    int[] counts = new int[10];
    for (int i = 0; i < 20_000; i++) {
      for (char c : digits.apply("v" + i).toCharArray()) {
        counts[c - '0']++;
      }
    }
    int total = java.util.Arrays.stream(counts).sum();
    for (int count : counts) {
      assertTrue(Math.abs(count - total / 10.0) < total * 0.01, java.util.Arrays.toString(counts));
    }
    assertTrue(digits.equivalenceClass().isEmpty());
  }
}
