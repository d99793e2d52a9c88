package dev.pangate.engine.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Planned statements by (agent, SQL text), least recently used evicted. One cache per policy
 * generation, so a policy reload starts empty; the schema is reflected once per process, so
 * schema changes need a restart (which also empties it).
 *
 * @param <V> what is cached per key
 */
final class PlanCache<V> {

  record Key(String agent, String sql) {}

  private final int capacity;
  private final Map<Key, V> entries;

  PlanCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, V> eldest) {
        return size() > PlanCache.this.capacity;
      }
    };
  }

  V get(Key key, Function<Key, V> planner) {
    if (capacity == 0) {
      return planner.apply(key);
    }
    synchronized (entries) {
      V cached = entries.get(key);
      if (cached != null) {
        return cached;
      }
    }
    V planned = planner.apply(key); // plan outside the lock
    synchronized (entries) {
      entries.putIfAbsent(key, planned);
    }
    return planned;
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
