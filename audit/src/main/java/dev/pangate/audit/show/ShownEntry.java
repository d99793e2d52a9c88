package dev.pangate.audit.show;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.EventEncoder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An entry as {@code show} reads it: where it sits in the chain and its event fields (named as in
 * {@link EventEncoder}).
 *
 * @param sequence the entry's sequence number
 * @param time when it was written
 * @param node the gateway node that wrote it
 * @param event the event's fields as stored (already scrubbed of PANs)
 */
public record ShownEntry(long sequence, Instant time, String node, Map<String, Object> event) {

  public ShownEntry {
    requireNonNull(time, "time is null");
    requireNonNull(node, "node is null");
    event = Map.copyOf(requireNonNull(event, "event is null"));
  }

  /** A text field of the event, or null. */
  public String text(String name) {
    return event.get(name) instanceof String s ? s : null;
  }

  /** A list field of the event, or an empty list. */
  public List<?> list(String name) {
    return event.get(name) instanceof List<?> l ? l : List.of();
  }

  /** An object field of the event, or an empty map. */
  public Map<?, ?> map(String name) {
    return event.get(name) instanceof Map<?, ?> m ? m : Map.of();
  }

  /** A number field of the event, or null. */
  public Long number(String name) {
    return event.get(name) instanceof Long n ? n : null;
  }

  /** "success", "failure", or null when the entry has no outcome (a statement's start). */
  public String outcome() {
    Object status = map(EventEncoder.OUTCOME).get(EventEncoder.OUTCOME_STATUS);
    return status instanceof String s ? s : null;
  }

  /** A field of the outcome (code, message), or null. */
  public String outcomeField(String name) {
    Object value = map(EventEncoder.OUTCOME).get(name);
    return value instanceof String s ? s : null;
  }
}
