package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

/**
 * One line read from an audit store.
 *
 * @param segment the file (or table and node) it came from
 * @param lineNumber its line number in that segment, from 1
 * @param text the line without its line break
 * @param unterminated whether the line had no line break (an interrupted write, if it is the last)
 * @param endOffset the byte offset in the segment just after the line's line break, or -1 where the
 *     store has no byte offsets (PostgreSQL)
 */
public record SourceLine(String segment, long lineNumber, String text, boolean unterminated, long endOffset) {

  public SourceLine {
    requireNonNull(segment, "segment is null");
    requireNonNull(text, "text is null");
  }

  /** A line of a store without byte offsets. */
  public SourceLine(String segment, long lineNumber, String text, boolean unterminated) {
    this(segment, lineNumber, text, unterminated, -1);
  }

  /** Where the line is, for messages: {@code file:line}. */
  public String location() {
    return segment + ":" + lineNumber;
  }
}
