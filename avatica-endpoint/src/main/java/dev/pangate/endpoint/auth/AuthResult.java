package dev.pangate.endpoint.auth;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.ActingFor;
import dev.pangate.engine.ErrorCode;

/** What authenticating one request decided. */
public sealed interface AuthResult {

  /**
   * The request carries a valid credential for this identity.
   *
   * @param identity the authenticated identity (an agent id of the policy, or an operator)
   * @param method how it proved itself: {@code secret} or {@code jwt}
   * @param actingFor whom a verified token says the agent acts for, or null
   */
  record Authenticated(String identity, String method, ActingFor actingFor) implements AuthResult {
    public Authenticated {
      requireNonNull(identity, "identity is null");
      requireNonNull(method, "method is null");
    }

    public Authenticated(String identity, String method) {
      this(identity, method, null);
    }
  }

  /**
   * The credential was not checked: its identity (or, for an identity nobody has, the client's
   * address) failed too often recently. The client is told so, and when to try again.
   *
   * @param identity the claimed identity when the identity is throttled, null for an address
   * @param delay how long until an attempt is checked again
   */
  record Throttled(String identity, java.time.Duration delay) implements AuthResult {
    public Throttled {
      requireNonNull(delay, "delay is null");
    }

    /** Whole seconds for {@code Retry-After}, at least 1. */
    public int retryAfterSeconds() {
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (delay.toMillis() + 999) / 1000));
    }
  }

  /** The request carries no credential: answer with a challenge (not counted as a failure). */
  record Missing() implements AuthResult {}

  /**
   * The credential was refused; the client learns nothing more than a bare 401.
   *
   * @param reason why, for the audit log and metrics only ({@code BAD_SECRET}, {@code THROTTLED}, ...)
   */
  record Refused(ErrorCode reason) implements AuthResult {
    public Refused {
      requireNonNull(reason, "reason is null");
    }
  }
}
