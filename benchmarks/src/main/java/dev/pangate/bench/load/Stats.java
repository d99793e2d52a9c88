package dev.pangate.bench.load;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the clients of one phase saw: latencies per statement kind, errors by code. */
final class Stats {

  /** Latency samples of one kind (bounded: a phase is bounded in time). */
  static final class Samples {
    private long[] nanos = new long[1024];
    private int count;

    synchronized void add(long value) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = value;
    }

    synchronized long[] sorted() {
      long[] copy = Arrays.copyOf(nanos, count);
      Arrays.sort(copy);
      return copy;
    }
  }

  final Map<String, Samples> latency = new ConcurrentHashMap<>();
  final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** How long failed statements took to fail, by code. */
  final Map<String, Samples> failureLatency = new ConcurrentHashMap<>();
  final LongAdder ok = new LongAdder();

  void success(String kind, long nanos) {
    ok.increment();
    latency.computeIfAbsent(kind, k -> new Samples()).add(nanos);
  }

  void failure(String code, long nanos) {
    errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    failureLatency.computeIfAbsent(code, k -> new Samples()).add(nanos);
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The p-th percentile in milliseconds of one kind, or of every kind when kind is null. */
  double percentileMillis(String kind, double p) {
    long[] all;
    if (kind == null) {
      all = latency.values().stream().flatMapToLong(s -> Arrays.stream(s.sorted())).sorted().toArray();
    } else {
      Samples samples = latency.get(kind);
      all = samples == null ? new long[0] : samples.sorted();
    }
    if (all.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(all.length - 1, Math.ceil(p / 100.0 * all.length) - 1);
    return all[Math.max(0, index)] / 1e6;
  }

  Map<String, Long> errorsByCode() {
    Map<String, Long> byCode = new TreeMap<>();
    errors.forEach((code, count) -> byCode.put(code, count.sum()));
    return byCode;
  }
}
