package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The durable end of a sink's chain as found when it opens.
 *
 * @param lines the last records, in order, from the last seal to the end (every record when there
 *     is no seal); empty for a new store
 * @param tornBytesRemoved bytes of an unfinished last record that the sink removed (a write that
 *     a crash interrupted and that was never acknowledged)
 * @param newSegment a segment the sink just started that still needs its segment record, or null
 */
public record SinkTail(List<String> lines, long tornBytesRemoved, SegmentStart newSegment) {

  public SinkTail {
    lines = List.copyOf(requireNonNull(lines, "lines is null"));
    if (tornBytesRemoved < 0) {
      throw new IllegalArgumentException("tornBytesRemoved is negative");
    }
  }
}
