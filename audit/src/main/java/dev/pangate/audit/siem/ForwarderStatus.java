package dev.pangate.audit.siem;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * How far the SIEM forwarder has got.
 *
 * @param receiver where records go (never a secret)
 * @param forwardedSequence the seq of the last record the receiver confirmed, -1 before the first
 * @param lastConfirmed when a batch was last confirmed, or null
 * @param lag how long the oldest sealed record not yet confirmed has waited (zero when none waits)
 * @param sent records confirmed since start (a batch sent again counts again)
 * @param failures attempts that failed (receiver down, TLS, a timeout)
 * @param problem why the last attempt failed, or null
 * @param problemSince when the problem started, or null
 */
public record ForwarderStatus(String receiver, long forwardedSequence, Instant lastConfirmed, Duration lag,
    long sent, long failures, String problem, Instant problemSince) {

  public ForwarderStatus {
    requireNonNull(receiver, "receiver is null");
    requireNonNull(lag, "lag is null");
  }
}
