package dev.pangate.endpoint;

import static dev.pangate.endpoint.McpClients.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /mcp} is held to the same per-identity limits as every other route: with
 * {@code limits.requests_per_identity: 1}, a second MCP request while a tool call is in progress
 * is refused with 429 {@code TOO_MANY_REQUESTS} and Retry-After, as a JSON-RPC error document;
 * other identities are not affected, and the identity is served again once its call ends.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpLimitsTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .limits("  connections_per_agent: 8\n  requests_per_identity: 1").start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aSecondRequestWhileOneIsInProgressIsRefused() throws Exception {
    McpSyncClient bot = McpClients.connect(fixture, "migration-bot");
    String held = McpClients.error(McpClients.call(bot, "query", Map.of("sql",
        "update payments.cards set status = 'limit-test' where card_id = 3")), "APPROVAL_REQUIRED")
        .path("request_id").asText();
    CompletableFuture<McpSchema.CallToolResult> waiting = CompletableFuture.supplyAsync(() ->
        McpClients.call(bot, "wait_for_approval", Map.of("request_id", held, "timeout_seconds", 4)));
    Thread.sleep(1_000); // the wait is in progress now

    HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            fixture.baseUri().resolve("/mcp"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", EndpointFixture.basic("migration-bot", fixture.secret("migration-bot")))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\":"
            + " \"initialize\", \"params\": {\"protocolVersion\": \"2025-06-18\", \"capabilities\": {},"
            + " \"clientInfo\": {\"name\": \"second\", \"version\": \"1\"}}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(429, refused.statusCode(), refused.body());
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    JsonNode error = JSON.readTree(refused.body()).path("error");
    assertEquals("TOO_MANY_REQUESTS", error.path("data").path("code").asText(), refused.body());
    assertTrue(error.path("message").asText().startsWith("TOO_MANY_REQUESTS: "));

    McpSyncClient other = McpClients.connect(fixture, "fraud-analyst");
    assertFalse(Boolean.TRUE.equals(McpClients.call(other, "list_tables", Map.of()).isError()),
        "another identity is served meanwhile");

    JsonNode status = JSON.valueToTree(waiting.get().structuredContent());
    assertEquals("pending", status.path("status").asText());
    assertFalse(Boolean.TRUE.equals(McpClients.call(bot, "list_tables", Map.of()).isError()),
        "served again once the call in progress ended");
    bot.closeGracefully();
    other.closeGracefully();
  }
}
