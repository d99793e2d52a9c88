package dev.pangate.engine.exec;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops PostgreSQL statements that ran past their deadline or whose caller cancelled them (the
 * client went away): every call that waits on PostgreSQL (the execution, and each later fetch of
 * a streamed result) is watched, and one thread looks every {@value #PERIOD_MILLIS} ms for those
 * to stop, which it cancels with PgJDBC's cancel request (PostgreSQL stops the backend's query).
 * A watched call is two map operations; nothing is locked.
 */
final class StatementWatchdog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatementWatchdog.class);

  static final long PERIOD_MILLIS = 50;

  /** One call waiting on PostgreSQL. */
  final class Watch implements AutoCloseable {
    private final Statement statement;
    private final long deadline;
    private final Duration timeout;
    private final CancelToken token;
    private volatile ErrorCode firedWith;

    Watch(Statement statement, Duration timeout, CancelToken token) {
      this.statement = statement;
      this.timeout = timeout;
      this.token = token;
      this.deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    /** Why the watchdog cancelled this call, or null. */
    ErrorCode firedWith() {
      return firedWith;
    }

    /** The caller's error for a PostgreSQL failure of this call (a cancel the watchdog sent). */
    EngineException translate(SQLException e, ErrorTranslator errors) {
      ErrorCode fired = firedWith;
      if (fired != null && "57014".equals(e.getSQLState())) {
        return failure(fired);
      }
      return errors.translate(e);
    }

    EngineException failure(ErrorCode fired) {
      if (fired == ErrorCode.STATEMENT_TIMEOUT) {
        return new EngineException(ErrorCode.STATEMENT_TIMEOUT, "The statement ran longer than "
            + format(timeout) + " and was cancelled in PostgreSQL (the statement timeout of your"
            + " role, or the one your connection or request set). Narrow it, or ask for a longer"
            + " timeout.");
      }
      return new EngineException(fired, token.reason() == null ? "The statement was cancelled."
          : token.reason());
    }

    @Override
    public void close() {
      running.remove(this);
    }
  }

  private final Set<Watch> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService clock;
  private final ExecutorService cancels;

  StatementWatchdog() {
    clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pangate-statement-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    // A cancel opens a connection to PostgreSQL: never on the watchdog's own thread.
    cancels = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "pangate-statement-cancel");
      thread.setDaemon(true);
      return thread;
    });
    clock.scheduleWithFixedDelay(this::sweepSafely, PERIOD_MILLIS, PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Watches a call on {@code statement} until the returned watch is closed; {@code timeout} zero
   * for none.
   */
  Watch watch(Statement statement, Duration timeout, CancelToken token) {
    Watch watch = new Watch(statement, timeout, token);
    if (watch.deadline != Long.MAX_VALUE || token != CancelToken.NONE) {
      running.add(watch);
    }
    return watch;
  }

  /** Calls being watched now. */
  int running() {
    return running.size();
  }

  private void sweepSafely() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.error("the statement watchdog failed: {}", e.getClass().getSimpleName());
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Watch watch : running) {
      if (watch.firedWith != null) {
        continue;
      }
      ErrorCode fire = watch.token.cancelled() ? watch.token.code()
          : watch.deadline != Long.MAX_VALUE && now - watch.deadline > 0
              ? ErrorCode.STATEMENT_TIMEOUT : null;
      if (fire == null) {
        continue;
      }
      watch.firedWith = fire;
      cancels.execute(() -> {
        try {
          watch.statement.cancel();
        } catch (SQLException e) {
          LOG.warn("cancelling a statement in PostgreSQL failed (SQLSTATE {})", e.getSQLState());
        }
      });
    }
  }

  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  @Override
  public void close() {
    clock.shutdownNow();
    cancels.shutdown();
  }
}
