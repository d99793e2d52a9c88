package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.ErrorCode;
import java.time.Duration;

/**
 * What the caller of one request asks of its statement beyond the policy: a timeout of its own
 * (never longer than its role's), and a way to stop it from outside, e.g. when the client goes
 * away. Cancelling stops the statement in PostgreSQL (a PgJDBC cancel of its backend) within the
 * watchdog's period; the statement then fails with the code given here.
 */
public final class CancelToken {

  /** No timeout of its own; never cancelled. */
  public static final CancelToken NONE = new CancelToken(Duration.ZERO, false);

  private final Duration timeout;
  private final boolean cancellable;
  private final CancelToken parent;
  private volatile ErrorCode code;
  private volatile String reason;

  private CancelToken(Duration timeout, boolean cancellable) {
    this(timeout, cancellable, null);
  }

  private CancelToken(Duration timeout, boolean cancellable, CancelToken parent) {
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.cancellable = cancellable;
    this.parent = parent;
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /** A token for one request; {@code timeout} zero for the role's own. */
  public static CancelToken create(Duration timeout) {
    return new CancelToken(timeout, true);
  }

  /**
   * A token with this timeout (zero: this token's own) that is cancelled whenever this one is,
   * e.g. a connection's timeout for one request's statement.
   */
  public CancelToken withTimeout(Duration ownTimeout) {
    requireNonNull(ownTimeout, "ownTimeout is null");
    if (ownTimeout.isZero() || ownTimeout.equals(timeout)) {
      return this;
    }
    Duration shorter = timeout.isZero() || ownTimeout.compareTo(timeout) < 0 ? ownTimeout : timeout;
    return new CancelToken(shorter, true, this);
  }

  /** The timeout the caller asked for, zero for none. */
  public Duration timeout() {
    return timeout;
  }

  /** Stops the statement: the first reason given wins. */
  public void cancel(ErrorCode why, String message) {
    requireNonNull(why, "why is null");
    requireNonNull(message, "message is null");
    if (!cancellable || code != null) {
      return;
    }
    reason = message;
    code = why;
  }

  public boolean cancelled() {
    return code != null || (parent != null && parent.cancelled());
  }

  /** Why it was cancelled, or null. */
  public ErrorCode code() {
    ErrorCode own = code;
    return own != null || parent == null ? own : parent.code();
  }

  /** The message the statement fails with, or null. */
  public String reason() {
    return code != null || parent == null ? reason : parent.reason();
  }
}
