package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A result nobody is fetching gives its PostgreSQL connection to a statement that waits for one,
 * through the stock Avatica driver: the rest of it is read into the gateway's memory and the client
 * reads the same rows afterwards. Without that, a client whose HTTP connections are all taken by
 * statements waiting at the gate can never send the fetch that would free a connection, and the
 * statements wait until the result expires (RESULT_EXPIRED) or they are refused (GATEWAY_BUSY).
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleResultBufferingTest {

  private static final String ALL_TRANSACTIONS =
      "select txn_id, pan, amount from payments.transactions order by txn_id";

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    // One PostgreSQL connection per agent; a waiting statement gives up only after 20 s, and a
    // result holding a connection expires only after 2 min: neither ends the test's wait. 32 MiB
    // for results in memory, at most 2 MiB each: the 5,000 transactions fit.
    fixture = EndpointFixture.builder(database)
        .fetchSize(100)
        .limits("  connections_per_agent: 4\n  postgres_connections_per_agent: 1\n"
            + "  queue_timeout: 20s\n  streaming_result_idle_timeout: 2m\n"
            + "  result_buffer_bytes: 33554432")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aResultNobodyFetchesGivesItsConnectionToAWaitingStatement() throws Exception {
    List<String> expected = rows(fixture.connect("fraud-analyst"), ALL_TRANSACTIONS);
    assertTrue(expected.size() > 1_000, "the result is far larger than one PostgreSQL fetch");
    try (Connection holder = fixture.connect("fraud-analyst");
        Connection other = fixture.connect("fraud-analyst")) {
      Statement statement = holder.createStatement();
      statement.setFetchSize(10);
      ResultSet streaming = statement.executeQuery(ALL_TRANSACTIONS);
      List<String> read = new ArrayList<>();
      for (int i = 0; i < 10 && streaming.next(); i++) {
        read.add(row(streaming));
      }
      assertEquals(1, fixture.busyPostgresSessions(),
          "the unfinished result holds the agent's one PostgreSQL connection");

      // The agent's share is taken: this statement waits, and is served once the result is in memory.
      try (Statement count = other.createStatement();
          ResultSet merchants = count.executeQuery("select count(*) from payments.merchants")) {
        assertTrue(merchants.next());
        assertTrue(merchants.getLong(1) > 0);
      }
      assertEquals(0, fixture.busyPostgresSessions(),
          "the result gave its PostgreSQL connection back");

      while (streaming.next()) {
        read.add(row(streaming));
      }
      assertEquals(expected, read, "the client read the same rows, in order, none lost or repeated");
      streaming.close();
      statement.close();
    }
    String audit = fixture.auditText();
    assertFalse(audit.contains("RESULT_EXPIRED"), "no result expired");
    assertFalse(audit.contains("GATEWAY_BUSY"), "no statement was refused");
  }

  @Test
  void aResultLargerThanItsPartOfTheBufferKeepsItsConnectionAndStreamsOn() throws Exception {
    // 32 MiB of buffer, 2 MiB per result: the cross join (a million rows) does not fit.
    String huge = "select t.txn_id, t.pan, m.name from payments.transactions t"
        + " cross join payments.merchants m";
    try (Connection holder = fixture.connect("fraud-analyst");
        Connection other = fixture.connect("fraud-analyst")) {
      Statement statement = holder.createStatement();
      statement.setFetchSize(10);
      ResultSet streaming = statement.executeQuery(huge);
      assertTrue(streaming.next());
      Thread waiting = new Thread(() -> {
        try (Statement count = other.createStatement();
            ResultSet merchants = count.executeQuery("select count(*) from payments.merchants")) {
          merchants.next();
        } catch (SQLException e) {
          // refused or cut off when the holder closes; the assertions below are about the holder
        }
      });
      waiting.setDaemon(true);
      waiting.start();
      assertTrue(EndpointFixture.eventually(java.time.Duration.ofSeconds(10), () -> {
        try {
          return fixture.get("/metrics").body().lines()
              .anyMatch(l -> l.startsWith("pangate_postgres_queue_waiting 1"));
        } catch (Exception e) {
          return false;
        }
      }), "the other statement waits for the agent's one connection");
      Thread.sleep(1_000); // the pass that reads idle results into memory has run
      assertEquals(1, fixture.busyPostgresSessions(),
          "the large result still holds its connection");
      long rows = 1;
      for (int i = 0; i < 50_000 && streaming.next(); i++) {
        rows++;
      }
      assertEquals(50_001, rows, "it streams on, the rows read into memory first");
      streaming.close(); // gives the connection to the waiting statement
      statement.close();
      waiting.join(20_000);
      assertFalse(waiting.isAlive(), "the waiting statement ran once the result was closed");
    }
  }

  private static String row(ResultSet rows) throws SQLException {
    return rows.getLong(1) + "|" + rows.getString(2) + "|" + rows.getBigDecimal(3);
  }

  private static List<String> rows(Connection connection, String sql) throws SQLException {
    try (connection; Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> all = new ArrayList<>();
      while (rows.next()) {
        all.add(row(rows));
      }
      return all;
    }
  }
}
