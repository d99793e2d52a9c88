package dev.pangate.audit.file;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SHA-256 of each {@link #CHUNK} of a file's bytes from its start, and of the bytes of the last,
 * partial chunk: what the writer wrote into an audit file ({@link WrittenBytes}) and what the
 * gateway's own verification read back from it ({@code LogMonitor}) are kept alike, so that equal
 * digests mean equal bytes. Not thread-safe.
 */
public final class ChunkDigest {

  /** The unit: one SHA-256 per MiB. */
  public static final int CHUNK = 1 << 20;

  private long length;
  private final List<byte[]> chunks;
  private final MessageDigest partial;

  public ChunkDigest() {
    this(0, new ArrayList<>(), sha256());
  }

  private ChunkDigest(long length, List<byte[]> chunks, MessageDigest partial) {
    this.length = length;
    this.chunks = chunks;
    this.partial = partial;
  }

  /** The number of bytes digested. */
  public long length() {
    return length;
  }

  /** Digests the next {@code count} bytes of the file. */
  public void update(byte[] bytes, int offset, int count) {
    int at = offset;
    int end = offset + count;
    while (at < end) {
      int room = (int) (CHUNK - length % CHUNK);
      int n = Math.min(room, end - at);
      partial.update(bytes, at, n);
      at += n;
      length += n;
      if (length % CHUNK == 0) {
        chunks.add(partial.digest());
      }
    }
  }

  /** The number of chunks, the last one partial or not. */
  public long chunkCount() {
    return (length + CHUNK - 1) / CHUNK;
  }

  /** The SHA-256 of chunk {@code index} (of the bytes digested so far in the last one). */
  public byte[] chunk(long index) {
    if (index < 0 || index >= chunkCount()) {
      throw new IndexOutOfBoundsException("chunk " + index + " of " + chunkCount());
    }
    return index < chunks.size() ? chunks.get((int) index).clone() : copyOf(partial).digest();
  }

  /**
   * The first chunk, from chunk {@code first} on, whose digest differs from {@code other}'s, or -1
   * when both digested the same number of bytes and every chunk from {@code first} on is the same.
   */
  public long firstDifference(ChunkDigest other, long first) {
    long count = chunkCount();
    if (other.length != length) {
      return Math.max(0, Math.min(Math.min(count, other.chunkCount()) - 1, first));
    }
    for (long i = Math.max(0, first); i < count; i++) {
      if (!MessageDigest.isEqual(chunk(i), other.chunk(i))) {
        return i;
      }
    }
    return -1;
  }

  /** An independent copy (the chunks' digests are never changed, so they are shared). */
  public ChunkDigest copy() {
    return new ChunkDigest(length, new ArrayList<>(chunks), copyOf(partial));
  }

  /** Whether {@code bytes} (chunk {@code index}, read again) have the digest they had. */
  public boolean sameChunk(long index, byte[] bytes, int count) {
    MessageDigest now = sha256();
    now.update(bytes, 0, count);
    return Arrays.equals(chunk(index), now.digest());
  }

  private static MessageDigest copyOf(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests can be cloned in every JDK", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
