package dev.pangate.endpoint.session;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.masking.pan.PanScrubber;

/**
 * A request the endpoint refuses (not the engine): a foreign connection id, a limit, a malformed
 * parameter. Like the engine's errors it has a stable upper-case code and a message safe to show
 * the client: it says what was wrong and what to do, and never quotes a value the client sent;
 * should one be quoted all the same (a field name, an offset), PAN-like digits are truncated.
 */
public final class GatewayRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final int retryAfterSeconds;

  public GatewayRequestException(ErrorCode code, String message) {
    this(code, message, 0);
  }

  /** A refusal that passes: a retry makes sense after {@code retryAfterSeconds} (Retry-After). */
  public GatewayRequestException(ErrorCode code, String message, int retryAfterSeconds) {
    super(PanScrubber.scrub(message));
    this.code = requireNonNull(code, "code is null");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * The stable code of a failure the endpoint reports: the engine's, the endpoint's own, or
   * {@code INTERNAL_ERROR} for anything unexpected.
   */
  public static String codeOf(RuntimeException failure) {
    return errorCodeOf(failure).name();
  }

  /** The registry entry of a failure: the engine's, the endpoint's, or {@code INTERNAL_ERROR}. */
  public static ErrorCode errorCodeOf(Throwable failure) {
    return failure instanceof EngineException engine ? engine.errorCode()
        : failure instanceof GatewayRequestException request ? request.errorCode()
        : ErrorCode.INTERNAL_ERROR;
  }

  /** The SQLSTATE a JDBC client sees for a failure (PostgreSQL's own for errors it raised). */
  public static String sqlStateOf(Throwable failure) {
    return failure instanceof EngineException engine ? engine.sqlState()
        : errorCodeOf(failure).sqlState();
  }

  /**
   * After how many seconds a retry makes sense ({@code Retry-After}), for failures that pass: a
   * busy gateway, PostgreSQL or the audit log unreachable, too many requests; 0 for the others.
   */
  public static int retryAfterOf(Throwable failure) {
    if (failure instanceof dev.pangate.engine.exec.ConnectionGate.BusyException busy) {
      return busy.retryAfterSeconds();
    }
    if (failure instanceof GatewayRequestException request && request.retryAfterSeconds > 0) {
      return request.retryAfterSeconds;
    }
    return switch (errorCodeOf(failure)) {
      case GATEWAY_BUSY, POSTGRES_UNREACHABLE, TOO_MANY_REQUESTS, CONNECTION_LIMIT -> 1;
      case AUDIT_UNAVAILABLE, GATEWAY_STOPPING -> 2;
      default -> 0;
    };
  }

  /** A stable upper-case code, e.g. {@code CONNECTION_LIMIT}. */
  public String code() {
    return code.name();
  }

  /** The registry entry of this error. */
  public ErrorCode errorCode() {
    return code;
  }

  /** The HTTP status the JSON API answers with. */
  public int httpStatus() {
    return code.httpStatus();
  }
}
