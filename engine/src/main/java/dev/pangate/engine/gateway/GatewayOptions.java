package dev.pangate.engine.gateway;

/**
 * Gateway settings beyond the database connection.
 *
 * @param planCacheSize how many planned statements to keep per policy generation
 * @param refuseExcessPrivileges refuse to start when the PostgreSQL login may do more than the
 *     policy needs (superuser, table owner, write privileges no rule uses); else only warn
 */
public record GatewayOptions(int planCacheSize, boolean refuseExcessPrivileges) {

  public GatewayOptions {
    if (planCacheSize < 0) {
      throw new IllegalArgumentException("planCacheSize must be >= 0, got " + planCacheSize);
    }
  }

  public static GatewayOptions defaults() {
    return new GatewayOptions(10_000, false);
  }

  public GatewayOptions withRefuseExcessPrivileges(boolean refuse) {
    return new GatewayOptions(planCacheSize, refuse);
  }
}
