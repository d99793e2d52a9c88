package dev.pangate.audit.file;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this process's {@link FileAuditSink} has written into each audit file, as the SHA-256 of
 * each MiB ({@link ChunkDigest}): the gateway's own verification ({@code LogMonitor}) reads the
 * bytes written since it last looked and compares their digests with these. Bytes read back exactly
 * as the writer wrote them are records it chained, hashed and sealed itself, so they need not be
 * parsed and verified record by record again; any difference is a change to the file. A file the
 * sink resumed is digested from its start as it was found (bytes this writer did not write, which
 * the verification checks on its own before it relies on this).
 *
 * <p>Updated only once a write succeeded (after its fsync where the durability asks for one), so a
 * write the sink discarded is never here. Bounded: the last {@link #FILES} files, 32 bytes per MiB.
 * Thread-safe: the writer thread adds, the verification takes snapshots.
 */
public final class WrittenBytes {

  /** How many of the latest files are remembered. */
  public static final int FILES = 64;

  /** One file as written: its name and the digests of its bytes. */
  public record File(String name, ChunkDigest digest) {}

  // Guarded by this; in the order written, the file being appended to last.
  private final LinkedHashMap<String, ChunkDigest> files = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ChunkDigest> eldest) {
      return size() > FILES;
    }
  };

  /** A new file, or one resumed holding {@code existing} bytes (its first {@code count}). */
  synchronized void started(String name, byte[] existing, int count) {
    ChunkDigest digest = new ChunkDigest();
    digest.update(existing, 0, count);
    files.remove(name);
    files.put(name, digest);
  }

  /** Bytes appended to a file and made durable as its durability asks. */
  synchronized void wrote(String name, byte[] bytes, int count) {
    ChunkDigest digest = files.get(name);
    if (digest == null) {
      return; // not started here (cannot happen): the verification reads that file record by record
    }
    digest.update(bytes, 0, count);
  }

  /** The files remembered, oldest first, each as written until now (copies). */
  public synchronized List<File> snapshot() {
    List<File> out = new ArrayList<>(files.size());
    files.forEach((name, digest) -> out.add(new File(name, digest.copy())));
    return out;
  }

  @Override
  public synchronized String toString() {
    return "WrittenBytes" + files.keySet();
  }
}
