package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fair use and stopping statements, through the stock Avatica driver and {@code /v1/query}: a
 * client killed with connections open gives them back soon; a client that goes away mid-statement
 * has it cancelled in PostgreSQL; the connection's statement timeout applies; results left unread
 * hold no PostgreSQL connection; one {@code /v1/query} writes one statement's entries; a fetch gets
 * the frame size it asks for.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceSharingEndToEndTest {

  /** Never finishes on the demo data: only a cancel stops it. */
  static final String ENDLESS = "select count(*) from payments.transactions a,"
      + " payments.transactions b, payments.transactions c";

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .limits("  connections_per_agent: 3\n  unused_connection_timeout: 3s\n"
            + "  postgres_connections_per_agent: 2\n  queue_timeout: 2s")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private Process client(String identity, int connections, String query) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), VanishingClient.class.getName(),
        fixture.jdbcUrl(identity), String.valueOf(connections)));
    if (query != null) {
      command.add(query);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    String expect = query == null ? "opened" : "running";
    String line;
    while ((line = out.readLine()) != null && !line.startsWith(expect)) {
      // the driver's own output, if any
    }
    assertTrue(line != null, "the client started");
    return process;
  }

  private long avaticaConnections() throws Exception {
    String metrics = fixture.get("/metrics").body();
    return metrics.lines().filter(l -> l.startsWith("pangate_avatica_connections "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).sum();
  }

  @Test
  void aKilledClientsConnectionsComeBackSoon() throws Exception {
    Process client = client("support-bot", 3, null);
    client.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: nothing is closed
    // The driver reports a refused open as its own runtime exception.
    Exception refused = assertThrows(Exception.class, () -> {
      try (Connection c = fixture.connect("support-bot")) {
        c.getMetaData();
      }
    });
    assertTrue(refused.getMessage().contains("CONNECTION_LIMIT"), refused.getMessage());
    assertTrue(refused.getMessage().contains("closes by itself in about"), refused.getMessage());
    long started = System.nanoTime();
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(20), () -> {
      try (Connection c = fixture.connect("support-bot")) {
        c.getMetaData();
        return true;
      } catch (Exception stillFull) {
        return false;
      }
    }), "a new connection is accepted once the dead client's ones are reclaimed");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMillis < 8_000, "reclaimed after " + tookMillis + " ms (unused timeout 3 s)");
  }

  @Test
  void aClientKilledMidStatementHasItCancelledInPostgres() throws Exception {
    Process client = client("fraud-analyst", 1, ENDLESS);
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(10),
        () -> busy() == 1), "the statement runs in PostgreSQL");
    client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    long killed = System.nanoTime();
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(5), () -> busy() == 0),
        "the backend stopped");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertTrue(tookMillis < 1_000, "the backend stopped " + tookMillis + " ms after the kill");
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(10), () -> {
      try {
        return fixture.auditText().lines().anyMatch(l -> l.contains("STATEMENT_END")
            && l.contains("CLIENT_DISCONNECTED"));
      } catch (java.io.IOException e) {
        return false;
      }
    }), "audited as CLIENT_DISCONNECTED");
  }

  private int busy() {
    try {
      return fixture.busyPostgresSessions();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theConnectionsStatementTimeoutStopsTheBackend() throws Exception {
    try (Connection c = fixture.connect("fraud-analyst",
            props("statement_timeout", "1s"));
        Statement statement = c.createStatement()) {
      long started = System.nanoTime();
      SQLException timeout = assertThrows(SQLException.class, () -> statement.executeQuery(ENDLESS));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(timeout.getMessage().contains("STATEMENT_TIMEOUT: The statement ran longer than 1 s"),
          timeout.getMessage());
      assertEquals("57014", timeout.getSQLState());
      assertTrue(tookMillis < 2_500, "took " + tookMillis + " ms");
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(1), () -> busy() == 0));
    }
  }

  private static java.util.Properties props(String key, String value) {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty(key, value);
    return properties;
  }

  @Test
  void resultsLeftUnreadHoldNoPostgresConnection() throws Exception {
    try (Connection c = fixture.connect("fraud-analyst")) {
      List<ResultSet> unread = new ArrayList<>();
      for (int i = 0; i < 6; i++) { // three times the agent's share of 2
        Statement statement = c.createStatement();
        statement.setFetchSize(1);
        ResultSet rows = statement.executeQuery(
            "select txn_id, pan from payments.transactions where txn_id <= 200");
        assertTrue(rows.next());
        unread.add(rows);
      }
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(5), () -> busy() == 0),
          "no PostgreSQL session is held by the unread results");
      for (ResultSet rows : unread) {
        int count = 1;
        while (rows.next()) {
          count++;
        }
        assertEquals(200, count);
      }
    }
  }

  @Test
  void oneQueryRequestWritesOneStatementsEntries() throws Exception {
    String before = fixture.auditText();
    HttpResponse<String> answer = fixture.query("fraud-analyst",
        "{\"sql\": \"select merchant_id as one_shot_marker from payments.merchants\", \"max_rows\": 2}");
    assertEquals(200, answer.statusCode(), answer.body());
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(5), () -> {
      try {
        return fixture.auditText().contains("\"STATEMENT_END\"")
            && fixture.auditText().length() > before.length();
      } catch (java.io.IOException e) {
        return false;
      }
    }));
    Thread.sleep(300);
    List<String> added = fixture.auditText().substring(before.length()).lines()
        .filter(l -> l.contains("\"type\"")).toList();
    List<String> types = added.stream().map(l -> l.replaceAll(".*\"type\":\"([A-Z_]+)\".*", "$1"))
        .filter(t -> !t.equals("SEAL") && !t.equals("CHECKPOINT")).toList();
    assertEquals(List.of("STATEMENT_START", "STATEMENT_END"), types, String.join("\n", added));
    assertTrue(added.get(0).contains("fraud-analyst") && added.get(0).contains("clientAddress"),
        added.get(0));
  }

  @Test
  void aQueryRequestsTimeoutIsKept() throws Exception {
    HttpResponse<String> answer = fixture.query("fraud-analyst",
        "{\"sql\": \"" + ENDLESS + "\", \"timeout\": \"500ms\"}");
    assertEquals(504, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("STATEMENT_TIMEOUT") && answer.body().contains("500 ms"),
        answer.body());
  }

  private String avatica(String json) throws Exception {
    HttpResponse<String> answer = fixture.post("/avatica/json", "fraud-analyst",
        fixture.secret("fraud-analyst"), json);
    assertEquals(200, answer.statusCode(), answer.body());
    return answer.body();
  }

  private static int rowsIn(String frame) {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(frame);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    com.fasterxml.jackson.databind.JsonNode node = root.has("frame") ? root.get("frame")
        : root.get("results").get(0).get("firstFrame");
    return node.get("rows").size();
  }

  @Test
  void aFetchGetsTheFrameSizeItAsksForAtOnce() throws Exception {
    String id = java.util.UUID.randomUUID().toString();
    avatica("{\"request\":\"openConnection\",\"connectionId\":\"" + id + "\"}");
    String created = avatica("{\"request\":\"createStatement\",\"connectionId\":\"" + id + "\"}");
    int statement = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created)
        .get("statementId").asInt();
    String prefix = "\"connectionId\":\"" + id + "\",\"statementId\":" + statement;
    assertEquals(5, rowsIn(avatica("{\"request\":\"prepareAndExecute\"," + prefix
        + ",\"sql\":\"select txn_id from payments.transactions order by txn_id\","
        + "\"maxRowCount\":-1,\"maxRowsInFirstFrame\":5}")));
    String fetch = "{\"request\":\"fetch\"," + prefix + ",\"offset\":%d,\"fetchMaxRowCount\":%d}";
    assertEquals(100, rowsIn(avatica(String.format(fetch, 5, 100)))); // the next 100 are read ahead
    assertEquals(3, rowsIn(avatica(String.format(fetch, 105, 3))), "the size asked for, at once");
    assertEquals(3, rowsIn(avatica(String.format(fetch, 108, 3))));
    assertEquals(50, rowsIn(avatica(String.format(fetch, 111, 50))));
    avatica("{\"request\":\"closeConnection\",\"connectionId\":\"" + id + "\"}");
  }

  @Test
  void aGatewayBusyAnswerCarriesRetryAfter() throws Exception {
    try (Connection c = fixture.connect("fraud-analyst")) {
      List<ResultSet> streaming = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        // far larger than a fetch and than a result's part of the memory for results read into
        // it while statements wait: each holds a PostgreSQL connection
        Statement statement = c.createStatement();
        statement.setFetchSize(1);
        ResultSet rows = statement.executeQuery("select t.txn_id, t.pan, m.name from"
            + " payments.transactions t cross join payments.merchants m");
        assertTrue(rows.next());
        streaming.add(rows);
      }
      HttpResponse<String> busy = fixture.query("fraud-analyst",
          "{\"sql\": \"select count(*) from payments.merchants\"}");
      assertEquals(503, busy.statusCode(), busy.body());
      assertTrue(busy.body().contains("GATEWAY_BUSY"), busy.body());
      assertTrue(busy.headers().firstValue("Retry-After").isPresent());
      HttpResponse<String> other = fixture.query("support-bot",
          "{\"sql\": \"select count(*) from payments.merchants\"}");
      assertEquals(200, other.statusCode(), "another agent is served meanwhile: " + other.body());
      for (ResultSet rows : streaming) {
        rows.close();
      }
    }
  }
}
