package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.TableDescriptions;
import dev.pangate.engine.gateway.Caller;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.gateway.TableInfo;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Schema discovery over HTTP, for analysts with curl or a notebook: what the caller's role sees,
 * nothing more (the engine's view).
 *
 * <pre>
 * GET /v1/tables                     {"role": ..., "tables": [{"name", "kind", "columns", "masked_columns"}]}
 * GET /v1/tables/{schema}.{table}    {"name", "columns": [{"name", "type", "nullable", "mask", ...}],
 *                                     "primary_key", "foreign_keys", "create_table"}
 * </pre>
 *
 * A table the role does not see answers {@code OBJECT_NOT_FOUND}, as one that does not exist.
 */
final class TablesRoute {

  private static final String PREFIX = "/v1/tables/";

  private final Gateway gateway;

  TablesRoute(Gateway gateway) {
    this.gateway = requireNonNull(gateway, "gateway is null");
  }

  RouteTable register(RouteTable routes) {
    return routes
        .add("GET", "/v1/tables", Access.AUTHENTICATED, "http-json", this::list)
        .addPrefix("GET", PREFIX, Access.AUTHENTICATED, "http-json", this::one);
  }

  private void list(Exchange exchange) throws IOException {
    try (Session session = gateway.open(caller(exchange))) {
      exchange.sendJson(200, TableDescriptions.catalog(session));
    }
  }

  private void one(Exchange exchange) throws IOException {
    String name = URLDecoder.decode(exchange.request().getRequestURI().substring(PREFIX.length()),
        StandardCharsets.UTF_8);
    try (Session session = gateway.open(caller(exchange))) {
      TableInfo table = TableDescriptions.find(session.tables(), name);
      exchange.sendJson(200, TableDescriptions.document(table));
    }
  }

  private static Caller caller(Exchange exchange) {
    ClientRequest client = exchange.client();
    return client.caller("http-" + UUID.randomUUID(), client.protocol());
  }
}
