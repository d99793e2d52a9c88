package dev.pangate.engine.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Planned statements by (agent, SQL text), bounded by count and by estimated memory; when either
 * bound is passed, the least recently used tenth is evicted in one go. Two caches may share one
 * pair of bounds (the gateway's plans by exact text and by text with its values lifted out). One cache per policy
 * generation, so a policy reload starts empty. Lookups are lock-free (a concurrent map and a
 * timestamp per hit); only eviction takes a lock, and only one thread evicts at a time.
 *
 * @param <V> what is cached per key
 */
final class PlanCache<V> {

  record Key(String agent, String sql) {}

  /** Counts shared by every cache of a gateway, for {@code /metrics}. */
  static final class Stats {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    long hits() {
      return hits.sum();
    }

    long misses() {
      return misses.sum();
    }

    long evictions() {
      return evictions.sum();
    }
  }

  private static final class Entry<V> {
    final V value;
    final long bytes;
    volatile long used;

    Entry(V value, long bytes) {
      this.value = value;
      this.bytes = bytes;
      this.used = System.nanoTime();
    }
  }

  private final int capacity;
  private final long maxBytes;
  private final Stats stats;
  private final ToLongFunction<V> weigher;
  private final Map<Key, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final ReentrantLock evicting = new ReentrantLock();
  /** Another cache whose plans count against the same bounds, or null. */
  private volatile PlanCache<?> sibling;

  /**
   * @param capacity the most plans kept (0: none, every statement is planned)
   * @param maxBytes the most memory they may take, estimated (0: only the count bounds it)
   */
  PlanCache(int capacity, long maxBytes, Stats stats) {
    this(capacity, maxBytes, stats, PlanCache::estimate);
  }

  PlanCache(int capacity, long maxBytes, Stats stats, ToLongFunction<V> weigher) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.stats = stats;
    this.weigher = weigher;
  }

  V get(Key key, Function<Key, V> planner) {
    if (capacity == 0) {
      stats.misses.increment();
      return planner.apply(key);
    }
    Entry<V> cached = entries.get(key);
    if (cached != null) {
      cached.used = System.nanoTime();
      stats.hits.increment();
      return cached.value;
    }
    stats.misses.increment();
    V planned = planner.apply(key); // plan outside any lock
    Entry<V> entry = new Entry<>(planned, weigher.applyAsLong(planned));
    Entry<V> raced = entries.putIfAbsent(key, entry);
    if (raced != null) {
      return raced.value;
    }
    bytes.addAndGet(entry.bytes);
    if (totalSize() > capacity || (maxBytes > 0 && totalBytes() > maxBytes)) {
      int keepCount = capacity - Math.max(1, capacity / 10);
      long keepBytes = maxBytes > 0 ? maxBytes - maxBytes / 10 : Long.MAX_VALUE;
      if (!evictDownTo(keepCount, keepBytes)) {
        PlanCache<?> other = sibling;
        if (other != null) {
          other.evictDownTo(keepCount, keepBytes); // this cache alone could not get within them
        }
      }
    }
    return planned;
  }

  /**
   * Makes two caches share one pair of bounds: the plans of both together stay within the count
   * and the memory each was given (which must be the same).
   */
  static void shareBounds(PlanCache<?> first, PlanCache<?> second) {
    if (first.capacity != second.capacity || first.maxBytes != second.maxBytes) {
      throw new IllegalArgumentException("caches sharing bounds must have the same bounds");
    }
    first.sibling = second;
    second.sibling = first;
  }

  private int totalSize() {
    PlanCache<?> other = sibling;
    return entries.size() + (other == null ? 0 : other.entries.size());
  }

  private long totalBytes() {
    PlanCache<?> other = sibling;
    return bytes.get() + (other == null ? 0 : other.bytes.get());
  }

  /**
   * Drops this cache's least recently used plans until the plans held (with the sibling's) are
   * within both bounds; evicting is a tenth at a time, so the bounds are not passed again at once.
   *
   * @return whether they are within the bounds now (or another thread is evicting)
   */
  private boolean evictDownTo(int keepCount, long keepBytes) {
    if (!evicting.tryLock()) {
      return true; // another thread is evicting; the bound is passed only briefly
    }
    try {
      List<Map.Entry<Key, Entry<V>>> all = new ArrayList<>(entries.entrySet());
      all.sort(Comparator.comparingLong(e -> e.getValue().used));
      for (Map.Entry<Key, Entry<V>> oldest : all) {
        if (totalSize() <= keepCount && totalBytes() <= keepBytes) {
          break;
        }
        if (entries.remove(oldest.getKey(), oldest.getValue())) {
          bytes.addAndGet(-oldest.getValue().bytes);
          stats.evictions.increment();
        }
      }
      return totalSize() <= keepCount && totalBytes() <= keepBytes;
    } finally {
      evicting.unlock();
    }
  }

  int size() {
    return entries.size();
  }

  /** The estimated memory of the plans held. */
  long bytes() {
    return bytes.get();
  }

  /**
   * A plan's memory, roughly: its texts (SQL, plan, pushed SQL) and its relational expressions
   * (about a kilobyte each with their row types and traits, as heap dumps of the demo's
   * statements show).
   */
  static long estimate(Object value) {
    if (value instanceof java.util.Optional<?> optional) {
      return optional.map(PlanCache::estimate).orElse(64L);
    }
    if (!(value instanceof PreparedQuery query)) {
      return 1024;
    }
    long chars = query.sql().length() + (query.planText() == null ? 0 : query.planText().length());
    for (String pushed : query.planned().pushedSqlList()) {
      chars += pushed.length();
    }
    return 2048 + 4 * chars + 1024L * (nodes(query.planned().plan())
        + nodes(query.planned().gatewayPlan()));
  }

  private static int nodes(org.apache.calcite.rel.RelNode node) {
    if (node == null) {
      return 0;
    }
    int count = 1;
    for (org.apache.calcite.rel.RelNode input : node.getInputs()) {
      count += nodes(input);
    }
    return count;
  }
}
