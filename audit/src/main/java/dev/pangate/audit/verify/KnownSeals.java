package dev.pangate.audit.verify;

/**
 * Seals whose exact bytes are known from elsewhere than the log: the running gateway's writer
 * remembers what it wrote ({@code WrittenSeals}), so its own verification need not check the
 * signature of a seal that is byte for byte the one it signed. A seal the source does not know
 * is checked by its signature as always; one it knows otherwise is a break.
 */
public interface KnownSeals {

  /** What the source knows of the seal at a sequence number. */
  enum Answer {
    /** this exact line is the seal the writer wrote there */
    WRITTEN,
    /** the writer wrote another seal there */
    OTHER,
    /** nothing (not written by this writer, or no longer remembered): check its signature */
    UNKNOWN
  }

  /** Compares a seal line read from the log with what the source knows of that sequence number. */
  Answer check(long sequence, String line);
}
