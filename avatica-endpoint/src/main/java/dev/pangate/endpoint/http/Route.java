package dev.pangate.endpoint.http;

import java.io.IOException;

/** Serves one kind of request. */
@FunctionalInterface
public interface Route {

  /** Answers the request; the exchange says who sent it (for non-public routes). */
  void handle(Exchange exchange) throws IOException;
}
