package dev.pangate.endpoint.http;

import dev.pangate.engine.cluster.SharedLimits;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This gateway as one node of a service: whether it is draining (stopping: open statements finish,
 * nothing new is taken) and the limits it shares with the other nodes, if any. Read by the health
 * check, so that a load balancer stops sending work to a node that is going away.
 */
public final class NodeState {

  private final String node;
  private volatile SharedLimits shared;
  private volatile boolean draining;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  public NodeState(String node) {
    this.node = java.util.Objects.requireNonNull(node, "node is null");
  }

  /** This node's id (its audit chain's). */
  public String node() {
    return node;
  }

  /** The limits shared with the other nodes, or null. */
  public SharedLimits shared() {
    return shared;
  }

  public void share(SharedLimits limits) {
    this.shared = limits;
  }

  /** Whether the node is stopping: new connections and requests are refused. */
  public boolean draining() {
    return draining;
  }

  public void drain() {
    this.draining = true;
  }

  /** Authenticated requests being served now (health and metrics are not counted). */
  public int inFlight() {
    return inFlight.get();
  }

  void entered() {
    inFlight.incrementAndGet();
  }

  void left() {
    inFlight.decrementAndGet();
  }

  /** The cluster part of {@code /healthz}. */
  Map<String, Object> health() {
    Map<String, Object> part = new LinkedHashMap<>();
    part.put("node", node);
    part.put("draining", draining);
    SharedLimits limits = shared;
    part.put("shared_limits", limits != null);
    if (limits != null) {
      part.put("ok", limits.problem().isEmpty());
      part.put("nodes", limits.liveNodes());
    }
    return part;
  }
}
