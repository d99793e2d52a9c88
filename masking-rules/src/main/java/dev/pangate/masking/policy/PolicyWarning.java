package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

/** Something a loaded policy allows but that probably is not meant (it does not stop loading). */
public record PolicyWarning(SourceLocation location, String message) {

  public PolicyWarning {
    requireNonNull(location, "location is null");
    requireNonNull(message, "message is null");
  }

  /** {@code file:line:column: path: message}. */
  @Override
  public String toString() {
    return location + ": " + message;
  }
}
