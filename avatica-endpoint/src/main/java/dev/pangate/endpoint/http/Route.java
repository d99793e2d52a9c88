package dev.pangate.endpoint.http;

import java.io.IOException;

/** Serves one kind of request. */
@FunctionalInterface
public interface Route {

  /** Answers the request; the exchange says who sent it (for non-public routes). */
  void handle(Exchange exchange) throws IOException;

  /**
   * Answers a request refused before the route ran (e.g. the identity has too many requests in
   * progress), in the route's own protocol: the API's JSON error document unless the route speaks
   * another (Avatica answers with its error response).
   */
  default void refuse(Exchange exchange, RuntimeException failure) throws IOException {
    exchange.sendError(failure);
  }

  /**
   * Whether refused credentials are answered in the route's own protocol ({@link #refuse}, code
   * {@code LOGIN_FAILED}) instead of a bare 401: for clients that cannot read a 401, such as the
   * stock Avatica driver (which turns it into a RuntimeException without SQLSTATE). A request
   * without credentials still gets the 401 challenge.
   */
  default boolean answersRefusedLogins() {
    return false;
  }
}
