package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Results a JDBC client leaves unfinished when its connection goes: the statement's STATEMENT_END
 * is a failure that says why ({@code CONNECTION_CLOSED}, {@code CONNECTION_EXPIRED}) and how many
 * rows had reached the client, and the PostgreSQL connection is released. A result the client
 * closes itself, or reads to its end, is a success.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbandonedResultTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    // No result idle timeout, so that only the connection's idle timeout ends a forgotten result.
    fixture = EndpointFixture.builder(database)
        .limits("  idle_timeout: 2s\n  result_idle_timeout: 0")
        .fetchSize(50)
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  /** Runs a query that has many more rows than are read, reading {@code read} of them. */
  private static ResultSet readSome(Statement statement, String marker, int read) throws SQLException {
    statement.setFetchSize(10);
    ResultSet rows = statement.executeQuery("select txn_id as " + marker
        + ", pan from payments.transactions order by txn_id");
    for (int i = 0; i < read; i++) {
      assertTrue(rows.next());
    }
    return rows;
  }

  @Test
  void aConnectionClosedWithAnUnfinishedResultIsAuditedAsFailed() throws Exception {
    Connection connection = fixture.connect("fraud-analyst");
    Statement statement = connection.createStatement();
    readSome(statement, "closed_with_connection", 5);
    assertEquals(1, fixture.busyPostgresSessions(), "the open result holds a PostgreSQL cursor");
    connection.close(); // the statement and its result are left open

    ShownEntry end = AuditTrail.awaitEnd(fixture, "closed_with_connection", WAIT);
    assertEquals("failure", end.outcome());
    assertEquals("CONNECTION_CLOSED", AuditTrail.code(end));
    assertRowsSent(end, 5);
    assertTrue(EndpointFixture.eventually(WAIT, () -> busy() == 0),
        "its PostgreSQL connection was released");
  }

  @Test
  void anIdleConnectionsUnfinishedResultIsAuditedAsFailed() throws Exception {
    try (Connection connection = fixture.connect("fraud-analyst")) {
      // The statement is not closed: after the expiry the gateway no longer knows it.
      readSome(connection.createStatement(), "forgotten_by_client", 3);
      ShownEntry end = AuditTrail.awaitEnd(fixture, "forgotten_by_client", WAIT);
      assertEquals("failure", end.outcome());
      assertEquals("CONNECTION_EXPIRED", AuditTrail.code(end));
      assertTrue(AuditTrail.message(end).contains("limits.idle_timeout"), AuditTrail.message(end));
      assertRowsSent(end, 3);
      assertTrue(EndpointFixture.eventually(WAIT, () -> busy() == 0),
          "its PostgreSQL connection was released");
    }
  }

  /**
   * The message counts the rows sent to the client: at least those it read, fewer than the
   * table's (the driver's first frame holds more rows than the test reads).
   */
  private static void assertRowsSent(ShownEntry end, int read) {
    Matcher sent = Pattern.compile("; (\\d+) rows had been sent").matcher(AuditTrail.message(end));
    assertTrue(sent.find(), AuditTrail.message(end));
    long rows = Long.parseLong(sent.group(1));
    assertTrue(rows >= read && rows < 5_000, AuditTrail.message(end));
  }

  @Test
  void aResultTheClientClosesOrReadsToTheEndIsASuccess() throws Exception {
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      readSome(statement, "closed_by_client", 5).close();
      statement.close();
      ShownEntry closed = AuditTrail.awaitEnd(fixture, "closed_by_client", WAIT);
      assertEquals("success", closed.outcome(), "the client chose to stop reading");

      try (Statement whole = connection.createStatement();
          ResultSet rows = whole.executeQuery("select merchant_id as read_to_the_end"
              + " from payments.merchants")) {
        int count = 0;
        while (rows.next()) {
          count++;
        }
        ShownEntry end = AuditTrail.awaitEnd(fixture, "read_to_the_end", WAIT);
        assertEquals("success", end.outcome());
        assertEquals(count, end.number(EventEncoder.ROWS));
      }
    }
  }

  private int busy() {
    try {
      return fixture.busyPostgresSessions();
    } catch (SQLException e) {
      return -1;
    }
  }
}
