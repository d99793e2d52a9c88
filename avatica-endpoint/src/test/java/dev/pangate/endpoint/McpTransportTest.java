package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MCP endpoint's HTTP behaviour, with raw requests: authentication like every route, DNS
 * rebinding protection (Host and Origin), sessions bound to the identity that opened them, the
 * session lifecycle (DELETE), and refusals of malformed requests, each with its status and code.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpTransportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INITIALIZE = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\","
      + " \"params\": {\"protocolVersion\": \"2025-06-18\", \"capabilities\": {},"
      + " \"clientInfo\": {\"name\": \"raw\", \"version\": \"1\"}}}";
  private static final String LIST_TOOLS = "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/list\"}";

  private EndpointFixture fixture;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private HttpRequest.Builder mcp(String identity) {
    HttpRequest.Builder request = HttpRequest.newBuilder(fixture.baseUri().resolve("/mcp"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream");
    if (identity != null) {
      request.header("Authorization", EndpointFixture.basic(identity, fixture.secret(identity)));
    }
    return request;
  }

  private HttpResponse<String> post(HttpRequest.Builder request, String body) throws Exception {
    return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String session(String identity) throws Exception {
    HttpResponse<String> init = post(mcp(identity), INITIALIZE);
    assertEquals(200, init.statusCode(), init.body());
    String id = init.headers().firstValue("Mcp-Session-Id").orElse(null);
    assertNotNull(id, "initialize returns a session id");
    assertEquals("2025-06-18", JSON.readTree(init.body()).path("result").path("protocolVersion").asText());
    return id;
  }

  private static String code(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error").path("data").path("code").asText();
  }

  @Test
  void withoutCredentialsThereIsOnlyAChallenge() throws Exception {
    HttpResponse<String> response = post(mcp(null), INITIALIZE);
    assertEquals(401, response.statusCode());
    assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
    assertEquals("", response.body());
    HttpResponse<String> wrong = post(mcp(null).header("Authorization",
        EndpointFixture.basic("support-bot", "not-the-secret")), INITIALIZE);
    assertEquals(401, wrong.statusCode());
  }

  @Test
  void aForeignHostOrOriginIsRefused() throws Exception {
    // java.net.http does not let a caller set Host: send the requests by hand.
    assertEquals(403, rawStatus("evil.example.com", null));
    assertEquals(403, rawStatus("evil.example.com:" + fixture.baseUri().getPort(), null));
    assertEquals(403, rawStatus("127.0.0.1:" + fixture.baseUri().getPort(), "http://evil.example.com"));
    assertEquals(403, rawStatus("localhost", "null"));
    assertEquals(200, rawStatus("localhost:" + fixture.baseUri().getPort(), "http://localhost:3000"));
    assertEquals(200, rawStatus("[::1]:8080", null));
    assertEquals(200, rawStatus("127.0.0.1", "https://127.0.0.1"));
  }

  /** The status of an initialize sent with these Host and Origin headers. */
  private int rawStatus(String host, String origin) throws Exception {
    URI base = fixture.baseUri();
    byte[] body = INITIALIZE.getBytes(StandardCharsets.UTF_8);
    String head = "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + "Authorization: " + EndpointFixture.basic("support-bot", fixture.secret("support-bot")) + "\r\n"
        + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      if (status == 403) {
        assertTrue(response.contains("HOST_NOT_ALLOWED"), response);
      }
      return status;
    }
  }

  @Test
  void aSessionIsUsableOnlyByTheIdentityThatOpenedIt() throws Exception {
    String id = session("support-bot");
    HttpResponse<String> own = post(mcp("support-bot").header("Mcp-Session-Id", id), LIST_TOOLS);
    assertEquals(200, own.statusCode(), own.body());
    assertTrue(JSON.readTree(own.body()).path("result").path("tools").size() >= 6);

    HttpResponse<String> stolen = post(mcp("fraud-analyst").header("Mcp-Session-Id", id), LIST_TOOLS);
    HttpResponse<String> unknown = post(mcp("fraud-analyst").header("Mcp-Session-Id",
        "00000000-0000-4000-8000-000000000000"), LIST_TOOLS);
    assertEquals(404, stolen.statusCode());
    assertEquals("MCP_SESSION_NOT_FOUND", code(stolen));
    assertEquals(unknown.statusCode(), stolen.statusCode());
    assertEquals(unknown.body(), stolen.body(), "another's session reads exactly like none");
    HttpResponse<String> deleteStolen = http.send(mcp("fraud-analyst").header("Mcp-Session-Id", id)
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, deleteStolen.statusCode());
    assertEquals(200, post(mcp("support-bot").header("Mcp-Session-Id", id), LIST_TOOLS).statusCode(),
        "the owner's session survives another identity's attempts");
  }

  @Test
  void deleteEndsTheSession() throws Exception {
    String id = session("fraud-analyst");
    HttpResponse<String> deleted = http.send(mcp("fraud-analyst").header("Mcp-Session-Id", id)
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(204, deleted.statusCode());
    HttpResponse<String> after = post(mcp("fraud-analyst").header("Mcp-Session-Id", id), LIST_TOOLS);
    assertEquals(404, after.statusCode());
    assertEquals("MCP_SESSION_NOT_FOUND", code(after));
  }

  @Test
  void notificationsAreAcceptedAndPingAnswered() throws Exception {
    String id = session("fraud-analyst");
    HttpResponse<String> initialized = post(mcp("fraud-analyst").header("Mcp-Session-Id", id),
        "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}");
    assertEquals(202, initialized.statusCode());
    assertEquals("", initialized.body());
    HttpResponse<String> ping = post(mcp("fraud-analyst").header("Mcp-Session-Id", id)
        .header("MCP-Protocol-Version", "2025-06-18"), "{\"jsonrpc\": \"2.0\", \"id\": \"p\", \"method\": \"ping\"}");
    assertEquals(200, ping.statusCode(), ping.body());
    JsonNode answer = JSON.readTree(ping.body());
    assertEquals("p", answer.path("id").asText());
    assertTrue(answer.path("result").isObject());
  }

  @Test
  void malformedRequestsAreRefusedWithTheirCodes() throws Exception {
    HttpResponse<String> notJson = post(mcp("fraud-analyst"), "{not json");
    assertEquals(400, notJson.statusCode());
    assertEquals(-32700, JSON.readTree(notJson.body()).path("error").path("code").asInt());
    assertEquals("BAD_REQUEST", code(notJson));

    HttpResponse<String> noSession = post(mcp("fraud-analyst"), LIST_TOOLS);
    assertEquals(400, noSession.statusCode());
    assertTrue(JSON.readTree(noSession.body()).path("error").path("message").asText()
        .startsWith("BAD_REQUEST: "), noSession.body());

    String id = session("fraud-analyst");
    HttpResponse<String> version = post(mcp("fraud-analyst").header("Mcp-Session-Id", id)
        .header("MCP-Protocol-Version", "1999-01-01"), LIST_TOOLS);
    assertEquals(400, version.statusCode());

    HttpResponse<String> get = http.send(mcp("fraud-analyst").header("Mcp-Session-Id", id).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode(), "no standalone stream");
    assertTrue(get.headers().firstValue("Allow").orElse("").contains("POST"));

    HttpResponse<String> unknownMethod = post(mcp("fraud-analyst").header("Mcp-Session-Id", id),
        "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"prompts/list\"}");
    assertEquals(200, unknownMethod.statusCode());
    assertEquals(-32601, JSON.readTree(unknownMethod.body()).path("error").path("code").asInt());
  }

  @Test
  void sessionsAreNewForEveryInitialize() throws Exception {
    assertNotEquals(session("support-bot"), session("support-bot"));
    assertFalse(session("support-bot").isBlank());
  }
}
