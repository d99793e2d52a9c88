package dev.pangate.masking.mask;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.MultiBlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.fpe.FPEFF1Engine;
import org.bouncycastle.crypto.params.FPEParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * NIST SP 800-38G FF1 format-preserving encryption over decimal digit strings (radix 10).
 *
 * <p>Numerals of up to {@value #MAX_FAST_DIGITS} digits take a fast path: each half fits in a
 * {@code long}, so the round function needs no big-integer arithmetic, and the PRF input
 * {@code P || Q} is reduced to one AES block per round (the encryption of {@code P} is computed
 * once per numeral length and tweak length; the tweak blocks of {@code Q} once per call). Longer
 * numerals use BouncyCastle's {@code FPEFF1Engine}. Both paths agree on the NIST sample vectors and
 * on random inputs (see the tests).
 *
 * <p>The domain must be at least 10^6 (SP 800-38G Rev. 1), so numerals have at least six digits.
 * Instances are thread-safe: each thread gets its own AES primitive. The key is kept only in memory
 * and never appears in a message.
 */
public final class Ff1 {

  /** Which AES implementation runs the rounds of the fast path. */
  public enum AesBackend {
    /** {@code javax.crypto} AES/ECB/NoPadding: hardware AES where the JVM has it. */
    JCE,
    /** BouncyCastle's {@code AESEngine} (table-based, pure Java). */
    BOUNCY_CASTLE
  }

  /** The fewest digits FF1 accepts here: 10^6 is the smallest domain SP 800-38G Rev. 1 allows. */
  public static final int MIN_DIGITS = 6;

  /** The most digits whose halves fit in a {@code long} with room for the round arithmetic. */
  public static final int MAX_FAST_DIGITS = 18;

  private static final int BLOCK = 16;
  private static final int CACHED_TWEAK_LENGTH = 16;
  private static final long[] POW10 = new long[MAX_FAST_DIGITS + 1];
  /** b = ceil(ceil(v * log2(10)) / 8) for v digits. */
  private static final int[] NUM_BYTES = new int[MAX_FAST_DIGITS + 1];

  static {
    POW10[0] = 1;
    for (int i = 1; i <= MAX_FAST_DIGITS; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
    for (int v = 1; v <= MAX_FAST_DIGITS; v++) {
      // 10^v is not a power of two, so ceil(v * log2 10) is the bit length of 10^v.
      NUM_BYTES[v] = (BigInteger.TEN.pow(v).bitLength() + 7) / 8;
    }
  }

  private final byte[] key;
  private final AesBackend backend;
  private final ThreadLocal<Scratch> scratch;
  /**
   * The scratch of the thread that used this instance last. A result is masked by one thread for
   * many values in a row, so this saves the thread-local look-up per value (a probe of the thread's
   * map that profiles showed at 14% of a gateway's CPU during tokenized scans); another thread finds
   * its own scratch through the thread-local and takes this place.
   */
  private volatile Scratch recent;
  /** AES_K(P) for numeral length n and tweak length t, indexed [n][t]. */
  private final byte[][][] encryptedP;

  private Ff1(byte[] key, AesBackend backend) {
    this.key = key.clone();
    this.backend = backend;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(newAes(this.key, this.backend)));
    Scratch s = scratch();
    encryptedP = new byte[MAX_FAST_DIGITS + 1][CACHED_TWEAK_LENGTH + 1][];
    for (int n = MIN_DIGITS; n <= MAX_FAST_DIGITS; n++) {
      for (int t = 0; t <= CACHED_TWEAK_LENGTH; t++) {
        byte[] out = new byte[BLOCK];
        s.aes.encrypt(headerBlock(n, t), out);
        encryptedP[n][t] = out;
      }
    }
  }

  /** An FF1 instance for an AES-128, -192 or -256 key, using the JCE AES primitive. */
  public static Ff1 create(byte[] key) {
    return create(key, AesBackend.JCE);
  }

  /** An FF1 instance for an AES-128, -192 or -256 key, using the given AES implementation. */
  public static Ff1 create(byte[] key, AesBackend backend) {
    requireNonNull(key, "key is null");
    requireNonNull(backend, "backend is null");
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException(
          "FF1 needs an AES key of 16, 24 or 32 bytes; got " + key.length + " bytes");
    }
    return new Ff1(key, backend);
  }

  /** Encrypts a string of ASCII digits (at least six) under the tweak; the result has the same length. */
  public String encrypt(String digits, byte[] tweak) {
    return cipher(digits, tweak, true);
  }

  /** Decrypts what {@link #encrypt(String, byte[])} produced with the same tweak. */
  public String decrypt(String digits, byte[] tweak) {
    return cipher(digits, tweak, false);
  }

  /**
   * Encrypts the numeral {@code x} of {@code n} digits ({@code 6 <= n <= 18}, leading zeros
   * counted) under the tweak; the result is again below 10^n.
   */
  public long encrypt(long x, int n, byte[] tweak) {
    checkFast(x, n, tweak);
    return fast(x, n, tweak, true);
  }

  /** Decrypts what {@link #encrypt(long, int, byte[])} produced for the same length and tweak. */
  public long decrypt(long x, int n, byte[] tweak) {
    checkFast(x, n, tweak);
    return fast(x, n, tweak, false);
  }

  private static void checkFast(long x, int n, byte[] tweak) {
    requireNonNull(tweak, "tweak is null");
    if (n < MIN_DIGITS || n > MAX_FAST_DIGITS) {
      throw new IllegalArgumentException(
          "numeral length must be " + MIN_DIGITS + ".." + MAX_FAST_DIGITS + " digits; got " + n);
    }
    if (x < 0 || x >= POW10[n]) {
      throw new IllegalArgumentException("numeral out of range for " + n + " digits");
    }
  }

  private String cipher(String digits, byte[] tweak, boolean encrypt) {
    requireNonNull(digits, "digits is null");
    requireNonNull(tweak, "tweak is null");
    int n = digits.length();
    if (n < MIN_DIGITS) {
      throw new IllegalArgumentException(
          "FF1 needs at least " + MIN_DIGITS + " digits (a domain of 10^6); got " + n);
    }
    for (int i = 0; i < n; i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("FF1 input must be decimal digits; position " + i + " is not");
      }
    }
    if (n <= MAX_FAST_DIGITS) {
      long out = fast(Long.parseLong(digits), n, tweak, encrypt);
      return pad(out, n);
    }
    return reference(digits, tweak, encrypt);
  }

  /** BouncyCastle's FF1, for numerals too long for the fast path. */
  private String reference(String digits, byte[] tweak, boolean encrypt) {
    int n = digits.length();
    byte[] in = new byte[n];
    for (int i = 0; i < n; i++) {
      in[i] = (byte) (digits.charAt(i) - '0');
    }
    FPEFF1Engine engine = new FPEFF1Engine(AESEngine.newInstance());
    engine.init(encrypt, new FPEParameters(new KeyParameter(key), 10, tweak));
    byte[] out = new byte[n];
    engine.processBlock(in, 0, n, out, 0);
    char[] chars = new char[n];
    for (int i = 0; i < n; i++) {
      chars[i] = (char) ('0' + out[i]);
    }
    return new String(chars);
  }

  static String pad(long value, int n) {
    char[] chars = new char[n];
    for (int i = n - 1; i >= 0; i--) {
      chars[i] = (char) ('0' + (int) (value % 10));
      value /= 10;
    }
    return new String(chars);
  }

  /** The calling thread's scratch: its AES primitive and buffers are never shared between threads. */
  private Scratch scratch() {
    Scratch s = recent;
    if (s != null && s.owner == Thread.currentThread()) {
      return s;
    }
    s = scratch.get();
    recent = s;
    return s;
  }

  private long fast(long x, int n, byte[] tweak, boolean encrypt) {
    Scratch s = scratch();
    int u = n / 2;
    int v = n - u;
    int b = NUM_BYTES[v];
    int t = tweak.length;
    int pad = Math.floorMod(-t - b - 1, BLOCK);
    int qLength = t + pad + 1 + b;

    // Chain the CBC-MAC over P and every block of Q but the last: those do not change per round.
    byte[] chain = s.chain;
    if (t <= CACHED_TWEAK_LENGTH) {
      System.arraycopy(encryptedP[n][t], 0, chain, 0, BLOCK);
    } else {
      s.aes.encrypt(headerBlock(n, t), chain);
    }
    byte[] q = s.q(qLength);
    System.arraycopy(tweak, 0, q, 0, t);
    java.util.Arrays.fill(q, t, qLength, (byte) 0);
    for (int off = 0; off + BLOCK < qLength; off += BLOCK) {
      for (int j = 0; j < BLOCK; j++) {
        chain[j] ^= q[off + j];
      }
      s.aes.encrypt(chain, chain);
    }
    // The last block of Q xored with the chain; per round only [i] and NUM(B) are added.
    byte[] base = s.base;
    int last = qLength - BLOCK;
    for (int j = 0; j < BLOCK; j++) {
      base[j] = (byte) (chain[j] ^ q[last + j]);
    }
    int roundIndex = BLOCK - 1 - b;

    long a = x / POW10[v];
    long bNum = x % POW10[v];
    byte[] block = s.block;
    byte[] r = s.r;
    if (encrypt) {
      for (int i = 0; i < 10; i++) {
        int m = (i & 1) == 0 ? u : v;
        long y = round(s, base, block, r, roundIndex, i, bNum, b);
        long modulus = POW10[m];
        long c = (a + Long.remainderUnsigned(y, modulus)) % modulus;
        a = bNum;
        bNum = c;
      }
    } else {
      // Decryption runs the rounds backwards with A and B swapped: A is x's first u digits.
      for (int i = 9; i >= 0; i--) {
        int m = (i & 1) == 0 ? u : v;
        long y = round(s, base, block, r, roundIndex, i, a, b);
        long modulus = POW10[m];
        long c = Math.floorMod(bNum - Long.remainderUnsigned(y, modulus), modulus);
        bNum = a;
        a = c;
      }
    }
    return a * POW10[v] + bNum;
  }

  /** NUM(S) for round i: S is the first 8 bytes of AES_K(chain xor Q_last) since b <= 4 gives d = 8. */
  private static long round(
      Scratch s, byte[] base, byte[] block, byte[] r, int roundIndex, int i, long numeral, int b) {
    System.arraycopy(base, 0, block, 0, BLOCK);
    block[roundIndex] ^= (byte) i;
    long value = numeral;
    for (int j = BLOCK - 1; j > roundIndex; j--) {
      block[j] ^= (byte) value;
      value >>>= 8;
    }
    s.aes.encrypt(block, r);
    long y = 0;
    for (int j = 0; j < 8; j++) {
      y = (y << 8) | (r[j] & 0xFF);
    }
    return y;
  }

  /** P = [1,2,1] || [radix]^3 || [10] || [u mod 256] || [n]^4 || [t]^4. */
  private static byte[] headerBlock(int n, int t) {
    int u = n / 2;
    return new byte[] {
      1, 2, 1, 0, 0, 10, 10, (byte) u,
      (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n,
      (byte) (t >>> 24), (byte) (t >>> 16), (byte) (t >>> 8), (byte) t
    };
  }

  private static Aes newAes(byte[] key, AesBackend backend) {
    return backend == AesBackend.JCE ? new JceAes(key) : new BouncyCastleAes(key);
  }

  /** One AES block encryption under a fixed key. */
  private interface Aes {
    void encrypt(byte[] in, byte[] out);
  }

  private static final class JceAes implements Aes {
    private final Cipher cipher;

    JceAes(byte[] key) {
      try {
        cipher = Cipher.getInstance("AES/ECB/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/ECB/NoPadding is not available in this JVM", e);
      }
    }

    @Override
    public void encrypt(byte[] in, byte[] out) {
      try {
        cipher.update(in, 0, BLOCK, out, 0);
      } catch (ShortBufferException e) {
        throw new IllegalStateException("AES output buffer too short", e);
      }
    }
  }

  private static final class BouncyCastleAes implements Aes {
    private final MultiBlockCipher engine = AESEngine.newInstance();

    BouncyCastleAes(byte[] key) {
      engine.init(true, new KeyParameter(key));
    }

    @Override
    public void encrypt(byte[] in, byte[] out) {
      engine.processBlock(in, 0, out, 0);
    }
  }

  /** Per-thread AES primitive and buffers, so the hot path allocates nothing. */
  private static final class Scratch {
    /** The thread it belongs to (created by the thread-local's initializer, on that thread). */
    final Thread owner = Thread.currentThread();
    final Aes aes;
    final byte[] chain = new byte[BLOCK];
    final byte[] base = new byte[BLOCK];
    final byte[] block = new byte[BLOCK];
    final byte[] r = new byte[BLOCK];
    private byte[] q = new byte[2 * BLOCK];

    Scratch(Aes aes) {
      this.aes = aes;
    }

    byte[] q(int length) {
      if (q.length < length) {
        q = new byte[length];
      }
      return q;
    }
  }
}
