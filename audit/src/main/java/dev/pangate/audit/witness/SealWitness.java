package dev.pangate.audit.witness;

import dev.pangate.audit.record.ChainRecord;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Somewhere outside the audit store that keeps a copy of every seal, where the gateway can only
 * append: a file on another path ({@link FileSealWitness}), a PostgreSQL table whose login may only
 * INSERT ({@link PostgresSealWitness}). A log rewritten later, even re-sealed with the real key,
 * no longer has the tree heads the witness holds, and the verifier says so.
 *
 * <p>Called from one thread per witness ({@link WitnessSet}).
 */
public interface SealWitness extends Closeable {

  /** Appends seal records, in order; durable before it returns. */
  void append(List<ChainRecord> seals) throws IOException;

  /** The last seal line this witness holds for the node, or null (for the gateway's own checks). */
  String latest(String node) throws IOException;

  /** What and where, for health reports and messages (never a secret). */
  String describe();
}
