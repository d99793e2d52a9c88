package dev.pangate.engine.exec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The PostgreSQL connections one statement (or one transaction) reserved at the gate: taken from
 * the pool one by one, each given back to the gate once it is back in the pool, and those never
 * taken given back when the statement ends. Thread-safe: a connection may be released on another
 * thread than the one that took it.
 */
final class Lease {

  private final ConnectionGate gate;
  private final ConnectionGate.Share share;
  private final AtomicInteger unused;
  /** Claims, beyond this gateway, of connections held past the statement; one given back per return. */
  private final java.util.concurrent.ConcurrentLinkedDeque<Runnable> pins =
      new java.util.concurrent.ConcurrentLinkedDeque<>();

  private Lease(ConnectionGate gate, ConnectionGate.Share share, int slots) {
    this.gate = gate;
    this.share = share;
    this.unused = new AtomicInteger(slots);
  }

  /** Reserves {@code slots} connections (waiting in the gate's queue if need be). */
  static Lease reserve(ConnectionGate gate, ConnectionGate.Share share, int slots) {
    int reserved = Math.max(1, Math.min(slots, gate.settings().capacity()));
    gate.acquire(share, reserved);
    return new Lease(gate, share, reserved);
  }

  /**
   * A connection from the pool under one of the reserved places; beyond them (a statement with
   * more leaves than the pool), one reserved on the spot.
   */
  Connection take(DataSource pool) throws SQLException {
    if (unused.getAndUpdate(n -> n > 0 ? n - 1 : n) <= 0) {
      gate.acquire(share, 1);
    }
    try {
      return pool.getConnection();
    } catch (SQLException | RuntimeException e) {
      gate.release(share, 1);
      throw e;
    }
  }

  /** Whether statements wait at the gate now (a connection given back goes to one of them). */
  boolean contended() {
    return gate.saturated();
  }

  /** A connection taken under this lease is back in the pool. */
  void returned() {
    gate.release(share, 1);
    Runnable pin = pins.pollFirst();
    if (pin != null) {
      pin.run();
    }
  }

  /** A connection of this lease is held past its statement under this claim (given back on return). */
  void pinned(Runnable release) {
    pins.addLast(release);
  }

  /** The agent's share this lease was reserved under. */
  ConnectionGate.Share share() {
    return share;
  }

  /** Gives back the places never used; idempotent. */
  void close() {
    int left = unused.getAndSet(0);
    if (left > 0) {
      gate.release(share, left);
    }
  }
}
