package dev.pangate.audit.tree;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes of RFC 9162's Merkle tree (section 2.1.1): a leaf is {@code SHA-256(0x00 || data)},
 * an interior node {@code SHA-256(0x01 || left || right)}, and the empty tree {@code SHA-256()}.
 * The prefixes keep a leaf from ever passing for a node (second-preimage resistance). Not
 * thread-safe: each thread (the log's writer, a verifier) holds its own.
 */
public final class TreeHasher {

  /** Bytes in one hash. */
  public static final int HASH_BYTES = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private final MessageDigest sha256;

  public TreeHasher() {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The hash of a leaf holding {@code data} (for pangate: a record's canonical bytes). */
  public byte[] leaf(byte[] data) {
    sha256.update(LEAF_PREFIX);
    return sha256.digest(data);
  }

  /** The hash of an interior node over two children. */
  public byte[] node(byte[] left, byte[] right) {
    sha256.update(NODE_PREFIX);
    sha256.update(left);
    return sha256.digest(right);
  }

  /** The root of the empty tree. */
  public byte[] empty() {
    return sha256.digest();
  }
}
