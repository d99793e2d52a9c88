package dev.pangate.bench.conformance;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JDBC connection that runs one statement at a time under a timeout, and replaces itself when
 * it is no longer usable.
 *
 * <p>The timeout is kept by a watchdog, not by the driver: the stock Avatica driver ignores
 * {@code setQueryTimeout} and its {@code cancel()} blocks until the statement ends. A statement
 * that outlives the timeout is abandoned on its worker thread with its connection (closed in the
 * background), and the next statement gets a new connection. After an error the connection is
 * probed, and replaced when the probe fails; a statement whose error says the connection is gone
 * is run once more on a new one.
 */
final class TimedConnection implements AutoCloseable {

  /** Opens a connection. */
  interface Factory {
    Connection open() throws SQLException;
  }

  private final String name;
  private final Factory factory;
  private final List<String> initialization;
  private final Duration timeout;
  private final boolean driverTimeout;
  private final ExecutorService workers;
  private Connection connection;
  private int replaced;

  /**
   * @param name for messages ({@code "direct clear"}, {@code "gateway masked"})
   * @param factory opens a new connection
   * @param initialization statements run on every new connection (e.g. the search path)
   * @param timeout the per-statement timeout
   * @param driverTimeout whether to also set the driver's query timeout (PgJDBC honours it)
   * @param workers the threads statements run on
   */
  TimedConnection(String name, Factory factory, List<String> initialization, Duration timeout,
      boolean driverTimeout, ExecutorService workers) {
    this.name = Objects.requireNonNull(name, "name is null");
    this.factory = Objects.requireNonNull(factory, "factory is null");
    this.initialization = List.copyOf(initialization);
    this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    this.driverTimeout = driverTimeout;
    this.workers = Objects.requireNonNull(workers, "workers is null");
  }

  /** How many times the connection was replaced (after timeouts and broken connections). */
  int replaced() {
    return replaced;
  }

  /** Runs a statement and returns its result, its error, or a timeout. */
  Answer run(String sql) {
    Answer answer = attempt(sql);
    if (answer instanceof Answer.Failure failure && connectionLost(failure)) {
      discard();
      answer = attempt(sql);
    }
    if (answer instanceof Answer.Failure && !usable()) {
      discard();
    }
    return answer;
  }

  private Answer attempt(String sql) {
    Connection current;
    try {
      current = connection();
    } catch (SQLException | RuntimeException e) {
      return Answer.failure(e);
    }
    Future<Answer> future = workers.submit(() -> execute(current, sql));
    try {
      return future.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      discard();
      return new Answer.Timeout(timeout.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discard();
      return new Answer.Timeout(timeout.toSeconds());
    } catch (ExecutionException e) {
      return Answer.failure(e.getCause());
    }
  }

  private Answer execute(Connection current, String sql) {
    try (Statement statement = current.createStatement()) {
      if (driverTimeout) {
        statement.setQueryTimeout((int) timeout.toSeconds());
        statement.setEscapeProcessing(false);
      }
      boolean results = statement.execute(sql);
      return Answer.read(statement, results);
    } catch (SQLException e) {
      if (driverTimeout && "57014".equals(e.getSQLState())) {
        return new Answer.Timeout(timeout.toSeconds()); // the driver's or the server's timeout
      }
      return Answer.failure(e);
    } catch (RuntimeException e) {
      return Answer.failure(e); // e.g. the driver failing to decode a value: that is its answer
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection fresh = factory.open();
      try (Statement statement = fresh.createStatement()) {
        for (String sql : initialization) {
          statement.execute(sql);
        }
      } catch (SQLException e) {
        fresh.close();
        throw new SQLException(name + ": a new connection could not be set up: " + e.getMessage(), e);
      }
      connection = fresh;
    }
    return connection;
  }

  private static boolean connectionLost(Answer.Failure failure) {
    String message = failure.message();
    String state = failure.sqlState() == null ? "" : failure.sqlState();
    return state.startsWith("08") || message.contains("NO_SUCH_CONNECTION")
        || message.contains("NoSuchConnection") || message.contains("CONNECTION_EXPIRED")
        || message.contains("This connection has been closed") || message.contains("Connection is closed")
        || message.contains("Failed to execute HTTP Request");
  }

  private boolean usable() {
    if (connection == null) {
      return false;
    }
    Connection current = connection;
    Future<Boolean> probe = workers.submit(() -> {
      try (Statement statement = current.createStatement()) {
        statement.execute("SELECT 1");
        return true;
      } catch (SQLException | RuntimeException e) {
        return false;
      }
    });
    try {
      return probe.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      probe.cancel(true);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Drops the connection (closed in the background: closing may block too). */
  private void discard() {
    Connection old = connection;
    connection = null;
    if (old != null) {
      replaced++;
      workers.submit(() -> {
        try {
          old.close();
        } catch (SQLException | RuntimeException e) {
          // the connection was given up already; a failing close changes nothing
        }
      });
    }
  }

  /** Runs a session statement (SET ...) on the current connection, failing loudly. */
  void session(String sql) throws SQLException {
    try (Statement statement = connection().createStatement()) {
      statement.execute(sql);
    }
  }

  @Override
  public void close() {
    discard();
  }
}
