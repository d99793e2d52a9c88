package dev.pangate.audit.tree;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Inclusion and consistency proofs of RFC 9162 (sections 2.1.3 and 2.1.4): which subtrees a proof
 * is made of, and how a verifier checks one with nothing but the leaf, the proof and the tree
 * heads. Building the proof's hashes is {@link ProofBuilder}'s job (it reads the leaves once).
 */
public final class MerkleProofs {

  private MerkleProofs() {}

  /** The leaves {@code [start, end)} whose tree hash is one element of a proof. */
  public record Range(long start, long end) {
    public Range {
      if (start < 0 || end <= start) {
        throw new IllegalArgumentException("empty or negative range [" + start + ", " + end + ")");
      }
    }
  }

  /** The subtrees of PATH(m, D[n]), in proof order (nearest the leaf first). */
  public static List<Range> inclusionRanges(long leafIndex, long treeSize) {
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException("leaf " + leafIndex + " is not in a tree of " + treeSize + " leaves");
    }
    List<Range> out = new ArrayList<>();
    path(leafIndex, 0, treeSize, out);
    return out;
  }

  private static void path(long m, long offset, long n, List<Range> out) {
    if (n <= 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(m, offset, k, out);
      out.add(new Range(offset + k, offset + n));
    } else {
      path(m - k, offset + k, n - k, out);
      out.add(new Range(offset, offset + k));
    }
  }

  /** The subtrees of PROOF(m, D[n]) for {@code 0 < m <= n}, in proof order. */
  public static List<Range> consistencyRanges(long oldSize, long newSize) {
    if (oldSize <= 0 || oldSize > newSize) {
      throw new IllegalArgumentException("no consistency proof from a tree of " + oldSize
          + " leaves to one of " + newSize);
    }
    List<Range> out = new ArrayList<>();
    subproof(oldSize, 0, newSize, true, out);
    return out;
  }

  private static void subproof(long m, long offset, long n, boolean complete, List<Range> out) {
    if (m == n) {
      if (!complete) {
        out.add(new Range(offset, offset + n));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(m, offset, k, complete, out);
      out.add(new Range(offset + k, offset + n));
    } else {
      subproof(m - k, offset + k, n - k, false, out);
      out.add(new Range(offset, offset + k));
    }
  }

  /** The largest power of two strictly below {@code n} (n > 1). */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * The root an inclusion proof leads to (RFC 9162 2.1.3.2), or null when the proof has the wrong
   * length for the leaf's position.
   */
  public static byte[] rootFromInclusion(long leafIndex, long treeSize, byte[] leafHash,
      List<byte[]> path, TreeHasher hasher) {
    requireNonNull(leafHash, "leafHash is null");
    requireNonNull(path, "path is null");
    if (leafIndex < 0 || leafIndex >= treeSize) {
      return null;
    }
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = hasher.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = hasher.node(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 ? r : null;
  }

  /** Whether an inclusion proof shows the leaf at {@code leafIndex} in the tree with this root. */
  public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash,
      List<byte[]> path, byte[] root, TreeHasher hasher) {
    byte[] computed = rootFromInclusion(leafIndex, treeSize, leafHash, path, hasher);
    return computed != null && MessageDigest.isEqual(computed, root);
  }

  /**
   * Whether a consistency proof shows that the tree of {@code newSize} leaves with root {@code
   * newRoot} extends the tree of {@code oldSize} leaves with root {@code oldRoot} (RFC 9162
   * 2.1.4.2): the first {@code oldSize} leaves are the same in both.
   */
  public static boolean verifyConsistency(long oldSize, long newSize, byte[] oldRoot,
      byte[] newRoot, List<byte[]> proof, TreeHasher hasher) {
    requireNonNull(oldRoot, "oldRoot is null");
    requireNonNull(newRoot, "newRoot is null");
    requireNonNull(proof, "proof is null");
    if (oldSize <= 0 || oldSize > newSize) {
      return false;
    }
    if (oldSize == newSize) {
      return proof.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
    }
    List<byte[]> nodes = new ArrayList<>(proof.size() + 1);
    if (Long.bitCount(oldSize) == 1) {
      nodes.add(oldRoot);
    }
    nodes.addAll(proof);
    if (nodes.isEmpty()) {
      return false;
    }
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = nodes.get(0);
    byte[] sr = nodes.get(0);
    for (int i = 1; i < nodes.size(); i++) {
      byte[] c = nodes.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = hasher.node(c, fr);
        sr = hasher.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = hasher.node(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
  }
}
