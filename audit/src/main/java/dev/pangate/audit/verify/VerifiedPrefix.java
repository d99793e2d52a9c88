package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.tree.CompactRange;

/**
 * Where a verification ended at a good seal, so that the next one continues from there instead of
 * reading the log again from its start (the running gateway's own checks, {@code LogMonitor}).
 * Everything up to and including the seal verified: hashes, links, signatures and tree heads.
 *
 * @param segment the file (or store) the seal is in
 * @param lineNumber the seal's line number there
 * @param endOffset the byte offset just after the seal's line, or -1 for a store without offsets
 * @param sealLine the seal's line
 * @param tree the Merkle tree over every record up to and including the seal
 */
public record VerifiedPrefix(String segment, long lineNumber, long endOffset, String sealLine,
    CompactRange tree) {

  public VerifiedPrefix {
    requireNonNull(segment, "segment is null");
    requireNonNull(sealLine, "sealLine is null");
    tree = requireNonNull(tree, "tree is null").copy();
  }

  /** The tree, as a copy the caller may grow. */
  @Override
  public CompactRange tree() {
    return tree.copy();
  }

  /** The seal, parsed. */
  public ParsedRecord seal() {
    try {
      return ParsedRecord.parse(sealLine);
    } catch (MalformedRecordException e) {
      throw new IllegalStateException("a verified seal no longer parses", e);
    }
  }

  /** The number of records verified: the seal's seq plus one. */
  public long size() {
    return tree.size();
  }
}
