package dev.pangate.endpoint.session;

import static java.util.Objects.requireNonNull;

/**
 * One authenticated request as the server code sees it: who sent it (decided by the
 * authenticator, never by anything the client says in the request body), from where, and over
 * which protocol.
 *
 * @param identity the authenticated identity
 * @param clientAddress the client's address and port
 * @param protocol {@code avatica-protobuf}, {@code avatica-json} or {@code http-json}
 */
public record ClientRequest(String identity, String clientAddress, String protocol) {

  public ClientRequest {
    requireNonNull(identity, "identity is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(protocol, "protocol is null");
  }
}
