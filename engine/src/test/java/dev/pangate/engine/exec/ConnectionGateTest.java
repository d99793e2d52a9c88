package dev.pangate.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate's rules: shares, the bounded queue, who gets a freed connection, refusals. */
class ConnectionGateTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private static ConnectionGate gate(int capacity, int perAgent, int queue, Duration timeout) {
    return new ConnectionGate(new ConnectionGate.Settings(capacity, perAgent, Map.of("reporting", 1),
        queue, timeout));
  }

  private CompletableFuture<Void> acquireLater(ConnectionGate gate, ConnectionGate.Share share,
      List<String> order, String name) {
    return CompletableFuture.runAsync(() -> {
      gate.acquire(share, 1);
      order.add(name);
    }, threads);
  }

  private static void awaitWaiting(ConnectionGate gate, int count) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gate.waiting() < count && System.nanoTime() < end) {
      Thread.sleep(2);
    }
    assertEquals(count, gate.waiting(), "waiting statements");
  }

  @Test
  void anAgentBeyondItsShareWaitsWhileAnotherAgentIsServed() throws Exception {
    ConnectionGate gate = gate(4, 2, 10, Duration.ofSeconds(5));
    ConnectionGate.Share greedy = gate.share("greedy", "analyst");
    ConnectionGate.Share polite = gate.share("polite", "analyst");
    gate.acquire(greedy, 1);
    gate.acquire(greedy, 1);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> third = acquireLater(gate, greedy, order, "greedy");
    awaitWaiting(gate, 1);
    gate.acquire(polite, 1); // served at once although greedy waits: the pool has room
    assertEquals(3, gate.inUse());
    assertFalse(third.isDone(), "greedy is held at its share of 2");
    gate.release(greedy, 1);
    third.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("greedy"), order);
    assertEquals(2, greedy.held());
  }

  @Test
  void aFreedConnectionGoesToTheWaitingAgentHoldingFewest() throws Exception {
    ConnectionGate gate = gate(2, 2, 10, Duration.ofSeconds(5));
    ConnectionGate.Share a = gate.share("a", null);
    ConnectionGate.Share b = gate.share("b", null);
    gate.acquire(a, 2);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> aAgain = acquireLater(gate, a, order, "a");
    awaitWaiting(gate, 1);
    CompletableFuture<Void> bFirst = acquireLater(gate, b, order, "b");
    awaitWaiting(gate, 2);
    gate.release(a, 1); // a arrived first, but b holds none
    bFirst.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("b"), order);
    assertFalse(aAgain.isDone());
    gate.release(a, 1);
    aAgain.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("b", "a"), order);
  }

  @Test
  void aFullQueueRefusesAtOnceWithGatewayBusy() throws Exception {
    ConnectionGate gate = gate(1, 1, 1, Duration.ofSeconds(30));
    ConnectionGate.Share a = gate.share("a", null);
    gate.acquire(a, 1);
    CompletableFuture<Void> queued = acquireLater(gate, gate.share("b", null), new CopyOnWriteArrayList<>(), "b");
    awaitWaiting(gate, 1);
    long started = System.nanoTime();
    ConnectionGate.BusyException busy = assertThrows(ConnectionGate.BusyException.class,
        () -> gate.acquire(gate.share("c", null), 1));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "refused at once");
    assertEquals(ErrorCode.GATEWAY_BUSY, busy.errorCode());
    assertTrue(busy.getMessage().contains("queue is full"), busy.getMessage());
    assertTrue(busy.retryAfterSeconds() >= 1);
    assertEquals(1, gate.refusedFull());
    gate.release(a, 1);
    queued.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aStatementWaitsAtMostTheQueueTimeout() {
    ConnectionGate gate = gate(1, 1, 5, Duration.ofMillis(300));
    gate.acquire(gate.share("a", null), 1);
    long started = System.nanoTime();
    EngineException busy = assertThrows(EngineException.class,
        () -> gate.acquire(gate.share("b", null), 1));
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(ErrorCode.GATEWAY_BUSY, busy.errorCode());
    assertTrue(waited >= 250 && waited < 3_000, "waited " + waited + " ms");
    assertTrue(busy.getMessage().contains("limits.queue_timeout"), busy.getMessage());
    assertEquals(0, gate.waiting());
  }

  @Test
  void aRoleShareAppliesToEachAgentOfTheRole() {
    ConnectionGate gate = gate(4, 3, 0, Duration.ZERO);
    ConnectionGate.Share report = gate.share("nightly", "reporting");
    assertEquals(1, report.limit());
    gate.acquire(report, 1);
    assertThrows(ConnectionGate.BusyException.class, () -> gate.acquire(report, 1));
    gate.acquire(gate.share("other-report", "reporting"), 1); // another agent, its own share
    assertEquals(2, gate.inUse());
  }

  @Test
  void aStatementNeedingMoreThanItsShareRunsWhenItsAgentHoldsNone() {
    ConnectionGate gate = gate(4, 1, 0, Duration.ZERO);
    ConnectionGate.Share share = gate.share("joiner", null);
    gate.acquire(share, 3); // a gateway-evaluated join reading three leaves
    assertEquals(3, share.held());
    assertThrows(ConnectionGate.BusyException.class, () -> gate.acquire(share, 1));
    gate.release(share, 3);
    assertEquals(0, gate.inUse());
  }

  @Test
  void waitersAreRefusedWhenTheGateIsToldPostgresIsDown() throws Exception {
    ConnectionGate gate = gate(1, 1, 5, Duration.ofSeconds(30));
    gate.acquire(gate.share("a", null), 1);
    CompletableFuture<Void> waiting = acquireLater(gate, gate.share("b", null), new CopyOnWriteArrayList<>(), "b");
    awaitWaiting(gate, 1);
    gate.refuseWaiters(() -> new EngineException(ErrorCode.POSTGRES_UNREACHABLE, "down"));
    Exception failure = assertThrows(Exception.class, () -> waiting.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCode.POSTGRES_UNREACHABLE, ((EngineException) failure.getCause()).errorCode());
    gate.refuseWaiters(null);
    assertEquals(0, gate.waiting());
  }
}
