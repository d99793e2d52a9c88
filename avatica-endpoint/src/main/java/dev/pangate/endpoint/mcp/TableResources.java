package dev.pangate.endpoint.mcp;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.TableDescriptions;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.gateway.Caller;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.gateway.TableInfo;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One MCP resource per table the caller's role sees, {@code pangate://tables/schema.table}: its
 * columns, types, masks and keys as JSON (what {@code describe_table} returns, without sample
 * rows). The list is the caller's own (answered by the transport, since the SDK keeps one list
 * for every client); reading a table the role does not see fails exactly like reading one that
 * does not exist.
 */
final class TableResources {

  static final String PREFIX = "pangate://tables/";
  private static final String MIME = "application/json";

  private final Gateway gateway;
  private final McpJsonMapper json;

  TableResources(Gateway gateway, McpJsonMapper json) {
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.json = requireNonNull(json, "json is null");
  }

  /** {@code resources/list} for one caller. */
  McpSchema.ListResourcesResult list(ClientRequest client, String sessionId, Object params) {
    try (Session session = gateway.open(caller(client, "mcp-" + sessionId, "resources/list"))) {
      List<McpSchema.Resource> resources = new ArrayList<>();
      for (TableInfo table : session.tables()) {
        String name = TableDescriptions.qualifiedName(table);
        resources.add(McpSchema.Resource.builder(PREFIX + name, name)
            .title(name + (table.view() ? " (view)" : " (table)"))
            .description("Columns, types, masks and keys of " + name + " as role " + session.role()
                + " sees it.")
            .mimeType(MIME)
            .build());
      }
      return McpSchema.ListResourcesResult.builder(resources).build();
    }
  }

  /** The template that {@code resources/read} of a table resource goes through. */
  SyncResourceTemplateSpecification template() {
    McpSchema.ResourceTemplate template = McpSchema.ResourceTemplate.builder(PREFIX + "{table}", "table")
        .title("A table as your role sees it")
        .description("Columns, types, masks and keys of one table (schema.table) your role sees.")
        .mimeType(MIME)
        .build();
    return new SyncResourceTemplateSpecification(template, this::read);
  }

  private McpSchema.ReadResourceResult read(McpSyncServerExchange exchange,
      McpSchema.ReadResourceRequest request) {
    Object client = exchange.transportContext().get(McpHttpTransport.CLIENT);
    if (!(client instanceof ClientRequest caller)) {
      throw new IllegalStateException("an MCP resource read without an authenticated caller");
    }
    String uri = request.uri();
    if (uri == null || !uri.startsWith(PREFIX)) {
      throw notFound();
    }
    try (Session session = gateway.open(caller(caller, "mcp-" + McpHttpTransport.sessionOf(exchange),
        "resources/read"))) {
      TableInfo table = TableDescriptions.find(session.tables(), uri.substring(PREFIX.length()));
      Map<String, Object> document = TableDescriptions.document(table);
      return McpSchema.ReadResourceResult.builder(List.of(McpSchema.TextResourceContents
          .builder(uri, json.writeValueAsString(document)).mimeType(MIME).build())).build();
    } catch (EngineException e) {
      throw notFound(); // hidden reads exactly like absent
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static McpError notFound() {
    return McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
        .message("OBJECT_NOT_FOUND: there is no such table among those your role sees;"
            + " resources/list shows them.")
        .build();
  }

  private static Caller caller(ClientRequest client, String session, String what) {
    return client.caller(session, GatewayTools.PROTOCOL + "/" + what);
  }
}
