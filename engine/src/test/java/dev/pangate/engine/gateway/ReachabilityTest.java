package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * While PostgreSQL cannot be reached (here: the gateway's own login is refused and its backends
 * terminated), statements fail in well under 100 ms with POSTGRES_UNREACHABLE instead of waiting
 * for the pool, health says so, and service resumes by itself once the login works again.
 */
@ExtendWith(PostgresExtension.class)
class ReachabilityTest {

  private static GatewayFixture fixture;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    GatewayOptions.Resources resources = new GatewayOptions.Resources(0, Map.of(), 50,
        Duration.ofSeconds(5), Map.of(), 64L << 20, Duration.ofMillis(200));
    fixture = GatewayFixture.demo(database, GatewayOptions.defaults().withResources(resources),
        config -> config.withPoolSize(3));
  }

  @AfterAll
  static void stop() throws Exception {
    try (Connection admin = fixture.admin(); Statement sql = admin.createStatement()) {
      sql.execute("alter role " + fixture.gatewayRole() + " login");
    }
    fixture.close();
  }

  private static ErrorCode run(Session session) {
    try (ResultCursor cursor = session.query("select count(*) from payments.merchants", List.of())) {
      cursor.next();
      return null;
    } catch (EngineException e) {
      return e.errorCode();
    }
  }

  @Test
  void statementsFailFastWhileThePostgresLoginIsRefusedAndResumeByThemselves() throws Exception {
    try (Session session = fixture.session("fraud-analyst")) {
      assertNull(run(session));
      try (Connection admin = fixture.admin(); Statement sql = admin.createStatement()) {
        sql.execute("alter role " + fixture.gatewayRole() + " nologin");
        sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = '"
            + fixture.gatewayRole() + "'");
      }
      // The first statements find out (a dead pooled connection, then no new one)...
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      ErrorCode code = null;
      while ((code != ErrorCode.POSTGRES_UNREACHABLE || fixture.gateway().reachability().up())
          && System.nanoTime() < deadline) {
        code = run(session);
      }
      assertEquals(ErrorCode.POSTGRES_UNREACHABLE, code);
      assertTrue(!fixture.gateway().reachability().up(), "known to be down");
      // ...and from then on every statement is refused at once.
      long slowest = 0;
      List<Long> took = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long started = System.nanoTime();
        assertEquals(ErrorCode.POSTGRES_UNREACHABLE, run(session));
        took.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started));
        slowest = Math.max(slowest, System.nanoTime() - started);
      }
      System.out.println("refusals took (us): " + took);
      assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(100),
          "slowest refusal " + TimeUnit.NANOSECONDS.toMillis(slowest) + " ms");
      GatewayHealth down = fixture.gateway().health();
      assertNotNull(down.postgresProblem());
      assertTrue(!down.healthy() && !down.saturated(), "down, not saturated");

      try (Connection admin = fixture.admin(); Statement sql = admin.createStatement()) {
        sql.execute("alter role " + fixture.gatewayRole() + " login");
      }
      long resumedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      ErrorCode after = ErrorCode.POSTGRES_UNREACHABLE;
      while (after != null && System.nanoTime() < resumedBy) {
        Thread.sleep(50);
        after = run(session);
      }
      assertNull(after, "serving again without a restart");
      assertNull(fixture.gateway().health().postgresProblem());
    }
  }
}
