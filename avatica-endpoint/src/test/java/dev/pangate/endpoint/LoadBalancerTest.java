package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways sharing limits behind an HTTP load balancer (a small one on loopback,
 * {@link StickyProxy}): with a sticky cookie the stock Avatica driver keeps each JDBC connection on
 * one node (it keeps the cookie per connection), so connections spread over the nodes and work;
 * without affinity a JDBC connection breaks at once ({@code NO_SUCH_CONNECTION}: its state lives in
 * one node). {@code /v1/query} and MCP need no affinity: one-shot queries go to any node, and an
 * MCP session opened on one node is served by the other from the shared store, under its one id.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerTest {

  private EndpointFixture first;
  private EndpointFixture second;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    first = EndpointFixture.builder(database).node("gw-a").sharedLimits().start();
    second = EndpointFixture.builder(database).joining(first, "gw-b").start();
  }

  @AfterAll
  void stop() throws Exception {
    second.close();
    first.close();
  }

  private List<URI> nodes() {
    return List.of(first.baseUri(), second.baseUri());
  }

  private static String url(URI base, EndpointFixture fixture, String agent) {
    return "jdbc:avatica:remote:url=" + base + ";serialization=protobuf;timeZone=UTC"
        + ";authentication=BASIC;avatica_user=" + agent + ";avatica_password=" + fixture.secret(agent);
  }

  /** Sessions (Avatica connection ids, or mcp-...) that ran statements in a node's log. */
  private static Set<String> sessions(EndpointFixture node) throws Exception {
    node.server().gateway().flushAudit();
    Set<String> sessions = new HashSet<>();
    for (ShownEntry entry : AuditTrail.of(node).all("STATEMENT_START", e -> true)) {
      sessions.add(String.valueOf(entry.text(EventEncoder.SESSION)));
    }
    return sessions;
  }

  @Test
  void aStickyCookieKeepsEachJdbcConnectionOnOneNode() throws Exception {
    try (StickyProxy proxy = new StickyProxy(nodes(), StickyProxy.Mode.STICKY)) {
      List<String> ids = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        try (Connection connection = DriverManager.getConnection(url(proxy.uri(), first, "fraud-analyst"));
            PreparedStatement point = connection.prepareStatement(
                "select txn_id, amount from payments.transactions where txn_id = ?")) {
          ids.add(((org.apache.calcite.avatica.AvaticaConnection) connection).id);
          for (int i = 1; i <= 20; i++) {
            point.setLong(1, i);
            try (ResultSet rows = point.executeQuery()) {
              assertTrue(rows.next());
            }
          }
        }
      }
      Set<String> onA = sessions(first);
      Set<String> onB = sessions(second);
      for (String id : ids) {
        assertTrue(onA.contains(id) != onB.contains(id), "connection " + id + " ran on one node only");
      }
      assertTrue(ids.stream().anyMatch(onA::contains) && ids.stream().anyMatch(onB::contains),
          "the balancer spread the connections over both nodes");
    }
  }

  @Test
  void withoutAffinityAJdbcConnectionBreaks() throws Exception {
    try (StickyProxy proxy = new StickyProxy(nodes(), StickyProxy.Mode.ROUND_ROBIN)) {
      Exception broken = assertThrows(Exception.class, () -> {
        try (Connection connection = DriverManager.getConnection(url(proxy.uri(), first, "fraud-analyst"));
            PreparedStatement point = connection.prepareStatement("select 1")) {
          for (int i = 0; i < 4; i++) {
            point.executeQuery().close();
          }
        }
      });
      // at prepare the driver reports 08003 in its own words; the gateway's are in the stack traces
      String said = broken instanceof org.apache.calcite.avatica.AvaticaSqlException avatica
          ? String.join(" ", avatica.getStackTraces()) + broken.getMessage() : String.valueOf(broken.getMessage());
      assertTrue(said.contains("NO_SUCH_CONNECTION"),
          "its next request reached the node that does not hold it: " + said);
    }
  }

  @Test
  void oneShotQueriesNeedNoAffinity() throws Exception {
    try (StickyProxy proxy = new StickyProxy(nodes(), StickyProxy.Mode.ROUND_ROBIN)) {
      int before = sessions(first).size() + sessions(second).size();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(proxy.uri().resolve("/v1/query"))
            .header("Authorization", EndpointFixture.basic("support-bot", first.secret("support-bot")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"select count(*) from payments.transactions\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
      }
      assertEquals(before + 10, sessions(first).size() + sessions(second).size(),
          "ten requests, each a statement of its own, on either node");
    }
  }

  @Test
  void anMcpSessionIsServedByEveryNode() throws Exception {
    try (StickyProxy proxy = new StickyProxy(nodes(), StickyProxy.Mode.ROUND_ROBIN)) {
      McpSyncClient client = McpClients.connect(proxy.uri(), "fraud-analyst", first.secret("fraud-analyst"));
      try {
        for (int i = 0; i < 6; i++) {
          McpSchema.CallToolResult result = McpClients.call(client, "query",
              Map.of("sql", "select count(*) from payments.merchants where merchant_id > " + i));
          assertFalse(Boolean.TRUE.equals(result.isError()), String.valueOf(result.content()));
        }
      } finally {
        client.closeGracefully();
      }
      Set<String> mcpOnA = new HashSet<>();
      Set<String> mcpOnB = new HashSet<>();
      sessions(first).stream().filter(s -> s.startsWith("mcp-")).forEach(mcpOnA::add);
      sessions(second).stream().filter(s -> s.startsWith("mcp-")).forEach(mcpOnB::add);
      assertEquals(1, mcpOnA.size(), "one session, never opened again: " + mcpOnA);
      assertEquals(mcpOnA, mcpOnB, "both nodes served the same session, under its one id");
    }
  }

  @Test
  void anMcpSessionEndedOnOneNodeIsGoneOnTheOther() throws Exception {
    String auth = EndpointFixture.basic("support-bot", first.secret("support-bot"));
    HttpResponse<String> opened = mcp(first.baseUri(), auth, null, "POST", "{\"jsonrpc\":\"2.0\",\"id\":1,"
        + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"lb-test\",\"version\":\"1\"}}}");
    assertEquals(200, opened.statusCode(), opened.body());
    String id = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    assertEquals(200, mcp(second.baseUri(), auth, id, "POST", list).statusCode(),
        "the other node serves the session");
    assertEquals(204, mcp(second.baseUri(), auth, id, "DELETE", null).statusCode());
    HttpResponse<String> gone = mcp(first.baseUri(), auth, id, "POST", list);
    assertEquals(404, gone.statusCode(), "ended on one node, gone on the other: " + gone.body());
    String otherAuth = EndpointFixture.basic("fraud-analyst", first.secret("fraud-analyst"));
    HttpResponse<String> opened2 = mcp(first.baseUri(), auth, null, "POST", "{\"jsonrpc\":\"2.0\",\"id\":1,"
        + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"lb-test\",\"version\":\"1\"}}}");
    String id2 = opened2.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertEquals(404, mcp(second.baseUri(), otherAuth, id2, "POST", list).statusCode(),
        "another identity cannot use the session on any node");
  }

  private HttpResponse<String> mcp(URI base, String authorization, String session, String method,
      String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/mcp"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", authorization)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json");
    if (session != null) {
      request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
