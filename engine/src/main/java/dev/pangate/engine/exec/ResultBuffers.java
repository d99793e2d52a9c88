package dev.pangate.engine.exec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory results may be read ahead into, so that a small result gives its PostgreSQL
 * connection back as soon as it has run, whether or not the client reads it soon: up to
 * {@code rowsPerResult} rows each (PgJDBC has read as many in its first round trip anyway), and
 * {@code totalBytes} for all results together (estimated). A result that does not fit keeps
 * streaming from its connection, as before. Lock-free.
 */
public final class ResultBuffers {

  /** No reading ahead: every result streams from its connection. */
  public static final ResultBuffers NONE = new ResultBuffers(0, 0);

  private final int rowsPerResult;
  private final long totalBytes;
  private final AtomicLong used = new AtomicLong();

  public ResultBuffers(int rowsPerResult, long totalBytes) {
    if (rowsPerResult < 0 || totalBytes < 0) {
      throw new IllegalArgumentException("buffer sizes must not be negative");
    }
    this.rowsPerResult = rowsPerResult;
    this.totalBytes = totalBytes;
  }

  int rowsPerResult() {
    return rowsPerResult;
  }

  /** Takes {@code bytes} of the budget; false (nothing taken) when it is spent. */
  boolean reserve(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > totalBytes) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void free(long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  /** Bytes held by read-ahead rows now (an estimate). */
  public long usedBytes() {
    return used.get();
  }

  /** A row's size in memory, roughly: what dominates is text and binary values. */
  static long estimate(Object[] row) {
    long bytes = 16L + 8L * row.length;
    for (Object value : row) {
      if (value instanceof String text) {
        bytes += 40 + 2L * text.length();
      } else if (value instanceof byte[] binary) {
        bytes += 16 + binary.length;
      } else if (value != null) {
        bytes += 24;
      }
    }
    return bytes;
  }
}
