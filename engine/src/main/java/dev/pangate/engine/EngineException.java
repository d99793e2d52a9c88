package dev.pangate.engine;

import static java.util.Objects.requireNonNull;

import dev.pangate.masking.pan.PanScrubber;

/**
 * A failure a user can meet, with a stable code from the {@link ErrorCode} registry (for the JSON
 * API, JDBC and the audit log) and a message that says what was wrong and what to do. Messages
 * never carry a raw value of a masked column: every message passes through the PAN scrubber, and
 * errors that PostgreSQL raises are never kept as causes (their DETAIL lines quote row values).
 */
public class EngineException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String sqlState;

  public EngineException(ErrorCode code, String message) {
    this(code, code.sqlState(), message, null);
  }

  public EngineException(ErrorCode code, String message, Throwable cause) {
    this(code, code.sqlState(), message, cause);
  }

  /**
   * An error PostgreSQL raised, carrying PostgreSQL's own SQLSTATE (e.g. {@code 23505}) rather
   * than the class of its code.
   */
  public EngineException(ErrorCode code, String sqlState, String message, Throwable cause) {
    super(PanScrubber.scrub(message), cause);
    this.code = requireNonNull(code, "code is null");
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
  }

  /** The stable upper-case code, such as {@code SQL_PARSE_ERROR} or {@code OBJECT_NOT_FOUND}. */
  public String code() {
    return code.name();
  }

  /** The registry entry of this error. */
  public ErrorCode errorCode() {
    return code;
  }

  /** The SQLSTATE a JDBC client sees: PostgreSQL's own for errors it raised. */
  public String sqlState() {
    return sqlState;
  }
}
