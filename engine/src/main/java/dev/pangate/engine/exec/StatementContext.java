package dev.pangate.engine.exec;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Who a statement runs for, as far as running it goes: the agent's share of the PostgreSQL pool,
 * the longest it may run (zero: no limit), and the caller's way to stop it.
 *
 * @param share the agent's share of the pool; null for the gateway's own work (not admitted)
 * @param timeout the statement timeout that applies (the role's, or shorter when the caller asked)
 * @param cancel the caller's token
 */
public record StatementContext(ConnectionGate.Share share, Duration timeout, CancelToken cancel) {

  /** No share, no timeout, never cancelled: tools and tests. */
  public static final StatementContext UNLIMITED =
      new StatementContext(null, Duration.ZERO, CancelToken.NONE);

  public StatementContext {
    requireNonNull(timeout, "timeout is null");
    requireNonNull(cancel, "cancel is null");
  }
}
