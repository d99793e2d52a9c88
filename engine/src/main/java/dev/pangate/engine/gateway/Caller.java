package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.ActingFor;

/**
 * Who is calling, as the endpoint authenticated them: the agent id (its role comes from the
 * policy, never from the caller) and where the call came from, for the audit log.
 *
 * @param agentId the authenticated agent or analyst id
 * @param clientAddress the client's address and port
 * @param session the endpoint's session (connection) id
 * @param driver the protocol or driver, e.g. {@code avatica-protobuf} or {@code http-json}
 * @param actingFor whom the agent acts for (from its verified token, or only declared), or null;
 *     recorded in the caller's audit entries
 */
public record Caller(String agentId, String clientAddress, String session, String driver, ActingFor actingFor) {

  public Caller {
    requireNonNull(agentId, "agentId is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(session, "session is null");
    requireNonNull(driver, "driver is null");
  }

  /** A caller acting for nobody in particular. */
  public Caller(String agentId, String clientAddress, String session, String driver) {
    this(agentId, clientAddress, session, driver, null);
  }
}
