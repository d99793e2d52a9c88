package dev.pangate.audit.proof;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.tree.MerkleProofs;
import dev.pangate.audit.tree.TreeHasher;
import dev.pangate.audit.verify.AuditVerifier;
import dev.pangate.audit.verify.KnownHead;
import java.util.HexFormat;

/**
 * Checks a proof with nothing but the public keyset: the seals' signatures, the proved record's
 * hash, and the RFC 9162 proof against the signed tree heads. No access to the log is needed.
 */
public final class ProofChecker {

  private final AuditVerifier keys;

  public ProofChecker(AuditVerifier keys) {
    this.keys = requireNonNull(keys, "keys is null");
  }

  /**
   * What the check found.
   *
   * @param ok whether the proof holds
   * @param message what it proves, or what is wrong
   */
  public record Result(boolean ok, String message) {}

  /**
   * Checks a proof. {@code expectedFrom} and {@code expectedTo}, when given, are heads the checker
   * already trusts (noted earlier, or from a witness) that the proof's seals must carry.
   */
  public Result check(AuditProof proof, KnownHead expectedFrom, KnownHead expectedTo) {
    requireNonNull(proof, "proof is null");
    TreeHasher hasher = new TreeHasher();
    ParsedRecord to;
    try {
      to = seal(proof.toSeal(), "toSeal", proof.node(), expectedTo);
    } catch (Refused e) {
      return new Result(false, e.getMessage());
    }
    byte[] toHead = HexFormat.of().parseHex(to.treeHead());
    String head = to.sequence() + ":" + to.treeHead();
    if (AuditProof.INCLUSION.equals(proof.type())) {
      ParsedRecord record;
      try {
        record = ParsedRecord.parse(proof.record());
      } catch (MalformedRecordException e) {
        return new Result(false, "the proved record is not a valid audit record: " + e.getMessage());
      }
      if (!record.hashMatches()) {
        return new Result(false, "the proved record (seq " + record.sequence() + ") does not match its hash:"
            + " it was changed after it was written");
      }
      if (!proof.node().equals(record.string(RecordFormat.NODE))) {
        return new Result(false, "the proved record belongs to node " + record.string(RecordFormat.NODE)
            + ", the proof to node " + proof.node());
      }
      if (!MerkleProofs.verifyInclusion(record.sequence(), to.sequence(), record.leafHash(hasher),
          proof.pathBytes(), toHead, hasher)) {
        return new Result(false, "the record with seq " + record.sequence() + " is NOT in the tree with head "
            + head + ": the record, its position or the proof's path was changed");
      }
      return new Result(true, "the " + describe(record) + " is leaf " + record.sequence() + " of node "
          + proof.node() + "'s log under tree head " + head + ", signed by key id "
          + to.number(RecordFormat.KEY_ID) + " at " + to.time());
    }
    ParsedRecord from;
    try {
      from = seal(proof.fromSeal(), "fromSeal", proof.node(), expectedFrom);
    } catch (Refused e) {
      return new Result(false, e.getMessage());
    }
    String fromHead = from.sequence() + ":" + from.treeHead();
    if (!MerkleProofs.verifyConsistency(from.sequence(), to.sequence(), HexFormat.of().parseHex(from.treeHead()),
        toHead, proof.pathBytes(), hasher)) {
      return new Result(false, "the log with head " + head + " does NOT extend the log with head " + fromHead
          + ": records among the first " + from.sequence() + " were changed, removed or added (or the proof"
          + " was altered)");
    }
    return new Result(true, "node " + proof.node() + "'s log with head " + head + " (sealed " + to.time()
        + ") extends the log with head " + fromHead + " (sealed " + from.time() + "): its first "
        + from.sequence() + " records are unchanged");
  }

  private ParsedRecord seal(String line, String name, String node, KnownHead expected) throws Refused {
    String problem = keys.checkSeal(line);
    if (problem != null) {
      throw new Refused("the proof's " + name + " is not a good seal: " + problem);
    }
    ParsedRecord seal;
    try {
      seal = ParsedRecord.parse(line);
    } catch (MalformedRecordException e) {
      throw new Refused("the proof's " + name + " is not a valid record: " + e.getMessage());
    }
    if (seal.treeHead() == null) {
      throw new Refused("the proof's " + name + " carries no Merkle tree head");
    }
    if (!node.equals(seal.string(RecordFormat.NODE))) {
      throw new Refused("the proof's " + name + " belongs to node " + seal.string(RecordFormat.NODE)
          + ", the proof to node " + node);
    }
    if (expected != null && (expected.size() != seal.sequence() || !expected.head().equals(seal.treeHead()))) {
      throw new Refused("the proof's " + name + " signs head " + seal.sequence() + ":" + seal.treeHead()
          + ", not the head you gave (" + expected.text() + ")");
    }
    return seal;
  }

  private static String describe(ParsedRecord record) {
    if (!record.isEntry()) {
      return record.kind() + " record";
    }
    Object type = record.event().get("type");
    Object agent = record.event().get("agent");
    return "entry " + type + (agent == null ? "" : " by " + agent) + " at " + record.time();
  }

  private static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }
}
