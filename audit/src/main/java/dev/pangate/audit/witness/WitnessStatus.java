package dev.pangate.audit.witness;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * How far one witness has got.
 *
 * @param witness what and where (never a secret)
 * @param lastSequence the seq of the last seal it holds, -1 before the first
 * @param lastWitnessed when that seal was made durable there, or null
 * @param lag how long the oldest seal it does not hold yet has waited (zero when it has them all)
 * @param problem why writing to it fails, or null
 * @param problemSince when the problem started, or null
 * @param dropped seals given up on while it could not be written (too many waiting)
 */
public record WitnessStatus(String witness, long lastSequence, Instant lastWitnessed, Duration lag,
    String problem, Instant problemSince, long dropped) {

  public WitnessStatus {
    requireNonNull(witness, "witness is null");
    requireNonNull(lag, "lag is null");
  }
}
