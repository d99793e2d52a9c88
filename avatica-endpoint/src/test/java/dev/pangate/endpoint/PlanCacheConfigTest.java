package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plan cache's bounds come from pangate.yaml ({@code plan_cache.entries},
 * {@code plan_cache.max_bytes}) and its hits, misses and evictions are in {@code /metrics}: a
 * gateway holding at most three plans, sent five statements of different shapes through the stock
 * driver and one of them again, holds three, evicted two and served the repeat from the cache.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanCacheConfigTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .extra("plan_cache:\n  entries: 3\n  max_bytes: 16777216")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void theBoundsComeFromTheConfigurationAndTheCountsAreInMetrics() throws Exception {
    String[] shapes = {
        "select merchant_id from payments.merchants where merchant_id = 1",
        "select count(*) from payments.merchants",
        "select txn_id, amount from payments.transactions where txn_id = 2",
        "select brand, count(*) from payments.cards group by brand",
        "select name from payments.merchants order by name limit 2"};
    String before = fixture.get("/metrics").body();
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      for (String sql : shapes) {
        run(statement, sql);
      }
      run(statement, shapes[4]); // the last one planned is still cached
    }
    String after = fixture.get("/metrics").body();
    assertEquals(3, value(after, "pangate_plan_cache_entries"), "at most plan_cache.entries plans");
    assertTrue(value(after, "pangate_plan_cache_bytes") > 0, "their memory is estimated");
    assertTrue(value(after, "pangate_plan_cache_bytes") <= 16777216, "within plan_cache.max_bytes");
    assertTrue(value(after, "pangate_plan_cache_misses_total")
        - value(before, "pangate_plan_cache_misses_total") >= 5, "five shapes planned");
    assertTrue(value(after, "pangate_plan_cache_evictions_total")
        - value(before, "pangate_plan_cache_evictions_total") >= 2, "two dropped for the bound");
    assertTrue(value(after, "pangate_plan_cache_hits_total")
        - value(before, "pangate_plan_cache_hits_total") >= 1, "the repeat was served a cached plan");
  }

  private static void run(Statement statement, String sql) throws Exception {
    try (ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        rows.getObject(1);
      }
    }
  }

  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(metrics);
    assertTrue(m.find(), series + " in /metrics");
    return Double.parseDouble(m.group(1));
  }
}
