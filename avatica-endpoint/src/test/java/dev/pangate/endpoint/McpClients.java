package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The MCP Java SDK's own client (Streamable HTTP, {@code java.net.http}) connected to a test
 * gateway's {@code /mcp} as an agent, with its secret in the Authorization header, as an MCP host
 * such as Claude Code is configured to send it.
 */
final class McpClients {

  static final ObjectMapper JSON = new ObjectMapper();

  private McpClients() {}

  /** An initialized client as the identity. */
  static McpSyncClient connect(URI base, String identity, String secret) {
    return connect(base, identity, secret, "pangate-test");
  }

  /** An initialized client as the identity, naming itself {@code clientName}. */
  static McpSyncClient connect(URI base, String identity, String secret, String clientName) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder(base.toString())
        .endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder()
            .header("Authorization", EndpointFixture.basic(identity, secret)))
        .build();
    McpSyncClient client = McpClient.sync(transport)
        .clientInfo(McpSchema.Implementation.builder(clientName, "1").build())
        .requestTimeout(Duration.ofSeconds(90))
        .build();
    client.initialize();
    return client;
  }

  static McpSyncClient connect(EndpointFixture fixture, String identity) {
    return connect(fixture.baseUri(), identity, fixture.secret(identity));
  }

  /** Calls a tool. */
  static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  }

  /** Calls {@code query}; the result must not be an error. */
  static JsonNode rows(McpSyncClient client, String sql) {
    McpSchema.CallToolResult result = call(client, "query", Map.of("sql", sql, "max_rows", 10_000));
    assertFalse(Boolean.TRUE.equals(result.isError()), () -> sql + ": " + text(result));
    assertNotNull(result.structuredContent(), "query returns structured content");
    return JSON.valueToTree(result.structuredContent());
  }

  /** The result's text contents, joined. */
  static String text(McpSchema.CallToolResult result) {
    StringBuilder text = new StringBuilder();
    for (McpSchema.Content content : result.content()) {
      if (content instanceof McpSchema.TextContent t) {
        text.append(t.text()).append('\n');
      }
    }
    return text.toString();
  }

  /** Everything in a result: its texts, its structured content and its metadata. */
  static String everything(McpSchema.CallToolResult result) throws Exception {
    return text(result) + JSON.writeValueAsString(result.structuredContent())
        + JSON.writeValueAsString(result.meta());
  }

  /** An error result whose text starts with the code; returns its details ({@code _meta}). */
  static JsonNode error(McpSchema.CallToolResult result, String code) {
    assertTrue(Boolean.TRUE.equals(result.isError()), () -> "an error result: " + text(result));
    assertTrue(text(result).startsWith(code + ": "), () -> "starts with " + code + ": " + text(result));
    assertTrue(result.structuredContent() == null, "no structured content in an error result");
    JsonNode details = JSON.valueToTree(result.meta()).path("dev.pangate/error");
    assertTrue(details.path("code").asText().equals(code), details::toString);
    return details;
  }

  static List<String> toolNames(McpSyncClient client) {
    return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
  }
}
