package dev.pangate.endpoint.session;

import dev.pangate.masking.pan.PanScrubber;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * Unexpected failures: logged for operators with an incident id the client is given instead of
 * the details. Every message in the exception chain is scrubbed of PAN-like digit runs before it
 * is logged, because an unexpected exception may quote any value it met.
 */
public final class Incidents {

  private Incidents() {}

  /** Logs the failure and returns its incident id. */
  public static String record(Logger log, String during, Throwable failure) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    log.error("incident {} during {}:\n{}", id, during, describe(failure));
    return id;
  }

  /** The exception chain with PAN-like runs truncated in every message, and the stack frames. */
  public static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Throwable current = failure;
    String prefix = "";
    while (current != null && seen.put(current, Boolean.TRUE) == null) {
      text.append(prefix).append(current.getClass().getName());
      if (current.getMessage() != null) {
        text.append(": ").append(PanScrubber.scrub(current.getMessage()));
      }
      text.append('\n');
      StackTraceElement[] frames = current.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, 40); i++) {
        text.append("\tat ").append(frames[i]).append('\n');
      }
      current = current.getCause();
      prefix = "Caused by: ";
    }
    return text.toString();
  }
}
