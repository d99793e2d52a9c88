package dev.pangate.engine.approval;

/** Where an approval request stands. */
public enum ApprovalStatus {
  /** Waiting for an approver. */
  PENDING,
  /** Approved: the same agent may run exactly this statement once, before expiry. */
  APPROVED,
  /** Denied by an approver. */
  DENIED,
  /** Approved and run (consumed). */
  EXECUTED,
  /** Not decided, or not run, before its expiry. */
  EXPIRED
}
