package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways on one database sharing their limits ({@code cluster}): guesses at a secret are
 * counted over both, so spreading them over the nodes buys nothing; an agent's Avatica connections
 * and its PostgreSQL connections held by unfinished results are counted over both, so two nodes do
 * not allow twice the connections. With each node on its own, the same traffic gets twice as far
 * (checked on two nodes that do not share).
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedLimitsEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LIMITS = String.join("\n",
      "  connections_per_agent: 3",
      "  postgres_connections_per_agent: 2",
      "  queue_timeout: 2s");
  private static final String AUTH = String.join("\n",
      "  free_failures: 3",
      "  first_delay: 30s",
      "  max_delay: 60s");

  private EndpointFixture first;
  private EndpointFixture second;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    first = EndpointFixture.builder(database).node("gw-a").sharedLimits().limits(LIMITS).auth(AUTH)
        .fetchSize(10).start();
    second = EndpointFixture.builder(database).joining(first, "gw-b").limits(LIMITS).auth(AUTH)
        .fetchSize(10).start();
  }

  @AfterAll
  void stop() throws Exception {
    second.close();
    first.close();
  }

  /** Wrong secrets for one identity, alternating between the nodes: status codes by count. */
  private static Map<Integer, Integer> guess(List<EndpointFixture> nodes, String identity,
      int attempts) throws Exception {
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < attempts; i++) {
      HttpResponse<String> answer = nodes.get(i % nodes.size()).post("/v1/query", identity,
          "wrong-secret-" + i, "{\"sql\": \"select 1\"}");
      statuses.merge(answer.statusCode(), 1, Integer::sum);
    }
    return statuses;
  }

  @Test
  void guessesSpreadOverTheNodesAreCountedTogether() throws Exception {
    Map<Integer, Integer> statuses = guess(List.of(first, second), "fraud-analyst", 10);
    assertEquals(Map.of(401, 4, 429, 6), statuses, "three free failures and the fourth checked,"
        + " over both nodes together; every later guess is refused unchecked (THROTTLED)");
    HttpResponse<String> rightSecret = second.query("fraud-analyst", "{\"sql\": \"select 1\"}");
    assertEquals(429, rightSecret.statusCode(), "even the right secret waits on the other node");
    assertEquals("THROTTLED", JSON.readTree(rightSecret.body()).get("error").get("code").asText());
    assertTrue(rightSecret.headers().firstValue("Retry-After").isPresent());
  }

  @Test
  void unknownIdentitiesAreThrottledByAddressOverTheNodes() throws Exception {
    Map<Integer, Integer> statuses = guess(List.of(first, second), "nobody-at-all", 8);
    assertEquals(Map.of(401, 4, 429, 4), statuses);
  }

  @Test
  void nodesThatDoNotShareAllowEachTheirOwnGuesses() throws Exception {
    try (EndpointFixture alone = EndpointFixture.builder(first.database()).joining(first, "gw-x")
            .limits(LIMITS).auth(AUTH).withoutSharedLimits().start();
        EndpointFixture aloneToo = EndpointFixture.builder(first.database())
            .joining(first, "gw-y").limits(LIMITS).auth(AUTH).withoutSharedLimits().start()) {
      Map<Integer, Integer> statuses = guess(List.of(alone, aloneToo), "support-bot", 10);
      assertEquals(Map.of(401, 8, 429, 2), statuses, "on their own, two nodes check twice the"
          + " guesses: what sharing the counters prevents");
    }
  }

  @Test
  void anAgentsConnectionsAreCountedOverTheNodes() throws Exception {
    List<Connection> open = new ArrayList<>();
    try {
      open.add(first.connect("support-bot"));
      open.add(first.connect("support-bot"));
      open.add(second.connect("support-bot"));
      for (Connection connection : open) {
        try (Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("select 1")) {
          assertTrue(rows.next());
        }
      }
      Exception refused = assertThrows(Exception.class, () -> {
        try (Connection fourth = second.connect("support-bot");
            Statement statement = fourth.createStatement()) {
          statement.executeQuery("select 1").close();
        }
      });
      String message = String.valueOf(refused.getMessage());
      assertTrue(message.contains("CONNECTION_LIMIT"), message);
      assertTrue(message.contains("across the gateways sharing limits"), message);
      assertTrue(message.contains("1 of them on this gateway"), message);

      open.remove(0).close();
      try (Connection again = second.connect("support-bot");
          Statement statement = again.createStatement();
          ResultSet rows = statement.executeQuery("select 1")) {
        assertTrue(rows.next(), "a connection closed on one node frees a place on the other");
      }
    } finally {
      for (Connection connection : open) {
        connection.close();
      }
    }
  }

  @Test
  void unfinishedResultsHoldingPostgresConnectionsAreCountedOverTheNodes() throws Exception {
    String scan = "select txn_id, pan, amount from payments.transactions";
    try (Connection onFirst = first.connect("migration-bot");
        Connection onSecond = second.connect("migration-bot");
        Statement a = onFirst.createStatement();
        Statement b = onSecond.createStatement()) {
      a.setFetchSize(5);
      b.setFetchSize(5);
      ResultSet unreadA = a.executeQuery(scan); // more rows than fetch_size: it streams
      assertTrue(unreadA.next());
      ResultSet unreadB = b.executeQuery(scan);
      assertTrue(unreadB.next());
      assertEquals(1, first.server().gateway().connectionGate().inUse(),
          "one PostgreSQL connection held on each node");
      try (Connection third = first.connect("migration-bot");
          Statement c = third.createStatement()) {
        long asked = System.nanoTime();
        SQLException busy = assertThrows(SQLException.class, () -> c.executeQuery(scan));
        assertTrue(busy.getMessage().contains("GATEWAY_BUSY"), busy.getMessage());
        assertTrue(System.nanoTime() - asked >= java.time.Duration.ofSeconds(2).toNanos(),
            "it waited queue_timeout for a place to free, as at a gateway's own gate");
        assertTrue(busy.getMessage().contains("across the gateways sharing limits"),
            busy.getMessage());
        try (ResultSet small = c.executeQuery("select count(*) from payments.transactions")) {
          assertTrue(small.next(), "a result read ahead whole holds no connection and runs");
        }
        b.close(); // the driver closes a result on the server with its statement
        // the place frees once the connection is back in the pool (ended off the request thread)
        assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(10), () -> {
          try (ResultSet streamed = c.executeQuery(scan)) {
            return streamed.next();
          } catch (SQLException stillBusy) {
            return false;
          }
        }), "a result closed on one node frees the place on the other");
      }
    }
  }

  @Test
  void clusterInstallCreatesTheStoresLoginAndANodeStartsWithIt() throws Exception {
    String login = first.role() + "_new";
    java.nio.file.Path config = first.directory().resolve("pangate.yaml");
    String text = java.nio.file.Files.readString(config).replace("user: " + first.clusterRole() + ",",
        "user: " + login + ",");
    java.nio.file.Path changed = first.directory().resolve("pangate-new-login.yaml");
    java.nio.file.Files.writeString(changed, text);
    Map<String, String> environment = new java.util.HashMap<>();
    if (first.database().password() != null) {
      environment.put("PANGATE_ADMIN_DB_PASSWORD", first.database().password());
    }
    dev.pangate.endpoint.cli.CliRun install = dev.pangate.endpoint.cli.CliRun.withEnvironment(
        environment, "cluster", "install", "--config", changed.toString(),
        "--admin-user", first.database().user());
    try {
      assertEquals(0, install.status(), install.out() + install.err());
      assertTrue(install.out().contains("login created"), install.out());
      try (dev.pangate.engine.cluster.SharedLimits limits =
          dev.pangate.engine.cluster.SharedLimits.start(new dev.pangate.engine.cluster.SharedLimits
              .Settings(first.database().url(), login,
                  java.nio.file.Files.readString(first.directory().resolve("db-password")).strip(),
                  "gw-install", java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(3)),
              List.of("payments"))) {
        assertTrue(limits.problem().isEmpty(), "the new login may use the store and nothing more");
      }
    } finally {
      first.database().execute("DROP OWNED BY " + login, "DROP ROLE IF EXISTS " + login);
    }
  }

  @Test
  void theHealthCheckNamesTheNodeAndTheSharedLimits() throws Exception {
    JsonNode health = JSON.readTree(first.get("/healthz").body());
    assertEquals("gw-a", health.get("cluster").get("node").asText());
    assertTrue(health.get("cluster").get("shared_limits").asBoolean());
    assertTrue(health.get("cluster").get("ok").asBoolean());
    String metrics = first.get("/metrics").body();
    assertTrue(metrics.contains("pangate_cluster_store_up 1"), metrics);
  }
}
