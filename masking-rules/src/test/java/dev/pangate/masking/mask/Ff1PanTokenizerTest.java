package dev.pangate.masking.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.masking.pan.Luhn;
import dev.pangate.masking.policy.LuhnRule;
import dev.pangate.masking.policy.SourceLocation;
import dev.pangate.masking.policy.TokenFamily;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Ff1PanTokenizerTest {

  private static final SourceLocation HERE = new SourceLocation("test.yaml", 1, 1, "token_families.pan");
  private static final byte[] KEY = new byte[32];

  static {
    new SplittableRandom(7).nextBytes(KEY);
  }

  static Ff1PanTokenizer tokenizer(String name, int keepFirst, int keepLast, LuhnRule luhn) {
    return tokenizer(name, keepFirst, keepLast, luhn, KEY);
  }

  static Ff1PanTokenizer tokenizer(String name, int keepFirst, int keepLast, LuhnRule luhn, byte[] key) {
    TokenFamily family = new TokenFamily(name, "tokenization", keepFirst, keepLast, luhn, HERE);
    return Ff1PanTokenizer.create(family, Ff1.create(key), "1234");
  }

  /** A random Luhn-valid PAN of the length starting with the given BIN. */
  static String randomPan(SplittableRandom random, String bin, int length) {
    StringBuilder payload = new StringBuilder(bin);
    while (payload.length() < length - 1) {
      payload.append((char) ('0' + random.nextInt(10)));
    }
    return payload.append(Luhn.checkDigit(payload)).toString();
  }

  @ParameterizedTest
  @EnumSource(LuhnRule.class)
  void propertiesHoldOverAHundredThousandRandomPansOfEachLength(LuhnRule luhn) {
    Ff1PanTokenizer tokenizer = tokenizer("pan", 6, 4, luhn);
    SplittableRandom random = new SplittableRandom(99 + luhn.ordinal());
    for (int length = 13; length <= 19; length++) {
      String bin = "4" + (10000 + random.nextInt(90000));
      int kept = tokenizer.tokenFamily().keepFirstFor(length);
      Set<String> pans = new HashSet<>();
      Set<String> tokens = new HashSet<>();
      int passingLuhn = 0;
      while (pans.size() < 100_000) {
        String pan = randomPan(random, bin, length);
        if (!pans.add(pan)) {
          continue;
        }
        String token = tokenizer.tokenize(pan);
        assertEquals(length, token.length());
        assertTrue(token.chars().allMatch(Character::isDigit), token);
        assertEquals(pan.substring(0, kept), token.substring(0, kept), "kept prefix");
        assertEquals(pan.substring(length - 4), token.substring(length - 4), "kept suffix");
        assertEquals(token, tokenizer.tokenize(pan), "deterministic");
        assertEquals(pan, tokenizer.detokenize(token), "round trip");
        assertTrue(tokens.add(token), "two PANs of one BIN share a token");
        if (Luhn.isValid(token)) {
          passingLuhn++;
        }
      }
      if (luhn == LuhnRule.FAIL) {
        assertEquals(0, passingLuhn, "luhn: fail tokens never pass the Luhn check");
      } else {
        // About one in ten; a broken construction would give 0 or 100,000.
        assertTrue(passingLuhn > 8_000 && passingLuhn < 12_000, "tokens passing Luhn: " + passingLuhn);
      }
    }
  }

  @Test
  void exhaustiveRoundTripOverOneBinAndLastFourIsABijection() {
    // 16 digits keeping 6 + 4: the middle is 6 digits, every one of the 10^6 values is tried.
    Ff1PanTokenizer any = tokenizer("pan", 6, 4, LuhnRule.ANY);
    BitSet seen = new BitSet(1_000_000);
    char[] pan = "4000000000001234".toCharArray();
    for (int middle = 0; middle < 1_000_000; middle++) {
      writeMiddle(pan, middle);
      String raw = new String(pan);
      String token = any.tokenize(raw);
      int tokenMiddle = Integer.parseInt(token.substring(6, 12));
      assertFalse(seen.get(tokenMiddle), "collision");
      seen.set(tokenMiddle);
      assertTrue(token.startsWith("400000") && token.endsWith("1234"));
      assertEquals(raw, any.detokenize(token));
    }
    assertEquals(1_000_000, seen.cardinality());

    // luhn: fail maps the 10^5 Luhn-valid PANs onto 10^5 distinct Luhn-failing tokens and back.
    Ff1PanTokenizer fail = tokenizer("pan", 6, 4, LuhnRule.FAIL);
    BitSet failSeen = new BitSet(1_000_000);
    int valid = 0;
    for (int middle = 0; middle < 1_000_000; middle++) {
      writeMiddle(pan, middle);
      String raw = new String(pan);
      if (!Luhn.isValid(raw)) {
        assertEquals("****************", fail.tokenize(raw), "a Luhn-invalid number is redacted");
        continue;
      }
      valid++;
      String token = fail.tokenize(raw);
      assertFalse(Luhn.isValid(token));
      int tokenMiddle = Integer.parseInt(token.substring(6, 12));
      assertFalse(failSeen.get(tokenMiddle), "collision");
      failSeen.set(tokenMiddle);
      assertEquals(raw, fail.detokenize(token));
    }
    assertEquals(100_000, valid);
    assertEquals(100_000, failSeen.cardinality());
  }

  private static void writeMiddle(char[] pan, int middle) {
    for (int i = 11; i >= 6; i--) {
      pan[i] = (char) ('0' + middle % 10);
      middle /= 10;
    }
  }

  @Test
  void differentFamiliesAndKeysGiveDifferentTokens() {
    SplittableRandom random = new SplittableRandom(5);
    Ff1PanTokenizer pan = tokenizer("pan", 6, 4, LuhnRule.ANY);
    Ff1PanTokenizer other = tokenizer("other", 6, 4, LuhnRule.ANY, derivedKey("other"));
    Ff1PanTokenizer otherKey = tokenizer("pan", 6, 4, LuhnRule.ANY, derivedKey("rotated"));
    int same = 0;
    int sameUnderOtherKey = 0;
    for (int i = 0; i < 10_000; i++) {
      String raw = randomPan(random, "411111", 16);
      same += pan.tokenize(raw).equals(other.tokenize(raw)) ? 1 : 0;
      sameUnderOtherKey += pan.tokenize(raw).equals(otherKey.tokenize(raw)) ? 1 : 0;
    }
    // Two independent permutations of 10^6 middles agree on about one input in a million.
    assertTrue(same < 5, "same tokens across families: " + same);
    assertTrue(sameUnderOtherKey < 5, "same tokens across keys: " + sameUnderOtherKey);
  }

  private static byte[] derivedKey(String label) {
    byte[] key = KEY.clone();
    key[0] ^= (byte) label.hashCode();
    key[1] ^= (byte) (label.hashCode() >>> 8);
    return key;
  }

  @Test
  void theSameMiddleUnderAnotherBinOrLastFourGetsAnotherToken() {
    Ff1PanTokenizer tokenizer = tokenizer("pan", 6, 4, LuhnRule.ANY);
    String a = tokenizer.tokenize("4111111234561111");
    String b = tokenizer.tokenize("5111111234561111");
    String c = tokenizer.tokenize("4111111234562222");
    assertNotEquals(a.substring(6, 12), b.substring(6, 12));
    assertNotEquals(a.substring(6, 12), c.substring(6, 12));
  }

  @Test
  void separatorsStayInPlaceAndNullStaysNull() {
    Ff1PanTokenizer tokenizer = tokenizer("pan", 6, 4, LuhnRule.ANY);
    String spaced = tokenizer.tokenize("4111 1111 1111 1111");
    String dashed = tokenizer.tokenize("4111-1111-1111-1111");
    String plain = tokenizer.tokenize("4111111111111111");
    assertEquals(plain, spaced.replace(" ", ""));
    assertEquals(plain, dashed.replace("-", ""));
    assertTrue(spaced.matches("4111 11\\d\\d \\d{4} 1111"), spaced);
    assertEquals("4111 1111 1111 1111", tokenizer.detokenize(spaced));
    assertNull(tokenizer.tokenize(null));
    assertNull(tokenizer.detokenize(null));
  }

  @Test
  void valuesThatAreNotPansAreRedactedNeverPassedThrough() {
    for (LuhnRule luhn : LuhnRule.values()) {
      Ff1PanTokenizer tokenizer = tokenizer("pan", 6, 4, luhn);
      for (String value : new String[] {
          "", "abc", "4111111111111111x", "411111111111", "41111111111111111111", "4111 1111 1111 111a",
          "4111.1111.1111.1111", "PAN 4111111111111111", "4111111111111111\n"}) {
        String masked = tokenizer.tokenize(value);
        assertEquals("*".repeat(value.length()), masked, value);
        assertFalse(tokenizer.isToken(value));
      }
    }
    // In luhn: fail a Luhn-invalid number cannot be given a distinct failing token: redacted too.
    assertEquals("****************", tokenizer("pan", 6, 4, LuhnRule.FAIL).tokenize("4111111111111112"));
  }

  @Test
  void shortPansKeepFewerLeadingDigitsSoSixAreEncrypted() {
    Ff1PanTokenizer tokenizer = tokenizer("pan", 8, 4, LuhnRule.ANY);
    assertEquals(3, tokenizer.tokenFamily().keepFirstFor(13));
    assertEquals(5, tokenizer.tokenFamily().keepFirstFor(15));
    assertEquals(6, tokenizer.tokenFamily().keepFirstFor(16));
    assertEquals(8, tokenizer.tokenFamily().keepFirstFor(18));
    assertEquals(8, tokenizer.tokenFamily().keepFirstFor(19));
    SplittableRandom random = new SplittableRandom(3);
    for (int length = 13; length <= 19; length++) {
      int kept = tokenizer.tokenFamily().keepFirstFor(length);
      int changedInMiddle = 0;
      for (int i = 0; i < 2_000; i++) {
        String pan = randomPan(random, "37828224", length);
        String token = tokenizer.tokenize(pan);
        assertEquals(pan.substring(0, kept), token.substring(0, kept));
        // The digit just after the kept prefix is encrypted, not kept: it changes for most PANs.
        changedInMiddle += pan.charAt(kept) != token.charAt(kept) ? 1 : 0;
        assertEquals(pan, tokenizer.detokenize(token));
      }
      assertTrue(changedInMiddle > 1_500, "length " + length + ": " + changedInMiddle);
    }
  }

  @Test
  void keepingNothingEncryptsAllNineteenDigits() {
    Ff1PanTokenizer tokenizer = tokenizer("all", 0, 0, LuhnRule.FAIL);
    String pan = randomPan(new SplittableRandom(1), "6011", 19);
    String token = tokenizer.tokenize(pan);
    assertEquals(19, token.length());
    assertFalse(Luhn.isValid(token));
    assertEquals(pan, tokenizer.detokenize(token));
  }

  @Test
  void detokenizeRefusesNonTokensWithoutEchoingThem() {
    Ff1PanTokenizer fail = tokenizer("pan", 6, 4, LuhnRule.FAIL);
    // A real PAN passes Luhn, so it can never be a luhn: fail token.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> fail.detokenize("4111111111111111"));
    assertFalse(e.getMessage().contains("4111111111111111"), e.getMessage());
    assertTrue(e.getMessage().contains("token family 'pan'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tokenizer("pan", 6, 4, LuhnRule.ANY).detokenize("abc"));
  }

  @Test
  void oneTokenizerServesManyThreadsAtOnce() throws Exception {
    Ff1PanTokenizer tokenizer = tokenizer("pan", 6, 4, LuhnRule.FAIL);
    SplittableRandom random = new SplittableRandom(8);
    String[] pans = new String[2_000];
    String[] expected = new String[pans.length];
    for (int i = 0; i < pans.length; i++) {
      pans[i] = randomPan(random, "510510", 16);
      expected[i] = tokenizer.tokenize(pans[i]);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          int mismatches = 0;
          for (int round = 0; round < 5; round++) {
            for (int i = offset; i < pans.length; i++) {
              if (!tokenizer.tokenize(pans[i]).equals(expected[i]) || !tokenizer.detokenize(expected[i]).equals(pans[i])) {
                mismatches++;
              }
            }
          }
          return mismatches;
        }));
      }
      for (java.util.concurrent.Future<Integer> result : results) {
        assertEquals(0, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
