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
}
