package dev.pangate.endpoint.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The gateway's counters, rendered in the Prometheus text exposition format (version 0.0.4) at
 * {@code /metrics}. Counting is lock-free ({@link LongAdder}); gauges are read when scraped.
 * Labels carry only protocol names, outcome codes and reasons, never a value from a query.
 */
public final class GatewayMetrics {

  /** Upper bounds of the latency histogram's buckets, in seconds. */
  static final double[] LATENCY_BUCKETS = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Map<String, LongAdder> statements = new ConcurrentHashMap<>();
  private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BUCKETS.length];
  private final LongAdder latencyCount = new LongAdder();
  private final DoubleAdder latencySum = new DoubleAdder();
  private final LongAdder rowsReturned = new LongAdder();
  private final LongAdder rowsMasked = new LongAdder();
  private final Map<String, LongAdder> authFailures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
  private final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();
  private final Map<String, Supplier<Number>> counters = new ConcurrentHashMap<>();
  private final Map<String, String> gaugeHelp = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    for (int i = 0; i < latencyBuckets.length; i++) {
      latencyBuckets[i] = new LongAdder();
    }
  }

  /** A statement finished (or failed) on a protocol; {@code outcome} is {@code success} or an error code. */
  public void statement(String protocol, String outcome) {
    statements.computeIfAbsent(protocol + "\u0000" + outcome, k -> new LongAdder()).increment();
  }

  /** The time from receiving a statement to its first rows being ready. */
  public void latency(long nanos) {
    double seconds = nanos / 1e9;
    latencyCount.increment();
    latencySum.add(seconds);
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]) {
        latencyBuckets[i].increment();
        return; // cumulative counts are computed when rendering
      }
    }
  }

  /** Rows sent to clients; {@code masked} when at least one result column went through a mask. */
  public void rows(long count, boolean masked) {
    rowsReturned.add(count);
    if (masked) {
      rowsMasked.add(count);
    }
  }

  /** An authentication failure, by reason. */
  public void authFailure(String reason) {
    authFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** A request refused after authentication (hijack attempts, limits), by reason. */
  public void refusal(String reason) {
    refusals.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** Registers a gauge read at every scrape. */
  public void gauge(String name, String help, Supplier<Number> value) {
    gauges.put(name, value);
    gaugeHelp.put(name, help);
  }

  /** Registers a counter kept elsewhere (it only grows), read at every scrape. */
  public void counter(String name, String help, Supplier<Number> value) {
    counters.put(name, value);
    gaugeHelp.put(name, help);
  }

  /** The total of a counter family, for tests and health output. */
  public long authFailures() {
    return authFailures.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The Prometheus text format. */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    out.append("# HELP pangate_statements_total Statements run, by protocol and outcome (success or error code).\n");
    out.append("# TYPE pangate_statements_total counter\n");
    new TreeMap<>(statements).forEach((key, count) -> {
      String[] parts = key.split("\u0000", 2);
      out.append("pangate_statements_total{protocol=\"").append(escape(parts[0]))
          .append("\",outcome=\"").append(escape(parts[1])).append("\"} ").append(count.sum()).append('\n');
    });
    out.append("# HELP pangate_statement_latency_seconds Time from receiving a statement to its first rows.\n");
    out.append("# TYPE pangate_statement_latency_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      cumulative += latencyBuckets[i].sum();
      out.append("pangate_statement_latency_seconds_bucket{le=\"").append(bound(LATENCY_BUCKETS[i]))
          .append("\"} ").append(cumulative).append('\n');
    }
    long count = latencyCount.sum();
    out.append("pangate_statement_latency_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
    out.append("pangate_statement_latency_seconds_sum ").append(String.format(Locale.ROOT, "%.6f", latencySum.sum())).append('\n');
    out.append("pangate_statement_latency_seconds_count ").append(count).append('\n');
    counter(out, "pangate_rows_returned_total", "Rows sent to clients.", rowsReturned.sum());
    counter(out, "pangate_rows_masked_total", "Rows sent with at least one masked column.", rowsMasked.sum());
    labelled(out, "pangate_auth_failures_total", "Refused authentication attempts, by reason.",
        "reason", authFailures);
    labelled(out, "pangate_requests_refused_total",
        "Authenticated requests refused by the gateway (foreign connection ids, limits), by reason.",
        "reason", refusals);
    new TreeMap<>(counters).forEach((name, value) -> {
      out.append("# HELP ").append(name).append(' ').append(gaugeHelp.get(name)).append('\n');
      out.append("# TYPE ").append(name).append(" counter\n");
      out.append(name).append(' ').append(value.get()).append('\n');
    });
    new TreeMap<>(gauges).forEach((name, value) -> {
      out.append("# HELP ").append(name).append(' ').append(gaugeHelp.get(name)).append('\n');
      out.append("# TYPE ").append(name).append(" gauge\n");
      out.append(name).append(' ').append(value.get()).append('\n');
    });
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void labelled(StringBuilder out, String name, String help, String label,
      Map<String, LongAdder> values) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    new TreeMap<>(values).forEach((key, count) -> out.append(name).append('{').append(label)
        .append("=\"").append(escape(key)).append("\"} ").append(count.sum()).append('\n'));
  }

  private static String bound(double seconds) {
    String text = String.format(Locale.ROOT, "%.4f", seconds);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
