package dev.pangate.engine.exec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends a finished read's transaction and returns its connection to the pool off the caller's
 * thread: the rollback is a PostgreSQL round trip the caller need not wait for once it has every
 * row. Bounded; when full, the caller releases the connection itself.
 */
final class ConnectionReleaser {

  // Two threads at once: one thread behind a queue was a bottleneck under load (every statement's
  // connection waited its turn); when statements wait for connections, they are released inline.
  private static final ThreadPoolExecutor RELEASER = new ThreadPoolExecutor(2, 2, 30,
      TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000), runnable -> {
        Thread thread = new Thread(runnable, "pangate-connection-release");
        thread.setDaemon(true);
        return thread;
      }, new ThreadPoolExecutor.CallerRunsPolicy());

  private ConnectionReleaser() {}

  /**
   * Rolls back the read-only transaction and closes (returns) the connection, soon; then runs
   * {@code afterwards} (if any), e.g. giving its place back at the gate once the pool has it.
   */
  static void release(Connection connection, Runnable afterwards) {
    RELEASER.execute(() -> {
      try {
        releaseNow(connection);
      } finally {
        if (afterwards != null) {
          afterwards.run();
        }
      }
    });
  }

  static void releaseNow(Connection connection) {
    try {
      connection.rollback(); // read-only work: end the transaction that held the cursor
    } catch (SQLException e) {
      // HikariCP checks and resets (or evicts) the connection when it comes back.
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing more to release
      }
    }
  }
}
