package dev.pangate.endpoint.session;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.masking.pan.PanScrubber;

/**
 * A request the endpoint refuses (not the engine): a foreign connection id, a limit, a malformed
 * parameter. Like the engine's errors it has a stable upper-case code and a message safe to show
 * the client: it says what was wrong and what to do, and never quotes a value the client sent;
 * should one be quoted all the same (a field name, an offset), PAN-like digits are truncated.
 */
public final class GatewayRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;
  private final int httpStatus;

  public GatewayRequestException(String code, int httpStatus, String message) {
    super(PanScrubber.scrub(message));
    this.code = requireNonNull(code, "code is null");
    this.httpStatus = httpStatus;
  }

  /**
   * The stable code of a failure the endpoint reports: the engine's, the endpoint's own, or
   * {@code INTERNAL_ERROR} for anything unexpected.
   */
  public static String codeOf(RuntimeException failure) {
    return failure instanceof EngineException engine ? engine.code()
        : failure instanceof GatewayRequestException request ? request.code() : "INTERNAL_ERROR";
  }

  /** A stable upper-case code, e.g. {@code CONNECTION_LIMIT}. */
  public String code() {
    return code;
  }

  /** The HTTP status the JSON API answers with. */
  public int httpStatus() {
    return httpStatus;
  }
}
