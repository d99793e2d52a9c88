package dev.pangate.engine.rewrite;

/**
 * Thrown inside the rewrite when a part of a plan needs a masked value (as opposed to a raw value
 * PostgreSQL holds) and no proven equivalence lets PostgreSQL compute it; the caller evaluates
 * that part in the gateway instead. Carries what needed the masked value, and what to write
 * instead where the gateway cannot evaluate it either, for messages.
 */
final class CannotPushDown extends Exception {

  private static final long serialVersionUID = 1L;

  private final String advice;

  CannotPushDown(String what) {
    this(what, null);
  }

  CannotPushDown(String what, String advice) {
    super(what, null, false, false);
    this.advice = advice;
  }

  /** What the caller could write instead, or null for the general advice. */
  String advice() {
    return advice;
  }
}
