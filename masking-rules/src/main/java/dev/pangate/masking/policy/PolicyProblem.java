package dev.pangate.masking.policy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One mistake in a policy file: where it is (file, line, column and key path), what was found there,
 * what is allowed instead, and, for a near-miss, the likely intended word.
 */
public record PolicyProblem(
    SourceLocation location, String found, String allowed, Optional<String> suggestion) {

  public PolicyProblem {
    requireNonNull(location, "location is null");
    requireNonNull(found, "found is null");
    requireNonNull(allowed, "allowed is null");
    requireNonNull(suggestion, "suggestion is null");
  }

  /** The policy file's name. */
  public String file() {
    return location.file();
  }

  /** The 1-based line. */
  public int line() {
    return location.line();
  }

  /** The 1-based column. */
  public int column() {
    return location.column();
  }

  /** The key path, e.g. {@code roles.support_agent.tables.payments.cards.columns.pan.mask}. */
  public String path() {
    return location.path();
  }

  /** {@code file:line:col: path: found ...; allowed: ...; did you mean '...'?}. */
  @Override
  public String toString() {
    return location + ": found " + found + "; allowed: " + allowed
        + suggestion.map(s -> "; did you mean '" + s + "'?").orElse("");
  }
}
