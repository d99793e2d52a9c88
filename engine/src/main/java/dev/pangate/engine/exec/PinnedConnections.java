package dev.pangate.engine.exec;

import java.util.Optional;

/**
 * PostgreSQL connections an agent holds past its statement (a result too large to be read ahead,
 * still streaming; an open transaction), counted beyond this gateway: several gateways sharing
 * limits let an agent hold at most its share of them across all of them together.
 */
@FunctionalInterface
public interface PinnedConnections {

  /**
   * Claims one more such connection for the agent.
   *
   * @param agent the agent
   * @param limit the most it may hold across the gateways
   * @return what gives the claim back (run once, when the connection goes back to the pool), or
   *     empty when the agent already holds {@code limit}
   */
  Optional<Runnable> pin(String agent, int limit);
}
