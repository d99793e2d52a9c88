package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /v1/query}: the documented document shape, parameters, row limits, errors as JSON
 * with a stable code and no stack trace, a server that keeps serving after bad requests, and
 * clients that go away or stop reading mid-stream freeing their PostgreSQL connection. Results the
 * client did not get whole (cut at max_rows, client gone) are audited as failures.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonQueryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Large enough (about 15 MB of JSON) that socket buffers cannot absorb it; the first column's
   * name tells the tests' statements apart in the audit log.
   */
  private static String big(String marker) {
    return "select t.txn_id as " + marker + ", t.pan, m.name, t.amount"
        + " from payments.transactions t cross join payments.merchants m";
  }

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .limits("  write_timeout: 2s\n  json_max_rows: 1000000\n  max_request_bytes: 4096")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private JsonNode ok(String identity, String body) throws Exception {
    HttpResponse<String> response = fixture.query(identity, body);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return JSON.readTree(response.body());
  }

  private JsonNode error(int status, String identity, String body) throws Exception {
    HttpResponse<String> response = fixture.query(identity, body);
    assertEquals(status, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertTrue(error.get("code").asText().matches("[A-Z_]+"), response.body());
    assertFalse(response.body().contains("\\tat ") || response.body().contains("Exception"),
        "no stack trace or exception text: " + response.body());
    return error;
  }

  @Test
  void aQueryReturnsColumnsRowsAndTruncated() throws Exception {
    JsonNode result = ok("fraud-analyst", "{\"sql\": \"select txn_id, pan, amount, created_at"
        + " from payments.transactions where txn_id <= ? order by txn_id\", \"params\": [3]}");
    assertEquals("txn_id", result.get("columns").get(0).get("name").asText());
    assertEquals("BIGINT", result.get("columns").get(0).get("type").asText());
    assertEquals("VARCHAR", result.get("columns").get(1).get("type").asText());
    assertEquals(3, result.get("rows").size());
    assertEquals(1, result.get("rows").get(0).get(0).asLong());
    assertTrue(result.get("rows").get(0).get(1).asText().matches("\\d{6}\\*+\\d{4}"), "truncated PAN");
    assertTrue(result.get("rows").get(0).get(2).isNumber(), "amounts are JSON numbers");
    assertTrue(result.get("rows").get(0).get(3).asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*"));
    assertFalse(result.get("truncated").asBoolean());
    assertEquals(3, result.size(), "exactly columns, rows and truncated");
  }

  @Test
  void maxRowsTruncatesAndSaysSoInTheResponseAndTheAudit() throws Exception {
    JsonNode limited = ok("fraud-analyst", "{\"sql\": \"select merchant_id as cut_at_five"
        + " from payments.merchants order by merchant_id\", \"max_rows\": 5}");
    assertEquals(5, limited.get("rows").size());
    assertTrue(limited.get("truncated").asBoolean());
    ShownEntry cut = AuditTrail.awaitEnd(fixture, "cut_at_five", Duration.ofSeconds(10));
    assertEquals("failure", cut.outcome(), "the client did not get the whole result");
    assertEquals("TRUNCATED", AuditTrail.code(cut));
    assertTrue(AuditTrail.message(cut).contains("max_rows=5 after 5 rows"), AuditTrail.message(cut));

    int merchants = count("SELECT count(*) FROM payments.merchants");
    JsonNode exact = ok("fraud-analyst", "{\"sql\": \"select merchant_id as exactly_all"
        + " from payments.merchants\", \"max_rows\": " + merchants + "}");
    assertEquals(merchants, exact.get("rows").size());
    assertFalse(exact.get("truncated").asBoolean(), "exactly the limit is not truncated");
    ShownEntry whole = AuditTrail.awaitEnd(fixture, "exactly_all", Duration.ofSeconds(10));
    assertEquals("success", whole.outcome(), "every row was delivered");
    assertEquals(merchants, whole.number(EventEncoder.ROWS));

    // A limit beyond the first batch of rows read: the cut is still made at the limit.
    JsonNode longer = ok("fraud-analyst", "{\"sql\": \"select txn_id as cut_at_300"
        + " from payments.transactions\", \"max_rows\": 300}");
    assertEquals(300, longer.get("rows").size());
    assertTrue(longer.get("truncated").asBoolean());
    ShownEntry cutLater = AuditTrail.awaitEnd(fixture, "cut_at_300", Duration.ofSeconds(10));
    assertEquals("TRUNCATED", AuditTrail.code(cutLater));
    assertTrue(AuditTrail.message(cutLater).contains("max_rows=300 after 300 rows"),
        AuditTrail.message(cutLater));
  }

  @Test
  void parametersOfSeveralTypesBind() throws Exception {
    JsonNode result = ok("support-bot", "{\"sql\": \"select count(*) as n from payments.transactions"
        + " where created_at >= ? and amount > ? and status = ?\","
        + " \"params\": [\"2024-01-01T00:00:00\", 10.5, \"approved\"]}");
    int expected = count("SELECT count(*) FROM payments.transactions WHERE merchant_id IN (1, 2, 3)"
        + " AND created_at >= '2024-01-01' AND amount > 10.5 AND status = 'approved'");
    assertEquals(expected, result.get("rows").get(0).get(0).asInt());
    assertTrue(expected > 0);
  }

  @Test
  void errorsAreJsonWithAStableCode() throws Exception {
    assertEquals("BAD_REQUEST", error(400, "fraud-analyst", "{\"sql\": \"select 1\"").get("code").asText());
    assertEquals("BAD_REQUEST", error(400, "fraud-analyst", "[1, 2]").get("code").asText());
    assertEquals("BAD_REQUEST", error(400, "fraud-analyst", "{\"query\": \"select 1\"}").get("code").asText());
    assertEquals("BAD_REQUEST", error(400, "fraud-analyst", "{\"params\": []}").get("code").asText());
    assertEquals("BAD_REQUEST", error(400, "fraud-analyst",
        "{\"sql\": \"select 1\", \"max_rows\": -1}").get("code").asText());
    assertEquals("PARAMETER_TYPE", error(400, "fraud-analyst",
        "{\"sql\": \"select 1\", \"params\": [[1]]}").get("code").asText());
    assertEquals("PARAMETER_COUNT", error(400, "fraud-analyst",
        "{\"sql\": \"select txn_id from payments.transactions where txn_id = ?\"}").get("code").asText());
    assertEquals("PARAMETER_TYPE", error(400, "fraud-analyst",
        "{\"sql\": \"select txn_id from payments.transactions where created_at > ?\","
            + " \"params\": [\"yesterday\"]}").get("code").asText());
    JsonNode missing = error(400, "fraud-analyst", "{\"sql\": \"select nope from payments.transactions\"}");
    assertEquals("42P01", missing.get("sqlstate").asText());
    assertEquals("OBJECT_NOT_FOUND", missing.get("code").asText());
    assertTrue(missing.get("message").asText().contains("nope"), "the message says what was wrong");
    assertEquals("BODY_TOO_LARGE", error(413, "fraud-analyst",
        "{\"sql\": \"select '" + "x".repeat(5000) + "'\"}").get("code").asText());
    assertEquals("WRITE_NOT_ALLOWED", error(403, "support-bot",
        "{\"sql\": \"delete from payments.transactions\"}").get("code").asText());
    // after all that, the server still serves
    assertEquals(1, ok("fraud-analyst", "{\"sql\": \"select 1 as one\"}").get("rows").size());
  }

  @Test
  void wrongMethodsAndPathsAreRefusedPlainly() throws Exception {
    HttpResponse<String> get = fixture.get("/v1/query");
    assertEquals(405, get.statusCode());
    assertTrue(get.headers().firstValue("Allow").orElse("").contains("POST"));
    HttpResponse<String> nothing = fixture.post("/v2/nothing", "fraud-analyst",
        fixture.secret("fraud-analyst"), "{}");
    assertEquals(404, nothing.statusCode());
    assertEquals("NOT_FOUND", JSON.readTree(nothing.body()).get("error").get("code").asText());
  }

  @Test
  void aClientThatDisconnectsMidStreamFreesItsPostgresConnection() throws Exception {
    try (Socket socket = request("fraud-analyst", big("gone_mid_stream"))) {
      InputStream in = socket.getInputStream();
      byte[] some = new byte[64 * 1024];
      int read = in.readNBytes(some, 0, some.length);
      assertTrue(read > 0 && new String(some, 0, read, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
      assertEquals(1, fixture.busyPostgresSessions(), "the stream holds a PostgreSQL cursor");
    } // the client goes away here
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(30), () -> busy() == 0),
        "the PostgreSQL connection was released after the client disconnected");
    ShownEntry end = AuditTrail.awaitEnd(fixture, "gone_mid_stream", Duration.ofSeconds(30));
    assertEquals("failure", end.outcome(), "the audit says the client did not get the result");
    assertEquals("CLIENT_DISCONNECTED", AuditTrail.code(end));
    assertEquals(1, ok("fraud-analyst", "{\"sql\": \"select 1 as one\"}").get("rows").size());
  }

  @Test
  void aClientThatStopsReadingIsCutOffAfterTheWriteTimeout() throws Exception {
    try (Socket socket = request("fraud-analyst", big("never_read"))) {
      assertTrue(socket.isConnected());
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(10), () -> busy() == 1),
          "the query started");
      // never read: the gateway's writes block, then time out after limits.write_timeout
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(60), () -> busy() == 0),
          "the PostgreSQL connection was released although the client never read");
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(10),
          () -> fixture.server().gateway().poolUse().active() == 0), "returned to the pool");
    }
    ShownEntry end = AuditTrail.awaitEnd(fixture, "never_read", Duration.ofSeconds(30));
    assertEquals("CLIENT_DISCONNECTED", AuditTrail.code(end));
    assertTrue(AuditTrail.message(end).contains("limits.write_timeout"), AuditTrail.message(end));
  }

  /** Sends a query over a raw socket, so the test controls reading and closing. */
  private Socket request(String identity, String sql) throws Exception {
    Socket socket = new Socket(fixture.baseUri().getHost(), fixture.baseUri().getPort());
    socket.setReceiveBufferSize(4096);
    byte[] body = JSON.writeValueAsBytes(java.util.Map.of("sql", sql));
    String head = "POST /v1/query HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
        + EndpointFixture.basic(identity, fixture.secret(identity))
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return socket;
  }

  private int busy() {
    try {
      return fixture.busyPostgresSessions();
    } catch (SQLException e) {
      return -1;
    }
  }

  private int count(String sql) throws SQLException {
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
