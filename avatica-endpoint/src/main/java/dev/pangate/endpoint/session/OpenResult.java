package dev.pangate.endpoint.session;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import java.util.function.Consumer;

/**
 * A statement's result while a client reads it: the engine's cursor (which holds a PostgreSQL
 * connection), how many rows went out, the row limit, and when it was last read. Rows are handed
 * out in bounded batches, never collected whole. Ending it releases the PostgreSQL connection and
 * records the statement's outcome in the metrics, once: {@link #close()} when the result was read
 * to its end or the client closed it, {@link #abandon} when the gateway drops a result the client
 * did not finish (it went away, stopped fetching, was cut off at a row limit), which the audit log
 * then records as a failure with that code. Reading and ending are synchronized, so a frame read
 * ahead on another thread and an end (idle expiry, the client closing) never overlap.
 */
public final class OpenResult implements AutoCloseable {

  private final ResultCursor cursor;
  private final long limit;
  private final boolean masked;
  private final String protocol;
  private final GatewayMetrics metrics;
  private long delivered;
  private volatile long lastUsedNanos;
  private boolean closed;

  /**
   * @param limit the most rows to hand out (a client's max rows); Long.MAX_VALUE for none
   * @param masked whether a result column goes through a mask (for the rows-masked metric)
   */
  public OpenResult(ResultCursor cursor, long limit, boolean masked, String protocol,
      GatewayMetrics metrics) {
    this.cursor = requireNonNull(cursor, "cursor is null");
    this.protocol = requireNonNull(protocol, "protocol is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.limit = limit <= 0 ? Long.MAX_VALUE : limit;
    this.masked = masked;
    this.lastUsedNanos = System.nanoTime();
  }

  /**
   * Hands up to {@code max} rows to {@code sink}; returns true when the result is finished (and
   * then it is closed). An engine failure closes the result and is rethrown.
   */
  public synchronized boolean read(int max, Consumer<Object[]> sink) {
    if (closed) {
      return true;
    }
    lastUsedNanos = System.nanoTime();
    int taken = 0;
    try {
      while (taken < max) {
        if (delivered >= limit || !cursor.next()) {
          close();
          return true;
        }
        sink.accept(cursor.row());
        delivered++;
        taken++;
      }
    } catch (EngineException e) {
      abandon(e.code(), e.getMessage()); // the engine's own failure entry, when it wrote one, stays
      throw e;
    } catch (RuntimeException e) {
      abandon(ErrorCode.INTERNAL_ERROR.name(), "the gateway failed while handing out the result after "
          + delivered + " rows (the incident is in its log)");
      throw e;
    }
    return false;
  }

  /**
   * Reads the rest of a streaming result into the gateway's memory (at most {@code maxBytes}), so
   * that its PostgreSQL connection goes back now; the client reads the same rows afterwards. A
   * failure ends the result as a failed read would, and is thrown.
   *
   * @return whether the result holds no PostgreSQL connection any more
   */
  public synchronized boolean bufferRest(long maxBytes) {
    if (closed) {
      return true;
    }
    try {
      return cursor.bufferRest(maxBytes);
    } catch (EngineException e) {
      abandon(e.code(), e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      abandon(ErrorCode.INTERNAL_ERROR.name(), "the gateway failed while reading the result ahead"
          + " after " + delivered + " rows (the incident is in its log)");
      throw e;
    }
  }

  /** The client was just served from this result: its idle time counts from now. */
  public void touch() {
    lastUsedNanos = System.nanoTime();
  }

  /** Whether the result still holds a PostgreSQL connection of its own (it streams). */
  public boolean holdsConnection() {
    return cursor.holdsConnection();
  }

  /** Rows handed out so far. */
  public synchronized long delivered() {
    return delivered;
  }

  /** {@link System#nanoTime()} of the last read, or of the last frame served to the client. */
  public long lastUsedNanos() {
    return lastUsedNanos;
  }

  /** Ends the result normally (read to the end, or the client closed it); idempotent. */
  @Override
  public synchronized void close() {
    end("success", null);
  }

  /**
   * Ends a result the client did not finish; the statement is audited as failed with this code
   * and reason (e.g. {@code CLIENT_DISCONNECTED}, {@code RESULT_EXPIRED}, {@code TRUNCATED}).
   * Does nothing when the result has already ended.
   *
   * @param reason what happened, for the audit log: fixed text and counts, never a value
   */
  public synchronized void abandon(String code, String reason) {
    requireNonNull(code, "code is null");
    requireNonNull(reason, "reason is null");
    end(code, reason);
  }

  private void end(String outcome, String abandonReason) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (abandonReason == null) {
        cursor.close();
      } else {
        cursor.abandon(outcome, abandonReason);
      }
    } finally {
      metrics.statement(protocol, outcome);
      metrics.rows(delivered, masked);
    }
  }
}
