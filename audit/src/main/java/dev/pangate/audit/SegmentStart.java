package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

/**
 * A new segment (file) of a sink that the log must open with a segment record.
 *
 * @param name the new segment's name
 * @param previous the segment before it, or null for the first
 */
public record SegmentStart(String name, String previous) {

  public SegmentStart {
    requireNonNull(name, "name is null");
  }
}
