package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Proof that an entry is durable: where it sits in the chain and the signed seal that covers it.
 *
 * @param sequence the entry's sequence number in its node's chain
 * @param entryHash the entry's hash (hex SHA-256 of its canonical form)
 * @param sealSequence the sequence number of the seal that covers it
 * @param time the entry's timestamp
 */
public record AuditReceipt(long sequence, String entryHash, long sealSequence, Instant time) {

  public AuditReceipt {
    requireNonNull(entryHash, "entryHash is null");
    requireNonNull(time, "time is null");
    if (sealSequence <= sequence) {
      throw new IllegalArgumentException("a seal follows the entries it covers");
    }
  }
}
