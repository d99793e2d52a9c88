package dev.pangate.masking.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pangate.masking.policy.LuhnRule;
import dev.pangate.masking.policy.SourceLocation;
import dev.pangate.masking.policy.TokenFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * A tokenizer that remembers tokens gives exactly the tokens of one that encrypts every PAN every
 * time: with slots shared by many PANs (so entries are replaced all the time), PANs repeated, values
 * that are no PAN of the family, separators, 19 digits, and several threads at once.
 */
class RememberedTokensTest {

  private static final SourceLocation HERE = new SourceLocation("test.yaml", 1, 1, "token_families.pan");

  private static Ff1PanTokenizer tokenizer(LuhnRule luhn, byte[] key, int remember) {
    TokenFamily family = new TokenFamily("pan", "tokenization", 6, 4, luhn, HERE);
    return Ff1PanTokenizer.create(family, Ff1.create(key), "1", remember);
  }

  private static byte[] key(long seed) {
    byte[] key = new byte[32];
    new SplittableRandom(seed).nextBytes(key);
    return key;
  }

  /** PANs of 13 to 19 digits (some Luhn-valid, some not, a few with separators), each several times. */
  private static List<String> values(SplittableRandom random, int distinct) {
    List<String> pans = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      int length = 13 + random.nextInt(7);
      String pan = random.nextBoolean()
          ? Ff1PanTokenizerTest.randomPan(random, i % 7 == 0 ? "000000" : "4" + (10000 + random.nextInt(90000)), length)
          : String.format("%019d", Math.floorMod(random.nextLong(), 10_000_000_000_000_000L)).substring(19 - length);
      if (i % 50 == 0) {
        pan = pan.substring(0, 4) + " " + pan.substring(4);
      }
      pans.add(pan);
    }
    pans.add("not a pan");
    pans.add("41111111");
    List<String> values = new ArrayList<>();
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < pans.size(); i++) {
        values.add(pans.get(random.nextInt(pans.size())));
      }
    }
    return values;
  }

  @ParameterizedTest
  @EnumSource(LuhnRule.class)
  void rememberedTokensAreTheTokens(LuhnRule luhn) {
    byte[] key = key(3);
    Ff1PanTokenizer plain = tokenizer(luhn, key, 0);
    Ff1PanTokenizer small = tokenizer(luhn, key, 16); // every slot replaced many times
    Ff1PanTokenizer large = tokenizer(luhn, key, Ff1PanTokenizer.DEFAULT_REMEMBERED);
    for (String value : values(new SplittableRandom(5 + luhn.ordinal()), 20_000)) {
      String expected = plain.tokenize(value);
      assertEquals(expected, small.tokenize(value), value);
      assertEquals(expected, large.tokenize(value), value);
      if (expected.charAt(0) != '*') {
        assertEquals(value, large.detokenize(large.tokenize(value)));
      }
    }
  }

  @Test
  void aTokenizerUnderAnotherKeyRemembersNothingOfTheFirst() {
    Ff1PanTokenizer first = tokenizer(LuhnRule.FAIL, key(3), 16);
    Ff1PanTokenizer rotated = tokenizer(LuhnRule.FAIL, key(4), 16);
    String pan = "4111111111111111";
    String token = first.tokenize(pan);
    assertEquals(token, first.tokenize(pan));
    assertNotEquals(token, rotated.tokenize(pan));
    assertEquals(tokenizer(LuhnRule.FAIL, key(4), 0).tokenize(pan), rotated.tokenize(pan));
  }

  @Test
  void threadsSharingOneTokenizerGetTheTokens() throws Exception {
    byte[] key = key(9);
    Ff1PanTokenizer plain = tokenizer(LuhnRule.FAIL, key, 0);
    Ff1PanTokenizer shared = tokenizer(LuhnRule.FAIL, key, 64);
    List<String> values = values(new SplittableRandom(11), 2_000);
    List<String> expected = values.stream().map(plain::tokenize).toList();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t * 97;
        done.add(threads.submit(() -> {
          for (int i = 0; i < values.size(); i++) {
            int k = (i + offset) % values.size();
            assertEquals(expected.get(k), shared.tokenize(values.get(k)), values.get(k));
          }
        }));
      }
      for (Future<?> each : done) {
        each.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theTableSizeIsAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> tokenizer(LuhnRule.ANY, key(1), 1000));
    assertThrows(IllegalArgumentException.class, () -> tokenizer(LuhnRule.ANY, key(1), -1));
  }
}
