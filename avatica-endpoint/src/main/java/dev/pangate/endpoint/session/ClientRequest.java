package dev.pangate.endpoint.session;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.ActingFor;
import dev.pangate.engine.gateway.Caller;

/**
 * One authenticated request as the server code sees it: who sent it (decided by the
 * authenticator, never by anything the client says in the request body), from where, and over
 * which protocol.
 *
 * @param identity the authenticated identity
 * @param clientAddress the client's address and port
 * @param protocol {@code avatica-protobuf}, {@code avatica-json} or {@code http-json}
 * @param actingFor whom the agent acts for: verified (a token's claim) or only declared (the
 *     {@value #ACTING_FOR_HEADER} header over a secret), or null
 */
public record ClientRequest(String identity, String clientAddress, String protocol, ActingFor actingFor) {

  /** The header a client authenticated by a secret may declare whom it acts for in; never verified. */
  public static final String ACTING_FOR_HEADER = "Pangate-Acting-For";

  public ClientRequest {
    requireNonNull(identity, "identity is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(protocol, "protocol is null");
  }

  public ClientRequest(String identity, String clientAddress, String protocol) {
    this(identity, clientAddress, protocol, null);
  }

  /** The engine's caller for this request in a session of the endpoint's. */
  public Caller caller(String session, String driver) {
    return new Caller(identity, clientAddress, session, driver, actingFor);
  }
}
