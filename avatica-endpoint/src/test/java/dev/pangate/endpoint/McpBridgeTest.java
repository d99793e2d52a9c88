package dev.pangate.endpoint;

import static dev.pangate.endpoint.McpClients.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pangate mcp}, the stdio bridge, driven by the MCP Java SDK's stdio client, which starts
 * it as a child process the way an MCP host starts a local server: the secret in the child's
 * environment, the tools, a masked query and a table resource relayed to the gateway's
 * {@code /mcp}; wrong or missing secrets fail with a message, never silently.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpBridgeTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private McpSyncClient bridged(String identity, String secret) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ServerParameters bridge = ServerParameters.builder(java)
        .args("-cp", System.getProperty("java.class.path"), "dev.pangate.endpoint.cli.Pangate",
            "mcp", "--url", fixture.baseUri().toString(), "--user", identity)
        .env(Map.of("PANGATE_SECRET", secret))
        .build();
    StdioClientTransport transport = new StdioClientTransport(bridge,
        new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()));
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60)).build();
  }

  @Test
  void anMcpClientOnStdioReachesTheGatewayAsTheIdentity() throws Exception {
    try (McpSyncClient client = bridged("support-bot", fixture.secret("support-bot"))) {
      client.initialize();
      assertEquals("pangate", client.getServerInfo().name());
      assertEquals(List.of("query", "list_tables", "describe_table", "explain", "approval_status",
          "wait_for_approval"), McpClients.toolNames(client));
      JsonNode rows = McpClients.rows(client, "select txn_id, pan, merchant_id from payments.transactions");
      assertTrue(rows.path("row_count").asInt() > 10);
      assertTrue(rows.path("columns").get(1).path("masked").asBoolean());
      rows.path("rows").forEach(row -> assertTrue(Set.of(1, 2, 3).contains(row.get(2).asInt()),
          "support-bot sees merchants 1-3 only: " + row));
      List<McpSchema.Resource> resources = client.listResources().resources();
      assertFalse(resources.stream().anyMatch(r -> r.uri().endsWith("settlements")));
      String cards = ((McpSchema.TextResourceContents) client.readResource(
          McpSchema.ReadResourceRequest.builder("pangate://tables/payments.cards").build()).contents().get(0)).text();
      assertEquals("payments.cards", JSON.readTree(cards).path("name").asText());
      McpSchema.CallToolResult error = McpClients.call(client, "query", Map.of("sql", "selec"));
      McpClients.error(error, "SQL_PARSE_ERROR");
      Pans.assertNoPan("bridged results", rows + cards, fixture.allPans());
    }
  }

  @Test
  void aWrongSecretFailsTheInitializeWithAReason() {
    try (McpSyncClient client = bridged("support-bot", "not-the-secret")) {
      RuntimeException refused = assertThrows(RuntimeException.class, client::initialize);
      assertTrue(String.valueOf(refused.getMessage()).contains("UNAUTHORIZED")
          || String.valueOf(refused.getCause()).contains("UNAUTHORIZED"), String.valueOf(refused));
    }
  }

  @Test
  void theSecretComesOnlyFromTheEnvironment() {
    CliRun missing = CliRun.withEnvironment(Map.of(), "mcp", "--url", fixture.baseUri().toString(),
        "--user", "support-bot");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("PANGATE_SECRET"), missing.err());
    assertEquals("", missing.out(), "nothing but protocol on standard output");
    CliRun asArgument = CliRun.withEnvironment(Map.of(), "mcp", "--url", fixture.baseUri().toString(),
        "--user", "support-bot", "--secret", "x");
    assertEquals(2, asArgument.status(), asArgument.err());
    CliRun badUrl = CliRun.withEnvironment(Map.of("PANGATE_SECRET", "x"), "mcp", "--url", "ftp://x",
        "--user", "support-bot");
    assertEquals(2, badUrl.status(), badUrl.err());
  }
}
