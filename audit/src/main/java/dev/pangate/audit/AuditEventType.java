package dev.pangate.audit;

/** What an audit entry records. */
public enum AuditEventType {
  /** A statement is about to run; durable before its first row is returned. */
  STATEMENT_START,
  /** A statement finished (rows, duration, outcome); linked to its start by the statement id. */
  STATEMENT_END,
  /** A statement or request was refused by policy before it ran. */
  ACCESS_DENIED,
  /**
   * A statement that could not run as written (it does not parse or validate, a construct pangate
   * does not run, wrong parameters): a mistake, not a refusal by policy.
   */
  STATEMENT_INVALID,
  /** A login failed. */
  AUTH_FAILURE,
  /**
   * An agent's secret was issued, replaced or removed (PCI DSS 10.2.1.5: changes to
   * authentication credentials), as the gateway saw it in its secrets file.
   */
  SECRET_CHANGED,
  SESSION_OPEN,
  SESSION_CLOSE,
  POLICY_LOAD,
  POLICY_RELOAD,
  /** A key changed: the audit signing key (written by the log itself) or a tokenization key. */
  KEY_CHANGE,
  APPROVAL_REQUEST,
  APPROVAL_DECISION,
  APPROVAL_EXECUTED,
  APPROVAL_EXPIRED,
  /** A caller's transaction (writes run with autocommit off) was committed. */
  TRANSACTION_COMMIT,
  /** A caller's transaction was rolled back: asked for, after a failure, or on disconnect. */
  TRANSACTION_ROLLBACK,
  /** Written by the log when it opens: the time source, and what it repaired after a crash. */
  LOG_OPEN,
  /**
   * Written by the log when its sink takes writes again after failing (fail closed): when the
   * failure began, when it ended, how many entries were refused meanwhile, and the failure.
   */
  AUDIT_RECOVERED,
  /**
   * Entries the gateway owed but could not write (its sink failed for longer than its backlog
   * lasts): how many, of which type, and the time span, so the gap is on the record.
   */
  AUDIT_GAP;

  /** Whether entries of this type belong to one statement and so need a statement id. */
  public boolean isStatement() {
    return this == STATEMENT_START || this == STATEMENT_END;
  }
}
