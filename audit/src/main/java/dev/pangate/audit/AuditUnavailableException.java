package dev.pangate.audit;

/**
 * The audit log cannot take an entry (the sink failed, or the log is closed). The statement the
 * entry was for must be refused: pangate fails closed. The message says what failed and what to do;
 * it never holds a PAN.
 */
public final class AuditUnavailableException extends RuntimeException {

  public AuditUnavailableException(String message) {
    super(message);
  }

  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
