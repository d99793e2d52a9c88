package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Gateway settings beyond the database connection.
 *
 * @param planCacheSize how many planned statements to keep per policy generation
 * @param planCacheBytes how much heap the plans kept may take, estimated (0: no bound but the count)
 * @param refuseExcessPrivileges refuse to start when the PostgreSQL login may do more than the
 *     policy needs (superuser, table owner, write privileges no rule uses); else only warn
 * @param approvalLifetime how long an approval request stays open (decided and then run)
 * @param clock the time source for approvals (tests move it)
 * @param resources how agents share PostgreSQL: connections, waiting, timeouts, read-ahead memory
 */
public record GatewayOptions(int planCacheSize, long planCacheBytes, boolean refuseExcessPrivileges,
    Duration approvalLifetime, Clock clock, Resources resources) {

  /**
   * How agents share PostgreSQL.
   *
   * @param connectionsPerAgent PostgreSQL connections one agent may hold at once (by open results
   *     still streaming, transactions and running statements); 0 for half the pool
   * @param connectionsPerRole the same, for the agents of a role
   * @param queueSize statements that may wait for a connection at once; more are refused at once
   *     ({@code GATEWAY_BUSY})
   * @param queueTimeout the longest a statement waits for a connection ({@code GATEWAY_BUSY} then)
   * @param statementTimeoutPerRole the statement timeout of a role's agents, where it differs from
   *     the engine's default ({@code EngineConfig.statementTimeout})
   * @param resultBufferBytes memory for reading small results ahead (so they give their connection
   *     back at once), all results together; 0 to stream every result from its connection
   * @param probeInterval how often PostgreSQL is tried again while it cannot be reached
   */
  public record Resources(int connectionsPerAgent, Map<String, Integer> connectionsPerRole,
      int queueSize, Duration queueTimeout, Map<String, Duration> statementTimeoutPerRole,
      long resultBufferBytes, Duration probeInterval) {

    public Resources {
      connectionsPerRole = Map.copyOf(requireNonNull(connectionsPerRole, "connectionsPerRole is null"));
      statementTimeoutPerRole = Map.copyOf(requireNonNull(statementTimeoutPerRole,
          "statementTimeoutPerRole is null"));
      requireNonNull(queueTimeout, "queueTimeout is null");
      requireNonNull(probeInterval, "probeInterval is null");
      if (connectionsPerAgent < 0 || queueSize < 0 || resultBufferBytes < 0) {
        throw new IllegalArgumentException("connectionsPerAgent, queueSize and resultBufferBytes"
            + " must not be negative");
      }
      if (queueTimeout.isNegative() || probeInterval.isNegative() || probeInterval.isZero()) {
        throw new IllegalArgumentException("queueTimeout must not be negative and probeInterval"
            + " must be positive");
      }
      statementTimeoutPerRole.forEach((role, timeout) -> {
        if (timeout.isNegative()) {
          throw new IllegalArgumentException("the statement timeout of role " + role
              + " must not be negative");
        }
      });
    }

    /**
     * Half the pool per agent, 256 statements waiting at most 30 s, 64 MiB for reading results
     * ahead, PostgreSQL tried every 500 ms while it cannot be reached.
     */
    public static Resources defaults() {
      return new Resources(0, Map.of(), 256, Duration.ofSeconds(30), Map.of(), 64L << 20,
          Duration.ofMillis(500));
    }

    /** The connections one agent may hold, for a pool of this size. */
    public int connectionsPerAgent(int poolSize) {
      return connectionsPerAgent > 0 ? Math.min(connectionsPerAgent, poolSize)
          : Math.max(1, poolSize / 2);
    }
  }

  public GatewayOptions {
    if (planCacheSize < 0 || planCacheBytes < 0) {
      throw new IllegalArgumentException("planCacheSize and planCacheBytes must be >= 0, got "
          + planCacheSize + ", " + planCacheBytes);
    }
    requireNonNull(approvalLifetime, "approvalLifetime is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(resources, "resources is null");
    if (approvalLifetime.isNegative() || approvalLifetime.isZero()) {
      throw new IllegalArgumentException("approvalLifetime must be positive, got " + approvalLifetime);
    }
  }

  /**
   * A plan cache of 10,000 statements and at most 64 MiB, warnings on excess privileges, approvals
   * open 1 hour, {@link Resources#defaults()}.
   */
  public static GatewayOptions defaults() {
    return new GatewayOptions(10_000, 64L << 20, false, Duration.ofHours(1), Clock.systemUTC(),
        Resources.defaults());
  }

  public GatewayOptions(int planCacheSize, boolean refuseExcessPrivileges) {
    this(planCacheSize, 64L << 20, refuseExcessPrivileges, Duration.ofHours(1), Clock.systemUTC(),
        Resources.defaults());
  }

  public GatewayOptions withRefuseExcessPrivileges(boolean refuse) {
    return new GatewayOptions(planCacheSize, planCacheBytes, refuse, approvalLifetime, clock,
        resources);
  }

  public GatewayOptions withApprovalLifetime(Duration lifetime) {
    return new GatewayOptions(planCacheSize, planCacheBytes, refuseExcessPrivileges, lifetime,
        clock, resources);
  }

  public GatewayOptions withClock(Clock newClock) {
    return new GatewayOptions(planCacheSize, planCacheBytes, refuseExcessPrivileges,
        approvalLifetime, newClock, resources);
  }

  public GatewayOptions withPlanCache(int size, long bytes) {
    return new GatewayOptions(size, bytes, refuseExcessPrivileges, approvalLifetime, clock,
        resources);
  }

  public GatewayOptions withResources(Resources newResources) {
    return new GatewayOptions(planCacheSize, planCacheBytes, refuseExcessPrivileges,
        approvalLifetime, clock, newResources);
  }
}
