package dev.pangate.audit;

import java.util.concurrent.CompletableFuture;

/**
 * A tamper-evident audit log. Thread-safe: many sessions append at once and the entries form one
 * chain.
 */
public interface AuditLog extends AutoCloseable {

  /**
   * Records an event. Returns only when the entry and the signed seal covering it are durable;
   * PAN-like strings in every text field are truncated before anything is written.
   *
   * @throws AuditUnavailableException when the entry cannot be made durable; the caller must
   *     refuse the statement
   */
  AuditReceipt append(AuditEvent event);

  /**
   * Records an event without waiting: the future completes with the receipt once the entry and
   * its seal are durable, or exceptionally with an {@link AuditUnavailableException} where
   * {@link #append} would have thrown one. A {@code lazy} entry (one nothing waits for, such as a
   * statement's completion) may wait a few milliseconds for the next entry's batch instead of
   * taking a signature and an fsync of its own.
   */
  default CompletableFuture<AuditReceipt> appendAsync(AuditEvent event, boolean lazy) {
    try {
      return CompletableFuture.completedFuture(append(event));
    } catch (AuditUnavailableException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether appends succeed now, and why not. */
  AuditHealth health();

  /** Writes a closing seal and releases the sink; later appends are refused. */
  @Override
  void close();
}
