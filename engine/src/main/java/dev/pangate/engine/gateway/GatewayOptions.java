package dev.pangate.engine.gateway;

/**
 * Gateway settings beyond the database connection.
 *
 * @param planCacheSize how many planned statements to keep per policy generation
 * @param refuseExcessPrivileges refuse to start when the PostgreSQL login may do more than the
 *     policy needs (superuser, table owner, write privileges no rule uses); else only warn
 * @param approvalLifetime how long an approval request stays open (decided and then run)
 * @param clock the time source for approvals (tests move it)
 */
public record GatewayOptions(int planCacheSize, boolean refuseExcessPrivileges,
    java.time.Duration approvalLifetime, java.time.Clock clock) {

  public GatewayOptions {
    if (planCacheSize < 0) {
      throw new IllegalArgumentException("planCacheSize must be >= 0, got " + planCacheSize);
    }
    java.util.Objects.requireNonNull(approvalLifetime, "approvalLifetime is null");
    java.util.Objects.requireNonNull(clock, "clock is null");
    if (approvalLifetime.isNegative() || approvalLifetime.isZero()) {
      throw new IllegalArgumentException("approvalLifetime must be positive, got " + approvalLifetime);
    }
  }

  /** A plan cache of 10,000 statements, warnings on excess privileges, approvals open 1 hour. */
  public static GatewayOptions defaults() {
    return new GatewayOptions(10_000, false, java.time.Duration.ofHours(1),
        java.time.Clock.systemUTC());
  }

  public GatewayOptions(int planCacheSize, boolean refuseExcessPrivileges) {
    this(planCacheSize, refuseExcessPrivileges, java.time.Duration.ofHours(1),
        java.time.Clock.systemUTC());
  }

  public GatewayOptions withRefuseExcessPrivileges(boolean refuse) {
    return new GatewayOptions(planCacheSize, refuse, approvalLifetime, clock);
  }

  public GatewayOptions withApprovalLifetime(java.time.Duration lifetime) {
    return new GatewayOptions(planCacheSize, refuseExcessPrivileges, lifetime, clock);
  }

  public GatewayOptions withClock(java.time.Clock newClock) {
    return new GatewayOptions(planCacheSize, refuseExcessPrivileges, approvalLifetime, newClock);
  }
}
