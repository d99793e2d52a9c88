package dev.pangate.engine;

import static java.util.Objects.requireNonNull;

/**
 * A failure a user can meet, with a stable code (for the JSON API and the audit log) and a
 * message that says what was wrong and what to do. Messages never carry a raw value of a
 * masked column: every message passes through the PAN scrubber, and errors that PostgreSQL
 * raises are never kept as causes (their DETAIL lines quote row values).
 */
public class EngineException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  public EngineException(String code, String message) {
    super(dev.pangate.masking.pan.PanScrubber.scrub(message));
    this.code = requireNonNull(code, "code is null");
  }

  public EngineException(String code, String message, Throwable cause) {
    super(dev.pangate.masking.pan.PanScrubber.scrub(message), cause);
    this.code = requireNonNull(code, "code is null");
  }

  /** A stable upper-case code such as {@code SQL_PARSE_ERROR} or {@code OBJECT_NOT_FOUND}. */
  public String code() {
    return code;
  }
}
