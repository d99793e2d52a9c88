package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditHealth;
import java.util.Map;

/**
 * Whether the gateway can serve: PostgreSQL reachable, audit log writable, policy and keys
 * loaded.
 *
 * @param postgresProblem why PostgreSQL is not usable, or null
 * @param audit the audit log's own health
 * @param policyDigest the digest of the policy in force
 * @param policySource the file it came from
 * @param tokenKeyIds the key id behind each token family in use (ids only, never key material)
 * @param saturated whether statements wait for a PostgreSQL connection now (busy, not down)
 * @param waiting how many wait
 */
public record GatewayHealth(String postgresProblem, AuditHealth audit, String policyDigest,
    String policySource, Map<String, String> tokenKeyIds, boolean saturated, int waiting) {

  public GatewayHealth {
    requireNonNull(audit, "audit is null");
    requireNonNull(policyDigest, "policyDigest is null");
    requireNonNull(policySource, "policySource is null");
    tokenKeyIds = Map.copyOf(requireNonNull(tokenKeyIds, "tokenKeyIds is null"));
  }

  /** Whether it can serve (saturated or not): PostgreSQL reachable and the audit log writable. */
  public boolean healthy() {
    return postgresProblem == null && audit.available();
  }
}
