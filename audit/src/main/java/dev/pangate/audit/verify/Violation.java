package dev.pangate.audit.verify;

import static java.util.Objects.requireNonNull;

/**
 * The first break the verifier found.
 *
 * @param kind what kind of break
 * @param sequence the first bad sequence number
 * @param location where (file:line, or table[node]:seq)
 * @param detail what is wrong, in words
 */
public record Violation(ViolationKind kind, long sequence, String location, String detail) {

  public Violation {
    requireNonNull(kind, "kind is null");
    requireNonNull(location, "location is null");
    requireNonNull(detail, "detail is null");
  }
}
