package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Whether the audit log takes entries now. While it does not, every append is refused, and so is
 * every statement (fail closed).
 *
 * @param available whether appends succeed
 * @param sink where entries go (a directory, or a database and node), for operators
 * @param headSequence the sequence number of the last durable record, -1 before the first
 * @param lastDurableWrite when a record was last made durable, null before the first
 * @param problem why appends fail, null while available
 * @param problemSince when the problem started, null while available
 */
public record AuditHealth(
    boolean available,
    String sink,
    long headSequence,
    Instant lastDurableWrite,
    String problem,
    Instant problemSince) {

  public AuditHealth {
    requireNonNull(sink, "sink is null");
    if (available != (problem == null)) {
      throw new IllegalArgumentException("a problem is given exactly when the log is unavailable");
    }
  }
}
