package dev.pangate.audit.record;

import static java.util.Objects.requireNonNull;

/**
 * One record as written to a sink: its position in the chain, its kind, its hash and its canonical
 * JSON line (without the line break).
 */
public record ChainRecord(long sequence, String kind, String hash, String line) {

  public ChainRecord {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence is negative: " + sequence);
    }
    requireNonNull(kind, "kind is null");
    requireNonNull(hash, "hash is null");
    requireNonNull(line, "line is null");
  }
}
