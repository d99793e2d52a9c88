package dev.pangate.audit.record;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import java.time.Instant;
import java.util.Base64;

/**
 * Builds the chain records of one node: computes each record's hash over its canonical form, adds
 * it as the next leaf of the Merkle tree given, and signs seals over the tree head. Not
 * thread-safe: the log's single writer thread owns one.
 */
public final class RecordWriter {

  /** The fields placed into the signed text for the line: hash, then sig. */
  private static final String[] WATCHED = {RecordFormat.HASH, RecordFormat.SIG};

  private final String node;
  private final String timeSource;
  private final MessageDigest sha256;
  private final TreeHasher tree = new TreeHasher();

  public RecordWriter(String node, String timeSource) {
    this.node = requireNonNull(node, "node is null");
    this.timeSource = requireNonNull(timeSource, "timeSource is null");
    this.sha256 = newSha256();
  }

  /**
   * An entry carrying an already canonical, already scrubbed event; added to {@code tree} as leaf
   * {@code seq}.
   */
  public ChainRecord entry(long seq, String prev, Instant time, CanonicalJson.Raw event, CompactRange tree) {
    requireNonNull(event, "event is null");
    CanonicalJson.ObjectWriter fields = new CanonicalJson.ObjectWriter(event.json().length() + 256, WATCHED);
    check(seq, prev, tree);
    fields.raw(RecordFormat.EVENT, event.json());
    common(fields, RecordFormat.KIND_ENTRY, seq, prev);
    fields.text(RecordFormat.TIME, RecordFormat.formatTime(time));
    fields.text(RecordFormat.TIME_SOURCE, timeSource);
    return finish(fields, RecordFormat.KIND_ENTRY, seq, null, tree);
  }

  /**
   * The first record of a new file; {@code previous} is the file before it, or null. It carries
   * the tree's subtree roots so that the file can be verified on its own.
   */
  public ChainRecord segment(long seq, String prev, Instant time, String name, String previous,
      CompactRange tree) {
    requireNonNull(name, "name is null");
    CanonicalJson.ObjectWriter fields = new CanonicalJson.ObjectWriter(512, WATCHED);
    check(seq, prev, tree);
    common(fields, RecordFormat.KIND_SEGMENT, seq, prev); // kind, node, prev
    if (previous != null) {
      fields.text(RecordFormat.PREVIOUS_SEGMENT, previous);
    }
    fields.text(RecordFormat.SEGMENT, name);
    fields.number(RecordFormat.SEQ, seq);
    fields.text(RecordFormat.TIME, RecordFormat.formatTime(time));
    fields.texts(RecordFormat.TREE_FRONTIER, tree.hexRoots());
    return finish(fields, RecordFormat.KIND_SEGMENT, seq, null, tree);
  }

  /** A signed checkpoint over {@code prev}, the chain head, and over the head of {@code tree}. */
  public ChainRecord seal(long seq, String prev, Instant time, String state, long checkpointMillis,
      AuditSigner signer, CompactRange tree) {
    requireNonNull(signer, "signer is null");
    requireNonNull(state, "state is null");
    CanonicalJson.ObjectWriter fields = new CanonicalJson.ObjectWriter(1024, WATCHED);
    check(seq, prev, tree);
    fields.number(RecordFormat.CHECKPOINT_MILLIS, checkpointMillis);
    fields.number(RecordFormat.KEY_ID, signer.keyId());
    common(fields, RecordFormat.KIND_SEAL, seq, prev);
    fields.text(RecordFormat.STATE, state);
    fields.text(RecordFormat.TIME, RecordFormat.formatTime(time));
    fields.texts(RecordFormat.TREE_FRONTIER, tree.hexRoots());
    fields.text(RecordFormat.TREE_HEAD, RecordFormat.hex(tree.root(this.tree)));
    fields.number(RecordFormat.TREE_SIZE, tree.size());
    return finish(fields, RecordFormat.KIND_SEAL, seq, signer, tree);
  }

  private static void check(long seq, String prev, CompactRange tree) {
    if (!RecordFormat.isHash(prev)) {
      throw new IllegalArgumentException("prev is not a hex SHA-256: " + prev);
    }
    if (tree.size() != seq) {
      throw new IllegalStateException("record seq " + seq + " is not the tree's next leaf " + tree.size());
    }
  }

  /** kind, node, prev and (but for a segment record, whose name sorts between) seq. */
  private void common(CanonicalJson.ObjectWriter fields, String kind, long seq, String prev) {
    fields.text(RecordFormat.KIND, kind);
    fields.text(RecordFormat.NODE, node);
    fields.text(RecordFormat.PREV, prev);
    if (!kind.equals(RecordFormat.KIND_SEGMENT)) {
      fields.number(RecordFormat.SEQ, seq);
    }
  }

  /**
   * Hashes the record's canonical text (every field but hash and sig), adds it to the tree, signs
   * it for a seal, and writes the line: the same text with hash and sig in their sorted places.
   */
  private ChainRecord finish(CanonicalJson.ObjectWriter fields, String kind, long seq, AuditSigner signer, CompactRange tree) {
    String signed = fields.close();
    byte[] body = signed.getBytes(StandardCharsets.UTF_8);
    String hash = RecordFormat.hex(sha256.digest(body));
    tree.append(this.tree.leaf(body), this.tree);
    String sig = signer == null ? null : Base64.getEncoder().encodeToString(signer.sign(body));
    StringBuilder line = new StringBuilder(signed.length() + 200);
    int hashAt = fields.placeOf(0);
    int sigAt = fields.placeOf(1); // at or after hashAt: every name sorting after sig sorts after hash
    line.append(signed, 0, hashAt);
    insert(line, hashAt, RecordFormat.HASH, hash);
    if (sig != null) {
      line.append(signed, hashAt, sigAt);
      insert(line, sigAt, RecordFormat.SIG, sig);
      line.append(signed, sigAt, signed.length());
    } else {
      line.append(signed, hashAt, signed.length());
    }
    return new ChainRecord(seq, kind, hash, line.toString());
  }

  /** A string field placed at {@code at} of the signed text (1: first, before the next field's name). */
  private static void insert(StringBuilder line, int at, String name, String value) {
    if (at > 1) {
      line.append(',');
    }
    CanonicalJson.string(name, line);
    line.append(':');
    CanonicalJson.string(value, line);
    if (at == 1) {
      line.append(',');
    }
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
