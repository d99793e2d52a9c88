package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether PostgreSQL can be reached, as the gateway last found out. When a connection cannot be
 * had (PostgreSQL down, the network cut, the gateway's login refused), PostgreSQL is taken to be
 * down: statements are refused at once with {@code POSTGRES_UNREACHABLE} instead of each waiting
 * for the pool's connection timeout, and a background probe (a connection of its own, never one
 * from the pool) tries again every {@code probeInterval} until one succeeds, which ends the outage
 * by itself. A statement that loses its connection mid-way only asks for a probe, so one
 * terminated backend does not turn the gateway away from PostgreSQL.
 */
public final class PostgresReachability implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresReachability.class);

  /** Opens a connection of its own to PostgreSQL and checks it answers. */
  @FunctionalInterface
  public interface Probe {
    Connection connect() throws SQLException;
  }

  /** What is known: up, or down since when and why (the reason is for operators' logs only). */
  public record State(boolean up, Instant downSince, String reason) {}

  private final Probe probe;
  private final Duration probeInterval;
  private final ScheduledExecutorService prober;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile State state = new State(true, null, null);
  private volatile long lastContact = System.nanoTime();
  private final AtomicBoolean confirming = new AtomicBoolean();

  /** How old the last contact with PostgreSQL may be before {@link #confirm()} asks again. */
  static final long CONFIRM_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private volatile Runnable onChange = () -> { };

  public PostgresReachability(Probe probe, Duration probeInterval) {
    this.probe = requireNonNull(probe, "probe is null");
    this.probeInterval = requireNonNull(probeInterval, "probeInterval is null");
    this.prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pangate-postgres-probe");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Runs when PostgreSQL is found down or up again (e.g. to wake statements waiting for it). */
  void onChange(Runnable action) {
    onChange = requireNonNull(action, "action is null");
  }

  public State state() {
    return state;
  }

  public boolean up() {
    return state.up();
  }

  /** A connection was had from PostgreSQL just now. */
  void contact() {
    lastContact = System.nanoTime();
  }

  /**
   * The state, asking PostgreSQL (over a connection of its own) when nothing was heard from it
   * for a few seconds; only one caller asks at a time, the others get the last answer.
   */
  public State confirm() {
    if (state.up() && System.nanoTime() - lastContact > CONFIRM_AFTER_NANOS
        && confirming.compareAndSet(false, true)) {
      try {
        String failure = tryConnect();
        if (failure == null) {
          lastContact = System.nanoTime();
        } else {
          markDown(failure);
        }
      } finally {
        confirming.set(false);
      }
    }
    return state;
  }

  /**
   * Refuses at once while PostgreSQL is known to be down.
   *
   * @throws EngineException {@code POSTGRES_UNREACHABLE}
   */
  public void check() {
    State now = state;
    if (!now.up()) {
      throw unreachable(now);
    }
  }

  /** The refusal while down: no host, login or driver text (those go to the log). */
  EngineException unreachable(State now) {
    return new EngineException(ErrorCode.POSTGRES_UNREACHABLE, "PostgreSQL cannot be reached (since "
        + now.downSince() + "), so the statement was not run. The gateway tries again every "
        + StatementWatchdog.format(probeInterval) + " and serves again by itself as soon as"
        + " PostgreSQL answers; retry shortly. Operators: /healthz and the gateway's log say more.");
  }

  /** No connection could be had: PostgreSQL is down until a probe succeeds. */
  void connectFailed(SQLException e) {
    markDown(describe(e));
  }

  /** A statement lost its connection (SQLSTATE class 08): probe now to find out. */
  void connectionLost() {
    if (state.up()) {
      probeSoon(0);
    }
  }

  private void markDown(String reason) {
    State before = state;
    if (before.up()) {
      synchronized (this) {
        if (state.up()) {
          state = new State(false, Instant.now(), reason);
          LOG.warn("PostgreSQL cannot be reached ({}); statements are refused with"
              + " POSTGRES_UNREACHABLE until a probe succeeds (every {})", reason,
              StatementWatchdog.format(probeInterval));
          onChange.run();
        }
      }
    }
    probeSoon(probeInterval.toMillis());
  }

  private void probeSoon(long delayMillis) {
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    try {
      prober.schedule(this::probeOnce, delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      probing.set(false); // shutting down
    }
  }

  /** Null when PostgreSQL answered, else why not. */
  private String tryConnect() {
    try (Connection connection = probe.connect()) {
      if (!connection.isValid(2)) {
        return "PostgreSQL accepted a connection but did not answer";
      }
      return null;
    } catch (SQLException e) {
      return describe(e);
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  private void probeOnce() {
    String failure = tryConnect();
    probing.set(false);
    if (failure == null) {
      lastContact = System.nanoTime();
      if (!state.up()) {
        synchronized (this) {
          LOG.info("PostgreSQL answers again (it could not be reached since {}); serving",
              state.downSince());
          state = new State(true, null, null);
        }
        onChange.run();
      }
    } else {
      markDown(failure);
    }
  }

  private static String describe(SQLException e) {
    String message = ErrorTranslator.sanitize(e.getMessage());
    return (e.getSQLState() == null ? "" : "SQLSTATE " + e.getSQLState() + ": ") + message;
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
