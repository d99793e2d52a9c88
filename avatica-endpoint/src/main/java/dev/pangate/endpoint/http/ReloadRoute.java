package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /admin/reload-policy}: loads the configured policy file again. The new policy is
 * validated and swapped in atomically by the engine, which audits the reload; a bad policy is
 * refused (422, with what is wrong) and the old one stays in force.
 */
final class ReloadRoute implements Route {

  private final Function<String, String> reload;

  /** @param reload reloads the policy for a requester and returns the new digest */
  ReloadRoute(Function<String, String> reload) {
    this.reload = requireNonNull(reload, "reload is null");
  }

  @Override
  public void handle(Exchange exchange) throws IOException {
    String requester = exchange.client().identity() + " from " + exchange.client().clientAddress();
    String digest = reload.apply(requester);
    exchange.sendJson(200, Map.of("reloaded", true, "policy_digest", digest));
  }
}
