package dev.pangate.audit.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree, its proofs and their checks against RFC 9162's recursive definitions, computed here
 * the slow way for every size up to 40, and against the published test vectors of RFC 6962's
 * reference implementation (same hashing).
 */
class MerkleProofsTest {

  private static final HexFormat HEX = HexFormat.of();
  private final TreeHasher hasher = new TreeHasher();

  /** MTH(D[n]) as RFC 9162 2.1.1 defines it. */
  private byte[] mth(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return hasher.empty();
    }
    if (n == 1) {
      return leaves.get(from);
    }
    int k = (int) MerkleProofs.largestPowerOfTwoBelow(n);
    return hasher.node(mth(leaves, from, from + k), mth(leaves, from + k, to));
  }

  private List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(hasher.leaf(("record " + i).getBytes()));
    }
    return out;
  }

  private List<byte[]> build(List<MerkleProofs.Range> ranges, List<byte[]> leaves) {
    ProofBuilder builder = new ProofBuilder(ranges, hasher);
    for (byte[] leaf : leaves) {
      builder.leaf(leaf);
    }
    return builder.hashes();
  }

  @Test
  void publishedVectors() {
    String[] data = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    CompactRange tree = CompactRange.empty();
    for (String d : data) {
      tree.append(hasher.leaf(HEX.parseHex(d)), hasher);
      if (tree.size() == 1) {
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            HEX.formatHex(tree.root(hasher)));
      }
    }
    assertEquals("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        HEX.formatHex(tree.root(hasher)));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        HEX.formatHex(CompactRange.empty().root(hasher)));
  }

  @Test
  void compactRangeRootIsTheTreeHeadAndSurvivesARoundTrip() {
    List<byte[]> leaves = leaves(70);
    CompactRange tree = CompactRange.empty();
    for (int n = 0; n <= 70; n++) {
      assertArrayEquals(mth(leaves, 0, n), tree.root(hasher), "size " + n);
      CompactRange copy = CompactRange.of(tree.size(), tree.hexRoots());
      assertTrue(copy.sameAs(tree));
      assertArrayEquals(tree.root(hasher), copy.root(hasher));
      if (n < 70) {
        tree.append(leaves.get(n), hasher);
      }
    }
  }

  @Test
  void everyInclusionProofChecksAndNoAlteredOneDoes() {
    for (int n = 1; n <= 40; n++) {
      List<byte[]> leaves = leaves(n);
      byte[] root = mth(leaves, 0, n);
      for (int m = 0; m < n; m++) {
        List<byte[]> path = build(MerkleProofs.inclusionRanges(m, n), leaves);
        assertTrue(MerkleProofs.verifyInclusion(m, n, leaves.get(m), path, root, hasher), m + " in " + n);
        // Another leaf, another position, another size or a changed path: refused.
        assertFalse(MerkleProofs.verifyInclusion(m, n, hasher.leaf("other".getBytes()), path, root, hasher));
        if (n > 1) {
          assertFalse(MerkleProofs.verifyInclusion((m + 1) % n, n, leaves.get(m), path, root, hasher));
          assertFalse(MerkleProofs.verifyInclusion(m, n, leaves.get(m), path, mth(leaves, 0, n - 1), hasher));
          List<byte[]> bent = new ArrayList<>(path);
          byte[] first = bent.get(0).clone();
          first[0] ^= 1;
          bent.set(0, first);
          assertFalse(MerkleProofs.verifyInclusion(m, n, leaves.get(m), bent, root, hasher));
          assertFalse(MerkleProofs.verifyInclusion(m, n, leaves.get(m), path.subList(0, path.size() - 1), root, hasher));
        }
      }
    }
  }

  @Test
  void everyConsistencyProofChecksAndARewrittenPrefixDoesNot() {
    for (int n = 1; n <= 40; n++) {
      List<byte[]> leaves = leaves(n);
      byte[] newRoot = mth(leaves, 0, n);
      for (int m = 1; m <= n; m++) {
        byte[] oldRoot = mth(leaves, 0, m);
        List<byte[]> proof = m == n ? List.of() : build(MerkleProofs.consistencyRanges(m, n), leaves);
        assertTrue(MerkleProofs.verifyConsistency(m, n, oldRoot, newRoot, proof, hasher), m + " to " + n);
        // The same proof against an old head whose prefix differs: refused.
        List<byte[]> rewritten = new ArrayList<>(leaves);
        rewritten.set(m - 1, hasher.leaf("rewritten".getBytes()));
        List<byte[]> forgedProof = m == n ? List.of()
            : build(MerkleProofs.consistencyRanges(m, n), rewritten);
        assertFalse(MerkleProofs.verifyConsistency(m, n, oldRoot, mth(rewritten, 0, n), forgedProof, hasher),
            "rewritten " + m + " to " + n);
        if (m < n) {
          assertFalse(MerkleProofs.verifyConsistency(m, n, mth(rewritten, 0, m), newRoot, proof, hasher));
          assertFalse(MerkleProofs.verifyConsistency(m, n, oldRoot, newRoot, proof.subList(1, proof.size()), hasher));
        }
      }
    }
  }

  @Test
  void aRangeHasOneRootPerSetBit() {
    assertEquals(0, CompactRange.empty().hexRoots().size());
    CompactRange tree = CompactRange.empty();
    for (int i = 0; i < 13; i++) {
      tree.append(hasher.leaf(new byte[] {(byte) i}), hasher);
    }
    assertEquals(3, tree.hexRoots().size());
    List<String> wrong = new ArrayList<>(tree.hexRoots());
    wrong.remove(0);
    try {
      CompactRange.of(13, wrong);
      throw new AssertionError("accepted a range with a root missing");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("3 subtree roots"), expected.getMessage());
    }
    assertFalse(Arrays.equals(tree.root(hasher), CompactRange.of(12, wrong.subList(0, 2)).root(hasher)));
  }
}
