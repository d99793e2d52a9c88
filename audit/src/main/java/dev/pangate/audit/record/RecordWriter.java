package dev.pangate.audit.record;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.pangate.audit.tree.CompactRange;
import dev.pangate.audit.tree.TreeHasher;
import java.time.Instant;
import java.util.Base64;
import java.util.TreeMap;

/**
 * Builds the chain records of one node: computes each record's hash over its canonical form, adds
 * it as the next leaf of the Merkle tree given, and signs seals over the tree head. Not
 * thread-safe: the log's single writer thread owns one.
 */
public final class RecordWriter {

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
    TreeMap<String, Object> fields = common(RecordFormat.KIND_ENTRY, seq, prev, time, tree);
    fields.put(RecordFormat.EVENT, requireNonNull(event, "event is null"));
    fields.put(RecordFormat.TIME_SOURCE, timeSource);
    return finish(fields, null, tree);
  }

  /**
   * The first record of a new file; {@code previous} is the file before it, or null. It carries
   * the tree's subtree roots so that the file can be verified on its own.
   */
  public ChainRecord segment(long seq, String prev, Instant time, String name, String previous,
      CompactRange tree) {
    TreeMap<String, Object> fields = common(RecordFormat.KIND_SEGMENT, seq, prev, time, tree);
    fields.put(RecordFormat.SEGMENT, requireNonNull(name, "name is null"));
    if (previous != null) {
      fields.put(RecordFormat.PREVIOUS_SEGMENT, previous);
    }
    fields.put(RecordFormat.TREE_FRONTIER, tree.hexRoots());
    return finish(fields, null, tree);
  }

  /** A signed checkpoint over {@code prev}, the chain head, and over the head of {@code tree}. */
  public ChainRecord seal(long seq, String prev, Instant time, String state, long checkpointMillis,
      AuditSigner signer, CompactRange tree) {
    requireNonNull(signer, "signer is null");
    TreeMap<String, Object> fields = common(RecordFormat.KIND_SEAL, seq, prev, time, tree);
    fields.put(RecordFormat.STATE, requireNonNull(state, "state is null"));
    fields.put(RecordFormat.CHECKPOINT_MILLIS, checkpointMillis);
    fields.put(RecordFormat.KEY_ID, signer.keyId());
    fields.put(RecordFormat.TREE_SIZE, tree.size());
    fields.put(RecordFormat.TREE_HEAD, RecordFormat.hex(tree.root(this.tree)));
    fields.put(RecordFormat.TREE_FRONTIER, tree.hexRoots());
    return finish(fields, signer, tree);
  }

  private TreeMap<String, Object> common(String kind, long seq, String prev, Instant time,
      CompactRange tree) {
    if (!RecordFormat.isHash(prev)) {
      throw new IllegalArgumentException("prev is not a hex SHA-256: " + prev);
    }
    if (tree.size() != seq) {
      throw new IllegalStateException("record seq " + seq + " is not the tree's next leaf " + tree.size());
    }
    TreeMap<String, Object> fields = new TreeMap<>();
    fields.put(RecordFormat.KIND, kind);
    fields.put(RecordFormat.NODE, node);
    fields.put(RecordFormat.SEQ, seq);
    fields.put(RecordFormat.PREV, prev);
    fields.put(RecordFormat.TIME, RecordFormat.formatTime(time));
    return fields;
  }

  private ChainRecord finish(TreeMap<String, Object> fields, AuditSigner signer, CompactRange tree) {
    byte[] body = CanonicalJson.encode(fields).getBytes(StandardCharsets.UTF_8);
    String hash = RecordFormat.hex(sha256.digest(body));
    tree.append(this.tree.leaf(body), this.tree);
    if (signer != null) {
      fields.put(RecordFormat.SIG, Base64.getEncoder().encodeToString(signer.sign(body)));
    }
    fields.put(RecordFormat.HASH, hash);
    return new ChainRecord(
        (Long) fields.get(RecordFormat.SEQ), (String) fields.get(RecordFormat.KIND), hash,
        CanonicalJson.encode(fields));
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
