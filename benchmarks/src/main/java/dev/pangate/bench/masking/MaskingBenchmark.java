package dev.pangate.bench.masking;

import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.masking.mask.Ff1;
import dev.pangate.masking.mask.Ff1PanTokenizer;
import dev.pangate.masking.mask.KeyedHashMask;
import dev.pangate.masking.mask.MaskFunction;
import dev.pangate.masking.mask.TruncateMask;
import dev.pangate.masking.pan.Luhn;
import dev.pangate.masking.policy.HashFormat;
import dev.pangate.masking.policy.LuhnRule;
import dev.pangate.masking.policy.SourceLocation;
import dev.pangate.masking.policy.TokenFamily;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.fpe.FPEFF1Engine;
import org.bouncycastle.crypto.params.FPEParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-value cost of the masks on one 16-digit PAN: FF1 tokenize and detokenize (JCE or
 * BouncyCastle AES, luhn any or fail), BouncyCastle's FPEFF1Engine as the reference, truncate and
 * keyed hashes, and a remembered token. Inputs cycle through 1,024 random Luhn-valid PANs so nothing is constant-folded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaskingBenchmark {

  private static final int PANS = 1024;

  @Param({"JCE", "BOUNCY_CASTLE"})
  public String aes;

  private String[] pans;
  private String[] anyTokens;
  private String[] failTokens;
  private byte[][] middles;
  private int next;
  private Ff1PanTokenizer any;
  private Ff1PanTokenizer fail;
  private Ff1PanTokenizer remembered;
  private MaskFunction truncate;
  private MaskFunction hashHex;
  private MaskFunction hashDigits;
  private FPEFF1Engine reusedEngine;
  private KeyParameter key;
  private byte[] tweak;

  @Setup
  public void setUp() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    byte[] keyBytes = new byte[32];
    random.nextBytes(keyBytes);
    key = new KeyParameter(keyBytes);
    Ff1 ff1 = Ff1.create(keyBytes, Ff1.AesBackend.valueOf(aes));
    SourceLocation here = new SourceLocation("bench.yaml", 1, 1, "token_families.pan");
    // FF1 itself: nothing remembered, every call encrypts (the 1,024 PANs would all be remembered)
    any = Ff1PanTokenizer.create(new TokenFamily("pan", "tokenization", 6, 4, LuhnRule.ANY, here), ff1, "1", 0);
    fail = Ff1PanTokenizer.create(new TokenFamily("pan", "tokenization", 6, 4, LuhnRule.FAIL, here), ff1, "1", 0);
    remembered = Ff1PanTokenizer.create(new TokenFamily("pan", "tokenization", 6, 4, LuhnRule.FAIL, here), ff1, "1");
    truncate = new TruncateMask(6, 4, '*');
    KeyRing keys = KeyRing.of(Map.of("hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING)));
    hashHex = new KeyedHashMask(keys.primaryPrf("hashing"), HashFormat.HEX, "hashing", keys.keyIdOf("hashing"));
    hashDigits = new KeyedHashMask(keys.primaryPrf("hashing"), HashFormat.DIGITS, "hashing", keys.keyIdOf("hashing"));
    pans = new String[PANS];
    anyTokens = new String[PANS];
    failTokens = new String[PANS];
    middles = new byte[PANS][];
    for (int i = 0; i < PANS; i++) {
      StringBuilder payload = new StringBuilder("411111");
      while (payload.length() < 15) {
        payload.append((char) ('0' + random.nextInt(10)));
      }
      pans[i] = payload.append(Luhn.checkDigit(payload)).toString();
      anyTokens[i] = any.tokenize(pans[i]);
      failTokens[i] = fail.tokenize(pans[i]);
      middles[i] = new byte[6];
      for (int k = 0; k < 6; k++) {
        middles[i][k] = (byte) (pans[i].charAt(6 + k) - '0');
      }
    }
    tweak = new byte[9];
    reusedEngine = new FPEFF1Engine(AESEngine.newInstance());
  }

  private int index() {
    return next = (next + 1) & (PANS - 1);
  }

  @Benchmark
  public String tokenize() {
    return any.tokenize(pans[index()]);
  }

  @Benchmark
  public String detokenize() {
    return any.detokenize(anyTokens[index()]);
  }

  @Benchmark
  public String tokenizeLuhnFail() {
    return fail.tokenize(pans[index()]);
  }

  /** A PAN tokenized before (luhn: fail): the token the tokenizer remembers. */
  @Benchmark
  public String tokenizeLuhnFailRemembered() {
    return remembered.tokenize(pans[index()]);
  }

  @Benchmark
  public String detokenizeLuhnFail() {
    return fail.detokenize(failTokens[index()]);
  }

  /** The reference: BouncyCastle FF1 on the six middle digits, a new engine per call. */
  @Benchmark
  public byte[] bouncyCastleFf1NewEngine() {
    FPEFF1Engine engine = new FPEFF1Engine(AESEngine.newInstance());
    engine.init(true, new FPEParameters(key, 10, tweak));
    byte[] out = new byte[6];
    engine.processBlock(middles[index()], 0, 6, out, 0);
    return out;
  }

  /** The reference with one engine per thread, re-initialized per call (the tweak changes per PAN). */
  @Benchmark
  public byte[] bouncyCastleFf1ReusedEngine() {
    reusedEngine.init(true, new FPEParameters(key, 10, tweak));
    byte[] out = new byte[6];
    reusedEngine.processBlock(middles[index()], 0, 6, out, 0);
    return out;
  }

  @Benchmark
  public String truncate() {
    return truncate.apply(pans[index()]);
  }

  @Benchmark
  public String hashHex() {
    return hashHex.apply(pans[index()]);
  }

  @Benchmark
  public String hashDigits() {
    return hashDigits.apply(pans[index()]);
  }
}
