package dev.pangate.audit;

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

  /** Whether appends succeed now, and why not. */
  AuditHealth health();

  /** Writes a closing seal and releases the sink; later appends are refused. */
  @Override
  void close();
}
