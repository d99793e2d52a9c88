package dev.pangate.audit.record;

/** A line of an audit log that is not a well-formed canonical record; the message says why. */
public final class MalformedRecordException extends Exception {

  public MalformedRecordException(String message) {
    super(message);
  }
}
