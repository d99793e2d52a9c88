package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway ({@code pangate serve} in a JVM of its own) told to stop with SIGTERM while a client
 * reads a large result: it drains. {@code /healthz} answers 503 {@code draining} at once, a new
 * connection, a new statement on an idle connection and a {@code /v1/query} are refused with
 * {@code GATEWAY_STOPPING}, the open result is read to its end, and as soon as nothing is open the
 * gateway stops, well before {@code limits.drain_timeout}, its audit log closed with the result's
 * end recorded as a success.
 */
@ExtendWith(PostgresExtension.class)
class DrainTest {

  private static final String SCAN = "select txn_id, pan, amount from payments.transactions";

  @Test
  void aStoppingNodeFinishesWhatIsOpenAndTakesNothingNew(TestDatabase database) throws Exception {
    try (EndpointFixture node = EndpointFixture.builder(database).node("gw-drain").fetchSize(10)
        .limits("  connections_per_agent: 8\n  drain_timeout: 60s").inChildJvm("-Xmx256m").start()) {
      long expected;
      try (Connection count = node.connect("fraud-analyst"); Statement statement = count.createStatement();
          ResultSet rows = statement.executeQuery("select count(*) from payments.transactions")) {
        rows.next();
        expected = rows.getLong(1);
      }
      Connection reader = node.connect("fraud-analyst");
      Connection idle = node.connect("support-bot");
      try {
        Statement scan = reader.createStatement();
        scan.setFetchSize(5);
        ResultSet open = scan.executeQuery(SCAN);
        long read = 0;
        for (int i = 0; i < 20 && open.next(); i++) {
          read++;
        }
        try (Statement ready = idle.createStatement(); ResultSet one = ready.executeQuery("select 1")) {
          assertTrue(one.next());
        }

        long stopAsked = System.nanoTime();
        node.child().destroy(); // SIGTERM
        assertTrue(EndpointFixture.eventually(Duration.ofSeconds(30), () -> {
          try {
            return node.get("/healthz").statusCode() == 503;
          } catch (Exception e) {
            return false;
          }
        }), "the health check fails at once, so a load balancer sends nothing new");
        HttpResponse<String> health = node.get("/healthz");
        assertTrue(health.body().contains("\"status\":\"draining\""), health.body());

        SQLException refused = assertThrows(SQLException.class, () -> {
          try (Statement again = idle.createStatement()) {
            again.executeQuery("select 1").close();
          }
        });
        assertTrue(refused.getMessage().contains("GATEWAY_STOPPING"), refused.getMessage());
        assertEquals("57P03", refused.getSQLState());
        Exception noNewConnection = assertThrows(Exception.class, () -> {
          try (Connection late = node.connect("fraud-analyst");
              Statement statement = late.createStatement()) {
            statement.executeQuery("select 1").close();
          }
        });
        assertTrue(String.valueOf(noNewConnection.getMessage()).contains("GATEWAY_STOPPING"),
            String.valueOf(noNewConnection.getMessage()));
        HttpResponse<String> json = node.query("fraud-analyst", "{\"sql\": \"select 1\"}");
        assertEquals(503, json.statusCode(), json.body());
        assertTrue(json.body().contains("GATEWAY_STOPPING"), json.body());

        while (open.next()) {
          read++;
        }
        assertEquals(expected, read, "the open result is read to its end while the node drains");
        assertTrue(node.child().isAlive(), "the node waits while the result is open");
        scan.close();
        assertTrue(node.child().waitFor(30, TimeUnit.SECONDS), "nothing open: the node stops");
        long tookSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopAsked);
        assertTrue(tookSeconds < 55, "it stopped when drained, not at drain_timeout: " + tookSeconds + " s");
      } finally {
        for (Connection connection : java.util.List.of(reader, idle)) {
          try {
            connection.close();
          } catch (Exception stopped) {
            // the node has stopped (as it should): there is nothing left to close on its side
          }
        }
      }
      assertTrue(node.childLog().contains("drained: nothing open; stopping"), node.childLog());
      ShownEntry end = AuditTrail.awaitEnd(node, SCAN, Duration.ofSeconds(5));
      assertEquals("success", end.outcome(), "the result read while draining ended well");
      assertEquals(expected, end.number(EventEncoder.ROWS));
      CliRun verify = CliRun.of("audit", "verify", node.directory().resolve("audit").toString(),
          "--public-keyset", node.directory().resolve("keys/audit-signing.public.json").toString());
      assertEquals(0, verify.status(), verify.out());
      assertTrue(verify.out().contains("closed cleanly"), verify.out());
    }
  }
}
