package dev.pangate.endpoint.http;

/** Who may call a route. */
public enum Access {
  /** Anyone (health checks and metrics scrapers, when configured public). */
  PUBLIC,
  /** Any authenticated identity. */
  AUTHENTICATED,
  /** Authenticated identities listed under {@code admins} in the configuration. */
  ADMIN
}
