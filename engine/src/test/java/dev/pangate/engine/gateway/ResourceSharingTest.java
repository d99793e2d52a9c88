package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.CancelToken;
import dev.pangate.engine.exec.ConnectionGate;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agents share PostgreSQL fairly, and statements can be stopped: small results give their
 * connection back before they are read, an agent leaving large results unread holds at most its
 * share while another agent is served, and a timeout or a cancel stops the PostgreSQL backend
 * within a second. A pool of 4, 2 per agent.
 */
@ExtendWith(PostgresExtension.class)
class ResourceSharingTest {

  /** Never finishes on the demo data (a triple cross join): only a cancel stops it. */
  private static final String ENDLESS = "select count(*) from payments.transactions a,"
      + " payments.transactions b, payments.transactions c";

  private static GatewayFixture fixture;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    GatewayOptions.Resources resources = new GatewayOptions.Resources(2, Map.of(), 50,
        Duration.ofSeconds(2), Map.of("support_agent", Duration.ofSeconds(1)), 64L << 20,
        Duration.ofMillis(200));
    fixture = GatewayFixture.demo(database, GatewayOptions.defaults().withResources(resources),
        (EngineConfig config) -> config.withPoolSize(4));
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static ConnectionGate gate() {
    return fixture.gateway().connectionGate();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  private static long count(ResultCursor cursor) {
    long rows = 0;
    while (cursor.next()) {
      rows++;
    }
    return rows;
  }

  /** Backends of the gateway's login running a query now, other than this check. */
  private static int activeBackends() throws Exception {
    try (Connection admin = fixture.admin();
        PreparedStatement active = admin.prepareStatement("select count(*) from pg_stat_activity"
            + " where usename = ? and state = 'active'")) {
      active.setString(1, fixture.gatewayRole());
      try (ResultSet rs = active.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void smallResultsLeftUnreadHoldNoConnection() throws Exception {
    try (Session analyst = fixture.session("fraud-analyst")) {
      List<ResultCursor> unread = new ArrayList<>();
      for (int i = 0; i < 12; i++) { // three times the pool
        ResultCursor cursor = analyst.query(
            "select txn_id, pan, amount from payments.transactions where txn_id <= 50", List.of());
        assertTrue(cursor.next());
        unread.add(cursor);
      }
      await(() -> gate().inUse() == 0, "every connection back in the pool");
      for (ResultCursor cursor : unread) {
        assertEquals(49, count(cursor), "the rest of the rows are still there");
        cursor.close();
      }
    }
  }

  @Test
  void anAgentLeavingLargeResultsUnreadHoldsOnlyItsShareAndOthersAreServed() throws Exception {
    try (Session greedy = fixture.session("fraud-analyst");
        Session greedyAgain = fixture.session("fraud-analyst");
        Session polite = fixture.session("support-bot")) {
      ConnectionGate.Share share = gate().share("fraud-analyst", "fraud_analyst");
      List<ResultCursor> pinned = new ArrayList<>();
      for (int i = 0; i < 2; i++) { // 5,000 rows each: more than one fetch, so they stream
        ResultCursor cursor = greedy.query("select txn_id, pan from payments.transactions",
            List.of());
        assertTrue(cursor.next());
        pinned.add(cursor);
      }
      assertEquals(2, share.held(), "two results streaming hold two connections");
      CompletableFuture<ResultCursor> third = CompletableFuture.supplyAsync(() ->
          greedyAgain.query("select txn_id, pan from payments.transactions", List.of()));
      for (int i = 0; i < 20; i++) {
        long started = System.nanoTime();
        try (ResultCursor cursor = polite.query("select count(*) from payments.transactions",
            List.of())) {
          assertTrue(cursor.next());
        }
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2),
            "another agent is served while the first one sits at its share");
      }
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> third.get(10, TimeUnit.SECONDS));
      EngineException busy = (EngineException) refused.getCause();
      assertEquals(ErrorCode.GATEWAY_BUSY, busy.errorCode());
      assertTrue(busy.getMessage().contains("holds 2 of the 2"), busy.getMessage());
      pinned.forEach(ResultCursor::close);
      await(() -> share.held() == 0, "closing the results gives the connections back");
    }
  }

  @Test
  void theRolesStatementTimeoutStopsTheBackendWithinASecond() throws Exception {
    try (Session support = fixture.session("support-bot")) {
      long started = System.nanoTime();
      EngineException timeout = assertThrows(EngineException.class,
          () -> count(support.query(ENDLESS, List.of())));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(ErrorCode.STATEMENT_TIMEOUT, timeout.errorCode(), timeout.getMessage());
      assertTrue(timeout.getMessage().contains("1 s"), timeout.getMessage());
      assertTrue(tookMillis >= 900 && tookMillis < 2_000, "took " + tookMillis + " ms");
      await(() -> {
        try {
          return activeBackends() == 0;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "no backend still running it");
      assertEquals(0, activeBackends());
    }
  }

  @Test
  void aCancelledTokenStopsTheBackendWithinASecond() throws Exception {
    try (Session analyst = fixture.session("fraud-analyst")) { // its role has no timeout
      CancelToken token = CancelToken.create(Duration.ZERO);
      CompletableFuture<Long> running = CompletableFuture.supplyAsync(
          () -> count(analyst.query(ENDLESS, List.of(), token)));
      await(() -> {
        try {
          return activeBackends() == 1;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "the statement runs in PostgreSQL");
      Thread.sleep(200);
      assertFalse(running.isDone());
      long cancelled = System.nanoTime();
      token.cancel(ErrorCode.CLIENT_DISCONNECTED, "The client went away, so its statement was"
          + " cancelled.");
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> running.get(5, TimeUnit.SECONDS));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelled);
      assertEquals(ErrorCode.CLIENT_DISCONNECTED, ((EngineException) failed.getCause()).errorCode());
      assertTrue(tookMillis < 1_000, "stopped " + tookMillis + " ms after the cancel");
      assertEquals(0, activeBackends(), "the backend is idle again");
    }
  }

  @Test
  void aTokensOwnTimeoutIsKeptWhenShorterThanTheRoles() {
    try (Session analyst = fixture.session("fraud-analyst")) {
      long started = System.nanoTime();
      EngineException timeout = assertThrows(EngineException.class,
          () -> count(analyst.query(ENDLESS, List.of(), CancelToken.create(Duration.ofMillis(300)))));
      assertEquals(ErrorCode.STATEMENT_TIMEOUT, timeout.errorCode());
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 1_500);
      assertTrue(timeout.getMessage().contains("300 ms"), timeout.getMessage());
    }
  }
}
