package dev.pangate.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store of limits shared by gateways, against a real PostgreSQL: several nodes racing for an
 * agent's last places get exactly the limit between them; a node that stops renewing its heartbeat
 * (killed) stops counting after the node timeout; failed logins count over every node; one node id
 * runs once; and the store's login may touch nothing but its own schema.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedLimitsTest {

  private static final Duration HEARTBEAT = Duration.ofMillis(200);
  private static final Duration TIMEOUT = Duration.ofMillis(1500);

  private TestDatabase database;
  private final String writer = "pgc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<SharedLimits> started = new ArrayList<>();

  @BeforeAll
  void install(TestDatabase db) throws SQLException {
    this.database = db;
    db.execute("CREATE SCHEMA payments",
        "CREATE TABLE payments.cards (card_id bigint PRIMARY KEY, pan text)",
        "INSERT INTO payments.cards VALUES (1, '4111111111111111')",
        "CREATE ROLE " + writer + " LOGIN PASSWORD 'cluster-test'");
    try (Connection admin = db.connect()) {
      SharedLimits.install(admin, writer);
      SharedLimits.install(admin, writer); // idempotent
    }
  }

  @AfterAll
  void drop() throws SQLException {
    started.forEach(SharedLimits::close);
    database.execute("DROP OWNED BY " + writer, "DROP ROLE " + writer);
  }

  private SharedLimits node(String id) throws InterruptedException {
    SharedLimits node = SharedLimits.start(new SharedLimits.Settings(database.url(), writer,
        "cluster-test", id, HEARTBEAT, TIMEOUT), List.of("payments"));
    started.add(node);
    return node;
  }

  @Test
  void nodesRacingForTheLastPlacesGetExactlyTheLimitBetweenThem() throws Exception {
    List<SharedLimits> nodes = List.of(node("race-1"), node("race-2"), node("race-3"));
    int limit = 5;
    int tries = 24;
    ExecutorService threads = Executors.newFixedThreadPool(tries);
    try {
      CyclicBarrier together = new CyclicBarrier(tries);
      AtomicInteger taken = new AtomicInteger();
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < tries; i++) {
        SharedLimits on = nodes.get(i % nodes.size());
        String id = "c" + i;
        runs.add(threads.submit(() -> {
          together.await(30, TimeUnit.SECONDS);
          if (on.hold(SharedLimits.AVATICA_CONNECTION, "racer", id, limit).taken()) {
            taken.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
      assertEquals(limit, taken.get(), "exactly the limit is granted over three nodes");
      assertEquals(limit, nodes.get(0).held(SharedLimits.AVATICA_CONNECTION, "racer"));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aReleasedPlaceIsFreeOnEveryNode() throws Exception {
    SharedLimits a = node("free-1");
    SharedLimits b = node("free-2");
    assertTrue(a.hold(SharedLimits.POSTGRES_CONNECTION, "freer", "x", 1).taken());
    SharedLimits.Hold refused = b.hold(SharedLimits.POSTGRES_CONNECTION, "freer", "y", 1);
    assertFalse(refused.taken(), "the agent's one place is taken on the other node");
    assertEquals(1, refused.heldAcrossNodes());
    a.release(SharedLimits.POSTGRES_CONNECTION, "x");
    assertTrue(b.hold(SharedLimits.POSTGRES_CONNECTION, "freer", "y", 1).taken());
  }

  @Test
  void aNodeThatStopsRenewingItsHeartbeatStopsCounting() throws Exception {
    SharedLimits live = node("quiet-1");
    SharedLimits killed = node("quiet-2");
    assertTrue(killed.hold(SharedLimits.AVATICA_CONNECTION, "quieter", "k1", 2).taken());
    assertTrue(killed.hold(SharedLimits.AVATICA_CONNECTION, "quieter", "k2", 2).taken());
    assertFalse(live.hold(SharedLimits.AVATICA_CONNECTION, "quieter", "l1", 2).taken());
    killed.vanish(); // as kill -9 leaves it: rows in place, no heartbeat, no goodbye
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    boolean taken = false;
    while (!taken && System.nanoTime() < deadline) {
      taken = live.hold(SharedLimits.AVATICA_CONNECTION, "quieter", "l1", 2).taken();
      Thread.sleep(100);
    }
    assertTrue(taken, "after the node timeout the silent node's places no longer count");
    Thread.sleep(HEARTBEAT.toMillis() * 3);
    try (Connection admin = database.connect(); Statement statement = admin.createStatement();
        var rows = statement.executeQuery("SELECT count(*) FROM pangate_cluster.holdings"
            + " WHERE node = 'quiet-2'")) {
      rows.next();
      assertEquals(0, rows.getInt(1), "the silent node's holdings are swept away");
    }
  }

  @Test
  void failedLoginsCountOverEveryNode() throws Exception {
    SharedLimits a = node("auth-1");
    SharedLimits b = node("auth-2");
    String key = "agent guessed-" + UUID.randomUUID();
    java.util.function.IntFunction<Duration> delay = failures ->
        failures <= 3 ? Duration.ZERO : Duration.ofSeconds(30);
    assertEquals(Optional.empty(), a.authenticationWait(key));
    assertEquals(Optional.of(Duration.ZERO), a.authenticationFailed(key, delay, Duration.ofMinutes(4)));
    assertEquals(Optional.of(Duration.ZERO), b.authenticationFailed(key, delay, Duration.ofMinutes(4)));
    assertEquals(Optional.of(Duration.ZERO), a.authenticationFailed(key, delay, Duration.ofMinutes(4)));
    assertEquals(Optional.of(Duration.ZERO), b.authenticationWait(key), "recorded, no wait yet");
    Duration fourth = b.authenticationFailed(key, delay, Duration.ofMinutes(4)).orElseThrow();
    assertEquals(Duration.ofSeconds(30), fourth, "the fourth failure over both nodes is the first"
        + " beyond the three free ones");
    Duration waitOnA = a.authenticationWait(key).orElseThrow();
    assertTrue(waitOnA.compareTo(Duration.ofSeconds(25)) > 0, "the other node sees the wait: "
        + waitOnA);
    a.authenticationSucceeded(key);
    assertEquals(Optional.empty(), b.authenticationWait(key), "a success clears it everywhere");
  }

  @Test
  void aNodeIdRunsOnce() throws Exception {
    node("twice");
    long started = System.nanoTime();
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> node("twice"));
    assertTrue(refused.getMessage().contains("Another gateway with node id 'twice'"),
        refused.getMessage());
    assertTrue(System.nanoTime() - started >= TIMEOUT.toNanos(),
        "it waited a node timeout for a killed predecessor to go quiet first");
  }

  @Test
  void aKilledNodeRestartsUnderItsIdOnceItsHeartbeatIsOld() throws Exception {
    SharedLimits first = node("restart");
    assertTrue(first.hold(SharedLimits.AVATICA_CONNECTION, "restarter", "r1", 1).taken());
    first.vanish();
    SharedLimits again = node("restart");
    assertEquals(0, again.held(SharedLimits.AVATICA_CONNECTION, "restarter"),
        "what the previous run held is gone");
    assertTrue(again.hold(SharedLimits.AVATICA_CONNECTION, "restarter", "r1", 1).taken());
  }

  @Test
  void holdingsSweptWhileANodePausedAreWrittenAgain() throws Exception {
    SharedLimits paused = node("pause-1");
    SharedLimits other = node("pause-2");
    assertTrue(paused.hold(SharedLimits.AVATICA_CONNECTION, "pauser", "p1", 1).taken());
    // the node seemed gone (a long pause): a peer swept its row and holdings
    database.execute("DELETE FROM pangate_cluster.holdings WHERE node = 'pause-1'",
        "DELETE FROM pangate_cluster.nodes WHERE node = 'pause-1'");
    paused.beat();
    assertFalse(other.hold(SharedLimits.AVATICA_CONNECTION, "pauser", "o1", 1).taken(),
        "the node wrote what it holds again at its next heartbeat");
  }

  @Test
  void theStoresLoginMayNotReadCardholderDataNorWriteOtherSchemas() throws Exception {
    Properties login = new Properties();
    login.setProperty("user", writer);
    login.setProperty("password", "cluster-test");
    try (Connection connection = DriverManager.getConnection(database.url(), login);
        Statement statement = connection.createStatement()) {
      SQLException read = assertThrows(SQLException.class,
          () -> statement.executeQuery("SELECT pan FROM payments.cards"));
      assertEquals("42501", read.getSQLState(), "no SELECT on cardholder data");
      SQLException create = assertThrows(SQLException.class,
          () -> statement.execute("CREATE TABLE pangate_cluster.extra (x int)"));
      assertEquals("42501", create.getSQLState(), "no CREATE in its own schema either");
    }
    String reader = writer + "_rd";
    database.execute("CREATE ROLE " + reader + " LOGIN PASSWORD 'cluster-test'",
        "GRANT SELECT ON payments.cards TO " + reader, "GRANT USAGE ON SCHEMA payments TO " + reader);
    try (Connection admin = database.connect()) {
      SharedLimits.install(admin, reader);
    }
    try {
      IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
          SharedLimits.start(new SharedLimits.Settings(database.url(), reader, "cluster-test",
              "reader", HEARTBEAT, TIMEOUT), List.of("payments")));
      assertTrue(refused.getMessage().contains("may read or change cardholder data"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("payments.cards"), refused.getMessage());
    } finally {
      database.execute("DROP OWNED BY " + reader, "DROP ROLE " + reader);
    }
  }
}
