package dev.pangate.audit.tree;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Computes the hashes of a proof's subtrees while the leaves stream past once, in order: each
 * subtree is folded in its own {@link CompactRange}, so memory stays O(log² n) however long the
 * log. Feed every leaf from 0 up to the end of the last range, then read {@link #hashes()}.
 */
public final class ProofBuilder {

  private final List<MerkleProofs.Range> ranges;
  private final List<MerkleProofs.Range> byStart;
  private final CompactRange[] trees;
  private final TreeHasher hasher;
  private int next;
  private long leaves;

  public ProofBuilder(List<MerkleProofs.Range> ranges, TreeHasher hasher) {
    this.ranges = List.copyOf(requireNonNull(ranges, "ranges is null"));
    this.hasher = requireNonNull(hasher, "hasher is null");
    List<MerkleProofs.Range> sorted = new ArrayList<>(this.ranges);
    sorted.sort(Comparator.comparingLong(MerkleProofs.Range::start));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).start() < sorted.get(i - 1).end()) {
        throw new IllegalArgumentException("proof ranges overlap: " + sorted);
      }
    }
    this.byStart = sorted;
    this.trees = new CompactRange[sorted.size()];
  }

  /** The next leaf's hash (leaf number {@link #leaves()}). */
  public void leaf(byte[] leafHash) {
    long index = leaves++;
    while (next < byStart.size() && byStart.get(next).end() <= index) {
      next++;
    }
    if (next < byStart.size() && byStart.get(next).start() <= index) {
      if (trees[next] == null) {
        trees[next] = CompactRange.empty();
      }
      trees[next].append(leafHash, hasher);
    }
  }

  /** Leaves fed so far. */
  public long leaves() {
    return leaves;
  }

  /** The end of the last range: how many leaves the proof needs. */
  public long needed() {
    return byStart.isEmpty() ? 0 : byStart.get(byStart.size() - 1).end();
  }

  /** The subtree hashes in proof order. */
  public List<byte[]> hashes() {
    if (leaves < needed()) {
      throw new IllegalStateException("the proof needs " + needed() + " leaves, only " + leaves + " were given");
    }
    List<byte[]> out = new ArrayList<>(ranges.size());
    for (MerkleProofs.Range range : ranges) {
      int i = byStart.indexOf(range);
      out.add(trees[i].root(hasher));
    }
    return out;
  }
}
