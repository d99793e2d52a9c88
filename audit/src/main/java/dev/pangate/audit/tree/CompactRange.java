package dev.pangate.audit.tree;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.record.RecordFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A Merkle tree (RFC 9162) kept as only its right edge: the roots of the perfect subtrees that make
 * up a tree of {@code size} leaves, largest first (one per set bit of the size). Appending a leaf
 * and computing the root each cost O(log n) hashes, so the audit writer keeps the tree head of the
 * whole log without holding it. Seals record these roots ({@code treeFrontier}) so that a writer
 * resuming after a restart, or a verifier starting at a later file, continues the same tree.
 *
 * <p>Mutable and not thread-safe; {@link #copy()} gives an independent range (the writer works on a
 * copy and keeps it only once a batch is durable).
 */
public final class CompactRange {

  private static final HexFormat HEX = HexFormat.of();

  private final List<byte[]> roots;
  private long size;

  private CompactRange(long size, List<byte[]> roots) {
    this.size = size;
    this.roots = roots;
  }

  /** The empty tree. */
  public static CompactRange empty() {
    return new CompactRange(0, new ArrayList<>());
  }

  /**
   * A tree of {@code size} leaves given by its subtree roots in hex, largest first.
   *
   * @throws IllegalArgumentException when the number of roots does not match the size (one per set
   *     bit) or a root is not a hex SHA-256
   */
  public static CompactRange of(long size, List<String> hexRoots) {
    requireNonNull(hexRoots, "hexRoots is null");
    if (size < 0) {
      throw new IllegalArgumentException("tree size is negative: " + size);
    }
    if (hexRoots.size() != Long.bitCount(size)) {
      throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(size)
          + " subtree roots, not " + hexRoots.size());
    }
    List<byte[]> roots = new ArrayList<>(hexRoots.size() + 1);
    for (String hex : hexRoots) {
      if (!RecordFormat.isHash(hex)) {
        throw new IllegalArgumentException("subtree root is not a hex SHA-256: " + hex);
      }
      roots.add(HEX.parseHex(hex));
    }
    return new CompactRange(size, roots);
  }

  /** Leaves in the tree. */
  public long size() {
    return size;
  }

  /** Adds a leaf hash ({@link TreeHasher#leaf}) as leaf number {@link #size()}. */
  public void append(byte[] leafHash, TreeHasher hasher) {
    requireNonNull(leafHash, "leafHash is null");
    byte[] carry = leafHash;
    // Each trailing set bit of the size is a perfect subtree of the same height as the carry.
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      carry = hasher.node(roots.remove(roots.size() - 1), carry);
    }
    roots.add(carry);
    size++;
  }

  /** The tree head: RFC 9162's MTH over every leaf so far. */
  public byte[] root(TreeHasher hasher) {
    if (roots.isEmpty()) {
      return hasher.empty();
    }
    byte[] hash = roots.get(roots.size() - 1);
    for (int i = roots.size() - 2; i >= 0; i--) {
      hash = hasher.node(roots.get(i), hash);
    }
    return hash;
  }

  /** The subtree roots in hex, largest first (a seal's {@code treeFrontier}). */
  public List<String> hexRoots() {
    List<String> out = new ArrayList<>(roots.size());
    for (byte[] root : roots) {
      out.add(HEX.formatHex(root));
    }
    return out;
  }

  /** An independent copy. */
  public CompactRange copy() {
    List<byte[]> copied = new ArrayList<>(roots.size() + 1);
    copied.addAll(roots);
    return new CompactRange(size, copied);
  }

  /** Whether another range holds the same tree. */
  public boolean sameAs(CompactRange other) {
    if (other.size != size || other.roots.size() != roots.size()) {
      return false;
    }
    for (int i = 0; i < roots.size(); i++) {
      if (!Arrays.equals(roots.get(i), other.roots.get(i))) {
        return false;
      }
    }
    return true;
  }
}
