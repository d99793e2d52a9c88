package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The plan cache stays within its count and its memory, evicting the least recently used. */
class PlanCacheBoundsTest {

  private static PlanCache.Key key(int i) {
    return new PlanCache.Key("agent", "select " + i);
  }

  @Test
  void theCountBoundEvictsTheLeastRecentlyUsed() throws Exception {
    PlanCache.Stats stats = new PlanCache.Stats();
    PlanCache<String> cache = new PlanCache<>(10, 0, stats, value -> 100);
    for (int i = 0; i < 10; i++) {
      cache.get(key(i), k -> k.sql());
      Thread.sleep(1);
    }
    cache.get(key(0), k -> "planned again"); // used now: kept
    cache.get(key(10), k -> k.sql());
    assertTrue(cache.size() <= 10, "size " + cache.size());
    assertEquals("select 0", cache.get(key(0), k -> "planned again"), "the recently used one stayed");
    assertTrue(stats.evictions() >= 1);
    assertEquals(11, stats.misses());
    assertEquals(2, stats.hits());
  }

  @Test
  void theMemoryBoundHoldsWhateverTheCount() {
    PlanCache.Stats stats = new PlanCache.Stats();
    PlanCache<String> cache = new PlanCache<>(10_000, 10_000, stats, value -> 1_000);
    for (int i = 0; i < 100; i++) {
      cache.get(key(i), k -> k.sql());
    }
    assertTrue(cache.bytes() <= 10_000, "bytes " + cache.bytes());
    assertTrue(cache.size() <= 10, "size " + cache.size());
    assertTrue(stats.evictions() >= 90, "evictions " + stats.evictions());
  }

  @Test
  void twoCachesSharingBoundsHoldNoMoreTogetherThanOneMay() {
    PlanCache.Stats stats = new PlanCache.Stats();
    PlanCache<String> exact = new PlanCache<>(10, 5_000, stats, value -> 100);
    PlanCache<String> lifted = new PlanCache<>(10, 5_000, stats, value -> 100);
    PlanCache.shareBounds(exact, lifted);
    for (int i = 0; i < 8; i++) {
      exact.get(key(i), k -> k.sql());
    }
    for (int i = 0; i < 8; i++) {
      lifted.get(key(100 + i), k -> k.sql()); // the first cache's plans make room for these
    }
    assertTrue(exact.size() + lifted.size() <= 10, "together " + (exact.size() + lifted.size()));
    assertTrue(lifted.size() >= 1, "the cache in use keeps its newest plans");
    assertTrue(stats.evictions() >= 6, "evictions " + stats.evictions());
    PlanCache<String> heavy = new PlanCache<>(1_000, 5_000, stats, value -> 1_000);
    PlanCache<String> light = new PlanCache<>(1_000, 5_000, stats, value -> 1_000);
    PlanCache.shareBounds(heavy, light);
    for (int i = 0; i < 5; i++) {
      heavy.get(key(i), k -> k.sql());
    }
    light.get(key(200), k -> k.sql());
    assertTrue(heavy.bytes() + light.bytes() <= 5_000, "memory together "
        + (heavy.bytes() + light.bytes()));
  }

  @Test
  void aCacheOfSizeZeroPlansEveryTime() {
    PlanCache.Stats stats = new PlanCache.Stats();
    PlanCache<String> cache = new PlanCache<>(0, 0, stats, value -> 1);
    cache.get(key(1), k -> k.sql());
    cache.get(key(1), k -> k.sql());
    assertEquals(0, cache.size());
    assertEquals(2, stats.misses());
  }
}
