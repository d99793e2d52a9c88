package dev.pangate.engine.demo;

import java.util.List;

/**
 * A counter-based random source: every row of every table gets its own stream, derived from the
 * seed, the table and the row id alone. A row can therefore be regenerated anywhere (a
 * transaction recomputes its card's PAN, a dispute its transaction) without keeping earlier rows
 * in memory, and the data does not depend on the order in which rows are produced.
 *
 * <p>The mixing function is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014): its constants and steps are fixed here, so the same seed gives
 * the same data on every JVM.
 */
final class DemoRandom {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  private DemoRandom(long state) {
    this.state = state;
  }

  /** The stream of row {@code id} of {@code table} under {@code seed}. */
  static DemoRandom forRow(long seed, DemoTable table, long id) {
    return new DemoRandom(mix(mix(seed ^ mix(table.salt())) + id * GOLDEN_GAMMA));
  }

  /** The SplitMix64 finaliser: a bijection on 64-bit values that spreads every input bit. */
  static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in {@code [0, bound)}; the modulo bias is below 2^-32 for the bounds used here. */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, was " + bound);
    }
    return (int) Long.remainderUnsigned(nextLong(), bound);
  }

  /** Uniform in {@code [from, to]}. */
  int between(int from, int to) {
    return from + nextInt(to - from + 1);
  }

  /** Uniform in {@code [0, 1)}. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  boolean chance(double probability) {
    return nextDouble() < probability;
  }

  <T> T pick(List<T> values) {
    return values.get(nextInt(values.size()));
  }

  /** A string of {@code count} decimal digits. */
  String digits(int count) {
    StringBuilder out = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      out.append((char) ('0' + nextInt(10)));
    }
    return out.toString();
  }
}
