package dev.pangate.engine.demo;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a demo load did: the size and seed it used, the rows loaded per table (in load order) and
 * the wall-clock time including keys, indexes and ANALYZE.
 */
public record DemoSummary(DemoSize size, long seed, Map<String, Long> rowCounts, Duration elapsed) {

  public DemoSummary {
    Objects.requireNonNull(size, "size is null");
    Objects.requireNonNull(rowCounts, "rowCounts is null");
    Objects.requireNonNull(elapsed, "elapsed is null");
    rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(rowCounts));
  }

  /** Rows in all tables together. */
  public long totalRows() {
    return rowCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One line per table and a total, for people. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "demo database (size %s, seed %d) loaded in %.1f s%n",
        size.label(), seed, elapsed.toMillis() / 1000.0));
    rowCounts.forEach((table, rows) ->
        out.append(String.format(Locale.ROOT, "  %-24s %,12d rows%n", table, rows)));
    out.append(String.format(Locale.ROOT, "  %-24s %,12d rows", "total", totalRows()));
    return out.toString();
  }
}
