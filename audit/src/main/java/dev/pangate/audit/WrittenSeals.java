package dev.pangate.audit;

import dev.pangate.audit.verify.KnownSeals;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The seals this process's writer has written, as the SHA-256 of each seal's line, for the last
 * {@link #CAPACITY} seals. The gateway's continuous verification reads its own log back: a seal
 * whose line hashes to what the writer wrote at that sequence number is the one the writer signed,
 * so checking its signature again (an Ed25519 verification, several times the cost of signing)
 * proves nothing more; a seal that differs is a break whatever its signature says. Everything else
 * (the chain, every record's hash, the Merkle tree each seal signs) is still checked record by
 * record, and seals this writer did not write or no longer remembers are checked by signature.
 *
 * <p>Bounded: 40 bytes per seal remembered, about 2.6 MB when full. Thread-safe: the writer thread
 * adds, the verification reads.
 */
public final class WrittenSeals implements KnownSeals {

  /** How many of the latest seals are remembered. */
  public static final int CAPACITY = 65_536;

  private static final int DIGEST = 32;
  private static final int FIRST = 64;

  private final int capacity;
  private final MessageDigest writerDigest = sha256();
  private final MessageDigest readerDigest = sha256();
  // Guarded by this. A ring of sequence numbers in increasing order and their lines' digests.
  private long[] sequences = new long[FIRST];
  private byte[] digests = new byte[FIRST * DIGEST];
  private int start;
  private int size;

  /** An empty memory of {@link #CAPACITY} seals. */
  public WrittenSeals() {
    this(CAPACITY);
  }

  WrittenSeals(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /** Remembers a seal the writer has written (called once the sink took it). */
  void wrote(long sequence, String line) {
    byte[] digest;
    synchronized (writerDigest) {
      digest = writerDigest.digest(line.getBytes(StandardCharsets.UTF_8));
    }
    synchronized (this) {
      if (size > 0 && sequence <= sequences[index(size - 1)]) {
        // The chain never goes back; should it ever, forget what no longer orders (checked by signature).
        start = 0;
        size = 0;
      }
      if (size == sequences.length && size < capacity) {
        grow();
      }
      int at;
      if (size == sequences.length) {
        at = start; // full: the oldest goes
        start = (start + 1) % sequences.length;
      } else {
        at = index(size);
        size++;
      }
      sequences[at] = sequence;
      System.arraycopy(digest, 0, digests, at * DIGEST, DIGEST);
    }
  }

  @Override
  public Answer check(long sequence, String line) {
    byte[] expected = new byte[DIGEST];
    synchronized (this) {
      int found = find(sequence);
      if (found < 0) {
        return Answer.UNKNOWN;
      }
      System.arraycopy(digests, found * DIGEST, expected, 0, DIGEST);
    }
    byte[] actual;
    synchronized (readerDigest) {
      actual = readerDigest.digest(line.getBytes(StandardCharsets.UTF_8));
    }
    return MessageDigest.isEqual(expected, actual) ? Answer.WRITTEN : Answer.OTHER;
  }

  /** How many seals are remembered now. */
  public synchronized int size() {
    return size;
  }

  /** The ring slot of the seal at {@code sequence}, or -1 (binary search: sequences increase). */
  private int find(long sequence) {
    int low = 0;
    int high = size - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      long at = sequences[index(middle)];
      if (at < sequence) {
        low = middle + 1;
      } else if (at > sequence) {
        high = middle - 1;
      } else {
        return index(middle);
      }
    }
    return -1;
  }

  private int index(int position) {
    return (start + position) % sequences.length;
  }

  private void grow() {
    int slots = Math.min(capacity, sequences.length * 2);
    long[] moreSequences = new long[slots];
    byte[] moreDigests = new byte[slots * DIGEST];
    for (int i = 0; i < size; i++) {
      moreSequences[i] = sequences[index(i)];
      System.arraycopy(digests, index(i) * DIGEST, moreDigests, i * DIGEST, DIGEST);
    }
    sequences = moreSequences;
    digests = moreDigests;
    start = 0;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "WrittenSeals[" + size() + " of " + capacity + "]";
  }
}
