package dev.pangate.engine.rewrite;

/**
 * Thrown inside the rewrite when a part of a plan needs a masked value (as opposed to a raw value
 * PostgreSQL holds) and no proven equivalence lets PostgreSQL compute it; the caller evaluates
 * that part in the gateway instead. Carries what needed the masked value, for messages.
 */
final class CannotPushDown extends Exception {

  private static final long serialVersionUID = 1L;

  CannotPushDown(String what) {
    super(what, null, false, false);
  }
}
