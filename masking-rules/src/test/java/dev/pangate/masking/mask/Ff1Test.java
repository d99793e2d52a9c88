package dev.pangate.masking.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.fpe.FPEFF1Engine;
import org.bouncycastle.crypto.params.FPEParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Ff1Test {

  private static final HexFormat HEX = HexFormat.of();

  /**
   * NIST SP 800-38G FF1 sample vectors for radix 10 (samples 1, 2, 4, 5, 7 and 8 of "FF1samples.pdf",
   * NIST Computer Security Resource Center, Block Cipher Modes of Operation, Examples with
   * Intermediate Values): plaintext 0123456789, tweak empty or 39383736353433323130.
   */
  @ParameterizedTest
  @CsvSource({
    "2B7E151628AED2A6ABF7158809CF4F3C, '', 2433477484",
    "2B7E151628AED2A6ABF7158809CF4F3C, 39383736353433323130, 6124200773",
    "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F, '', 2830668132",
    "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F, 39383736353433323130, 2496655549",
    "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94, '', 6657667009",
    "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94, 39383736353433323130, 1001623463",
  })
  void reproducesTheNistSampleVectorsWithBothAesBackends(String key, String tweak, String expected) {
    byte[] keyBytes = HEX.parseHex(key);
    byte[] tweakBytes = HEX.parseHex(tweak);
    for (Ff1.AesBackend backend : Ff1.AesBackend.values()) {
      Ff1 ff1 = Ff1.create(keyBytes, backend);
      assertEquals(expected, ff1.encrypt("0123456789", tweakBytes), backend.name());
      assertEquals("0123456789", ff1.decrypt(expected, tweakBytes), backend.name());
      assertEquals(Long.parseLong(expected), ff1.encrypt(123456789L, 10, tweakBytes), backend.name());
      assertEquals(123456789L, ff1.decrypt(Long.parseLong(expected), 10, tweakBytes), backend.name());
    }
    // The reference implementation agrees, so the comparisons below are against a checked oracle.
    assertEquals(expected, bouncyCastle(keyBytes, tweakBytes, "0123456789", true));
  }

  @Test
  void agreesWithBouncyCastleOnRandomInputsOfEveryLength() {
    SplittableRandom random = new SplittableRandom(20240601L);
    byte[] key = new byte[32];
    random.nextBytes(key);
    Ff1 jce = Ff1.create(key, Ff1.AesBackend.JCE);
    Ff1 bouncyCastleAes = Ff1.create(key, Ff1.AesBackend.BOUNCY_CASTLE);
    FPEFF1Engine reference = new FPEFF1Engine(AESEngine.newInstance());
    FPEFF1Engine referenceDecrypt = new FPEFF1Engine(AESEngine.newInstance());
    int perLength = 100_000;
    for (int n = 6; n <= 18; n++) {
      for (int k = 0; k < perLength; k++) {
        // Tweaks of 0..40 bytes cover Q of one, two and three blocks.
        byte[] tweak = new byte[random.nextInt(41)];
        random.nextBytes(tweak);
        String plain = randomDigits(random, n);
        String cipher = jce.encrypt(plain, tweak);
        reference.init(true, new FPEParameters(new KeyParameter(key), 10, tweak));
        assertEquals(digitsOf(run(reference, plain)), cipher, () -> "length " + plain.length());
        if (k % 10 == 0) {
          referenceDecrypt.init(false, new FPEParameters(new KeyParameter(key), 10, tweak));
          assertEquals(plain, digitsOf(run(referenceDecrypt, cipher)));
        }
        assertEquals(cipher, bouncyCastleAes.encrypt(plain, tweak));
        assertEquals(plain, jce.decrypt(cipher, tweak));
      }
    }
  }

  @Test
  void threadsTakingTurnsOnOneInstanceEachGetTheOneThreadAnswers() throws Exception {
    // Each thread must use its own AES primitive and buffers, however often the threads alternate.
    SplittableRandom random = new SplittableRandom(7);
    byte[] key = new byte[16];
    random.nextBytes(key);
    byte[] tweak = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    int count = 20_000;
    long[] inputs = new long[count];
    long[] expected = new long[count];
    Ff1 alone = Ff1.create(key);
    for (int i = 0; i < count; i++) {
      inputs[i] = random.nextLong(1_000_000L);
      expected[i] = alone.encrypt(inputs[i], 6, tweak);
    }
    Ff1 shared = Ff1.create(key);
    int threads = 8;
    java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.List<Thread> running = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int round = 0; round < 5; round++) {
          for (int i = offset; i < count; i += 3) {
            long token = shared.encrypt(inputs[i], 6, tweak);
            if (token != expected[i] || shared.decrypt(token, 6, tweak) != inputs[i]) {
              wrong.incrementAndGet();
            }
          }
        }
      });
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    assertEquals(0, wrong.get(), "tokens that differ from one thread's");
  }

  @Test
  void longNumeralsUseTheReferencePathAndRoundTrip() {
    byte[] key = HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
    Ff1 ff1 = Ff1.create(key);
    byte[] tweak = {1, 2, 3};
    String plain = "4111111111111111111";
    String cipher = ff1.encrypt(plain, tweak);
    assertEquals(19, cipher.length());
    assertEquals(bouncyCastle(key, tweak, plain, true), cipher);
    assertEquals(plain, ff1.decrypt(cipher, tweak));
  }

  @Test
  void refusesDomainsBelowOneMillionAndBadInput() {
    Ff1 ff1 = Ff1.create(new byte[16]);
    IllegalArgumentException shortInput =
        assertThrows(IllegalArgumentException.class, () -> ff1.encrypt("12345", new byte[0]));
    assertTrue(shortInput.getMessage().contains("10^6"), shortInput.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ff1.encrypt(12345L, 5, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> ff1.encrypt(1_000_000L, 6, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> ff1.encrypt("12345a", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> Ff1.create(new byte[15]));
  }

  static String bouncyCastle(byte[] key, byte[] tweak, String digits, boolean encrypt) {
    FPEFF1Engine engine = new FPEFF1Engine(AESEngine.newInstance());
    engine.init(encrypt, new FPEParameters(new KeyParameter(key), 10, tweak));
    return digitsOf(run(engine, digits));
  }

  private static byte[] run(FPEFF1Engine engine, String digits) {
    byte[] in = new byte[digits.length()];
    for (int i = 0; i < in.length; i++) {
      in[i] = (byte) (digits.charAt(i) - '0');
    }
    byte[] out = new byte[in.length];
    engine.processBlock(in, 0, in.length, out, 0);
    return out;
  }

  private static String digitsOf(byte[] values) {
    StringBuilder sb = new StringBuilder(values.length);
    for (byte v : values) {
      sb.append((char) ('0' + v));
    }
    return sb.toString();
  }

  static String randomDigits(SplittableRandom random, int n) {
    char[] chars = new char[n];
    for (int i = 0; i < n; i++) {
      chars[i] = (char) ('0' + random.nextInt(10));
    }
    return new String(chars);
  }
}
