package dev.pangate.audit;

import dev.pangate.audit.record.ChainRecord;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where chain records are stored. Called only from the log's single writer thread, in order:
 * {@link #open} once, then {@link #write} per batch (with {@link #discardFailedWrite} after a
 * failed one), then {@link #close}. Implementations: the file sink and the PostgreSQL sink.
 */
public interface AuditSink extends Closeable {

  /**
   * Prepares for writing and reports the durable tail so that the chain resumes where it ended. A
   * torn last record left by a crash (never acknowledged) is removed and reported.
   */
  SinkTail open() throws IOException;

  /**
   * Writes the records, in order, and makes them durable by the sink's policy before returning.
   * On failure the caller acknowledges none of them and calls {@link #discardFailedWrite}.
   */
  void write(List<ChainRecord> records) throws IOException;

  /** Removes whatever a failed {@link #write} left behind, so the store ends at the last durable record. */
  void discardFailedWrite() throws IOException;

  /** Whether a new segment (file) should start before the next batch. */
  default boolean wantsNewSegment(Instant now) {
    return false;
  }

  /**
   * Closes the current segment and starts a new, empty one. Only sinks that ask for segments
   * implement it.
   */
  default SegmentStart startSegment(Instant now) throws IOException {
    throw new UnsupportedOperationException(describe() + " has no segments");
  }

  /**
   * How often {@link #sync} wants to run while the log is idle (a background fsync), or null.
   */
  default Duration syncInterval() {
    return null;
  }

  /** Makes written records durable when the sink defers that (see {@link #syncInterval}). */
  default void sync() throws IOException {}

  /** Where records go, for health reports and messages (never a secret). */
  String describe();
}
