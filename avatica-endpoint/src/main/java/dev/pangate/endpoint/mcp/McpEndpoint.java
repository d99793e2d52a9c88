package dev.pangate.endpoint.mcp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.http.Access;
import dev.pangate.endpoint.http.Exchange;
import dev.pangate.endpoint.http.Route;
import dev.pangate.endpoint.http.RouteTable;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.engine.gateway.Gateway;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;

/**
 * The gateway's MCP server at {@code /mcp} (Streamable HTTP), for AI agents that speak MCP rather
 * than JDBC: the MCP Java SDK's server with pangate's tools ({@code query}, {@code list_tables},
 * {@code describe_table}, {@code explain}, {@code approval_status}, {@code wait_for_approval}),
 * one resource per table the caller's role sees, and logging. It is served behind the same
 * authentication as every other route, and each tool call is an engine session of the
 * authenticated identity.
 */
public final class McpEndpoint implements AutoCloseable {

  static final String INSTRUCTIONS = """
      pangate is a guardrail between you and a PostgreSQL database holding cardholder data. You \
      act as your own identity, and your role's policy decides what you see: some columns are \
      masked (tokens or truncated values that are not the real ones), some rows and tables are \
      not visible to you, and writes may be refused or held for a person's approval. Start with \
      list_tables and describe_table, then query. Errors come back as results whose text starts \
      with an error code and says what to change. Every call is recorded in an audit log.""";

  private final McpHttpTransport transport;
  private final McpSyncServer server;

  /** Builds the MCP server for a running gateway. */
  /**
   * Keeps MCP sessions in the store shared with the other gateways, so that any node serves a
   * session another opened (no affinity needed in front of the nodes).
   */
  public void share(dev.pangate.engine.cluster.SharedLimits limits) {
    transport.share(limits);
  }

  public McpEndpoint(Gateway gateway, GatewayMetrics metrics, GatewayConfig config) {
    requireNonNull(gateway, "gateway is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(config, "config is null");
    // Jackson 2, as the rest of the gateway; decimals in tool arguments stay exact.
    McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS));
    this.transport = new McpHttpTransport(json, new AllowedHosts(config.listen()),
        config.limits().idleTimeout());
    GatewayTools tools = new GatewayTools(gateway, metrics, json, config.limits().jsonMaxRows());
    TableResources tables = new TableResources(gateway, json);
    transport.answerHere(McpSchema.METHOD_RESOURCES_LIST, tables::list);
    String version = McpEndpoint.class.getPackage().getImplementationVersion();
    this.server = McpServer.sync(transport)
        .serverInfo(McpSchema.Implementation.builder("pangate",
            version == null ? "development" : version).title("pangate").build())
        .instructions(INSTRUCTIONS)
        .jsonMapper(json)
        .capabilities(McpSchema.ServerCapabilities.builder()
            .tools(false)
            .resources(false, false)
            .logging()
            .build())
        .tools(tools.specifications())
        .resourceTemplates(tables.template())
        // Tool arguments are checked by the tools, whose messages never echo a value.
        .validateToolInputs(false)
        // Tools run on the request's thread, which the HTTP server gave to this request.
        .immediateExecution(true)
        .build();
  }

  /** Adds {@code POST /mcp} and {@code DELETE /mcp} (GET answers 405: no standalone stream). */
  public RouteTable register(RouteTable routes) {
    return routes
        .add("POST", "/mcp", Access.AUTHENTICATED, GatewayTools.PROTOCOL, route(transport::post))
        .add("DELETE", "/mcp", Access.AUTHENTICATED, GatewayTools.PROTOCOL, route(transport::delete));
  }

  /** A route of the MCP endpoint: its refusals are JSON-RPC error documents too. */
  private Route route(Route handler) {
    return new Route() {
      @Override
      public void handle(Exchange exchange) throws IOException {
        handler.handle(exchange);
      }

      @Override
      public void refuse(Exchange exchange, RuntimeException failure) throws IOException {
        transport.refuse(exchange, failure);
      }
    };
  }

  /** Open MCP sessions. */
  public int openSessions() {
    return transport.openSessions();
  }

  /** Ends every MCP session. */
  @Override
  public void close() {
    server.closeGracefully();
  }
}
