package dev.pangate.masking.keys;

/**
 * A keyset that could not be loaded, generated or used. Messages name the keyset and its source and
 * say what to do; they never contain key material or keyset contents.
 */
public final class KeyRingException extends RuntimeException {

  /** A problem with a message for the operator. */
  public KeyRingException(String message) {
    super(message);
  }

  /** A problem with its cause (only causes whose messages cannot hold key material). */
  public KeyRingException(String message, Throwable cause) {
    super(message, cause);
  }
}
