package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

/**
 * Who is calling, as the endpoint authenticated them: the agent id (its role comes from the
 * policy, never from the caller) and where the call came from, for the audit log.
 *
 * @param agentId the authenticated agent or analyst id
 * @param clientAddress the client's address and port
 * @param session the endpoint's session (connection) id
 * @param driver the protocol or driver, e.g. {@code avatica-protobuf} or {@code http-json}
 */
public record Caller(String agentId, String clientAddress, String session, String driver) {

  public Caller {
    requireNonNull(agentId, "agentId is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(session, "session is null");
    requireNonNull(driver, "driver is null");
  }
}
