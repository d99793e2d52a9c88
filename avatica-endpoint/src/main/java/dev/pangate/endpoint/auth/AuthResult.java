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
