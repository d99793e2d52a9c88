package dev.pangate.audit.monitor;

import dev.pangate.audit.verify.Violation;
import java.time.Instant;

/**
 * What the running gateway's own verification of its log has found ({@link LogMonitor}).
 *
 * @param running whether the monitor runs (false when turned off or not possible for the sink)
 * @param verifiedSize the size of the last tree head verified (its seal's seq), -1 before the first
 * @param verifiedHead that head, {@code size:head}, or null
 * @param lastRun when a run last ended, or null
 * @param lastVerified when a run last verified without finding anything wrong, or null
 * @param runs runs so far
 * @param failures runs that found a break or could not verify (a file that cannot be read, a
 *     witness that cannot be read)
 * @param violation the break found, or null; once found it stays until the gateway restarts
 * @param brokenSince when the break was found, or null
 * @param error why the last run could not verify (not a break), or null
 * @param sealsChecked seals found good so far (by signature, or recognized)
 * @param sealsRecognized of those, seals that were byte for byte what the gateway's writer
 *     remembers writing, whose signatures were therefore not verified again
 */
public record MonitorStatus(boolean running, long verifiedSize, String verifiedHead, Instant lastRun,
    Instant lastVerified, long runs, long failures, Violation violation, Instant brokenSince, String error,
    long sealsChecked, long sealsRecognized) {

  /** The status of a monitor that does not run. */
  public static MonitorStatus off() {
    return new MonitorStatus(false, -1, null, null, null, 0, 0, null, null, null, 0, 0);
  }

  /** Whether no break has been found. */
  public boolean intact() {
    return violation == null;
  }
}
