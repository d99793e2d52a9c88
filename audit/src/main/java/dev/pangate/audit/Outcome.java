package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

/**
 * Success or failure of what an entry records, with an error code and message on failure. The
 * message is scrubbed of PANs before it is written.
 *
 * @param succeeded whether it succeeded
 * @param code an error code (e.g. a SQLSTATE), null on success
 * @param message what went wrong, null on success
 */
public record Outcome(boolean succeeded, String code, String message) {

  private static final Outcome SUCCESS = new Outcome(true, null, null);

  public Outcome {
    if (succeeded && (code != null || message != null)) {
      throw new IllegalArgumentException("a successful outcome has no error code or message");
    }
    if (!succeeded) {
      requireNonNull(code, "code is null");
      requireNonNull(message, "message is null");
    }
  }

  public static Outcome success() {
    return SUCCESS;
  }

  public static Outcome failure(String code, String message) {
    return new Outcome(false, code, message);
  }
}
