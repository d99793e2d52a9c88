package dev.pangate.audit.proof;

/** A proof that cannot be made from the log given; the message says why and what to do. */
public final class ProofException extends IllegalStateException {

  public ProofException(String message) {
    super(message);
  }
}
