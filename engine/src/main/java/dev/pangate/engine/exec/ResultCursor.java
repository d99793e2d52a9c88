package dev.pangate.engine.exec;

import dev.pangate.engine.plan.OutputColumn;
import java.util.List;

/**
 * A statement's result, read forward one row at a time and streamed from PostgreSQL in
 * fetch-size frames (never buffered whole). Holds a PostgreSQL connection until closed or
 * exhausted; not thread-safe.
 */
public interface ResultCursor extends AutoCloseable {

  List<OutputColumn> columns();

  /** Advances to the next row; false (and the connection released) when there is none. */
  boolean next();

  /** The current row's values, masks applied, in column order. A fresh array per row. */
  Object[] row();

  /** Rows returned so far (for DML: rows affected). */
  long rowCount();

  /** Releases the PostgreSQL connection; idempotent. The statement is recorded as completed. */
  @Override
  void close();

  /**
   * Whether the result still holds a PostgreSQL connection of its own (it did not fit in the rows
   * read ahead, so it streams): such a result is worth closing sooner when the client stops
   * reading. False inside a transaction, whose connection is held until it ends anyway.
   */
  default boolean holdsConnection() {
    return false;
  }

  /**
   * Reads what is left of a result that streams into the read-ahead memory, at most
   * {@code maxBytes} of it, so that its PostgreSQL connection goes back to the pool now (statements
   * wait for one, and the client is not reading this result at the moment). The rows stay readable
   * as before. Tried once per result: a result that does not end within the bytes keeps the rows
   * read so far and streams on.
   *
   * @return whether the result holds no PostgreSQL connection of its own any more
   */
  default boolean bufferRest(long maxBytes) {
    return !holdsConnection();
  }

  /**
   * Releases the cursor because the client went away or stopped reading (disconnect, idle
   * expiry): the statement is recorded as failed with this code and reason, not as completed.
   */
  default void abandon(String code, String reason) {
    close();
  }
}
