package dev.pangate.audit.proof;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.tree.MerkleProofs;
import dev.pangate.audit.tree.ProofBuilder;
import dev.pangate.audit.tree.TreeHasher;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.SourceLine;
import java.io.IOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes proofs from a log the prover can read (the gateway's files or the PostgreSQL store). It
 * streams the records from seq 0, hashing each as a leaf, so memory stays small however long the
 * log. It does not verify the log; the proof is checked on its own by {@link ProofChecker}.
 */
public final class ProofMaker {

  private ProofMaker() {}

  /**
   * An inclusion proof of the record at {@code seq} under the seal at {@code sealSeq}, or under
   * the last seal when {@code sealSeq} is negative.
   *
   * @throws ProofException when the log lacks the record or the seal, or cannot be read as a chain
   *     from seq 0
   */
  public static AuditProof inclusion(RecordSource source, long seq, long sealSeq) throws IOException {
    requireNonNull(source, "source is null");
    if (seq < 0) {
      throw new ProofException("--seq must be 0 or more, got " + seq);
    }
    long to = sealSeq >= 0 ? sealSeq : lastSeal(source);
    if (to <= seq) {
      throw new ProofException(sealSeq < 0
          ? "the log (" + source.describe() + ") has no sealed record with seq " + seq + " (its last seal is seq "
              + to + "): the record does not exist or is not sealed yet"
          : "--head " + sealSeq + " is not after seq " + seq + ": a seal covers only the records before it");
    }
    ProofBuilder path = new ProofBuilder(MerkleProofs.inclusionRanges(seq, to), new TreeHasher());
    Map<Long, String> lines = stream(source, path, to, seq);
    String record = lines.get(seq);
    String seal = sealLine(lines, to, source);
    return new AuditProof(AuditProof.INCLUSION, node(seal), record, null, seal, hex(path.hashes()));
  }

  /** A consistency proof from the tree signed by the seal at {@code fromSeq} to the one at {@code toSeq}. */
  public static AuditProof consistency(RecordSource source, long fromSeq, long toSeq) throws IOException {
    requireNonNull(source, "source is null");
    if (fromSeq < 1 || toSeq < fromSeq) {
      throw new ProofException("--from-head must be a seal at or before --to-head (got " + fromSeq + " and "
          + toSeq + ")");
    }
    ProofBuilder builder = fromSeq == toSeq ? null
        : new ProofBuilder(MerkleProofs.consistencyRanges(fromSeq, toSeq), new TreeHasher());
    Map<Long, String> lines = stream(source, builder, toSeq, fromSeq);
    String from = sealLine(lines, fromSeq, source);
    String to = sealLine(lines, toSeq, source);
    return new AuditProof(AuditProof.CONSISTENCY, node(to), null, from, to,
        builder == null ? List.of() : hex(builder.hashes()));
  }

  private static long lastSeal(RecordSource source) throws IOException {
    long last = -1;
    for (Iterator<SourceLine> it = source.lines(); it.hasNext(); ) {
      SourceLine line = it.next();
      // Seals are the records whose first key is checkpointMillis (canonical key order).
      if (line.text().startsWith("{\"" + RecordFormat.CHECKPOINT_MILLIS + "\":")) {
        try {
          last = ParsedRecord.parse(line.text()).sequence();
        } catch (MalformedRecordException e) {
          // the streaming pass names the bad line
        }
      }
    }
    return last;
  }

  /** Feeds leaves 0..size-1 to the builder; returns the lines at the seqs asked for and at {@code size}. */
  private static Map<Long, String> stream(RecordSource source, ProofBuilder builder, long size, long keep)
      throws IOException {
    Map<Long, String> kept = new HashMap<>();
    TreeHasher hasher = new TreeHasher();
    long expected = 0;
    for (Iterator<SourceLine> it = source.lines(); it.hasNext() && expected <= size; ) {
      SourceLine line = it.next();
      ParsedRecord r;
      try {
        r = ParsedRecord.parse(line.text());
      } catch (MalformedRecordException e) {
        throw new ProofException(line.location() + " is not a valid audit record (" + e.getMessage()
            + "): run 'pangate audit verify' first");
      }
      if (r.sequence() != expected || !r.hashMatches()) {
        throw new ProofException(line.location() + " holds seq " + r.sequence() + " where seq " + expected
            + " belongs, or does not match its hash: proofs are made from a whole log from seq 0 on;"
            + " run 'pangate audit verify' first");
      }
      if (r.sequence() == keep || r.sequence() == size) {
        kept.put(r.sequence(), line.text());
      }
      if (r.sequence() < size && builder != null) {
        builder.leaf(r.leafHash(hasher));
      }
      expected++;
    }
    if (!kept.containsKey(keep)) {
      throw new ProofException("the log (" + source.describe() + ") has no record with seq " + keep);
    }
    return kept;
  }

  private static String sealLine(Map<Long, String> lines, long seq, RecordSource source) {
    String line = lines.get(seq);
    ParsedRecord seal;
    try {
      seal = line == null ? null : ParsedRecord.parse(line);
    } catch (MalformedRecordException e) {
      seal = null;
    }
    if (seal == null || !seal.isSeal()) {
      throw new ProofException("seq " + seq + " is not a seal in " + source.describe()
          + " (a head is named by its seal's seq, which is its tree size; 'pangate audit verify' prints the last)");
    }
    if (seal.treeHead() == null) {
      throw new ProofException("the seal at seq " + seq + " carries no Merkle tree head (an older pangate"
          + " wrote this log): no proof can be made against it");
    }
    return line;
  }

  private static String node(String sealLine) {
    try {
      return ParsedRecord.parse(sealLine).string(RecordFormat.NODE);
    } catch (MalformedRecordException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HexFormat.of()::formatHex).toList();
  }
}
