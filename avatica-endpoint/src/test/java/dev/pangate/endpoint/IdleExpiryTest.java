package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
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
 * A client that stops reading does not hold a PostgreSQL connection forever: an unread result is
 * closed after the result idle timeout (and audited as {@code RESULT_EXPIRED}), an unused connection
 * after the idle timeout, and closing releases the PostgreSQL session (checked in
 * pg_stat_activity).
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleExpiryTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .limits("  idle_timeout: 3s\n  result_idle_timeout: 1s")
        .fetchSize(50)
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void anUnreadResultIsClosedAndItsPostgresConnectionReleased() throws Exception {
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      statement.setFetchSize(10);
      ResultSet rows = statement.executeQuery(
          "select txn_id as left_unread, pan from payments.transactions");
      for (int i = 0; i < 10; i++) {
        assertTrue(rows.next());
      }
      assertEquals(1, fixture.busyPostgresSessions(), "the open result holds a PostgreSQL cursor");
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(15), () -> busy() == 0),
          "the unread result was closed and its PostgreSQL session released");
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(10),
          () -> fixture.server().gateway().poolUse().active() == 0), "returned to the pool");
      // The driver surfaces a failed fetch as its own runtime exception.
      Exception expired = assertThrows(Exception.class, () -> {
        while (rows.next()) {
          // reading on fetches the next frame, which is gone
        }
      });
      assertTrue(expired.getMessage().contains("RESULT_EXPIRED"), expired.getMessage());
    }
    ShownEntry end = AuditTrail.awaitEnd(fixture, "left_unread", Duration.ofSeconds(10));
    assertEquals("failure", end.outcome(), "the audit says the client did not get the result");
    assertEquals("RESULT_EXPIRED", AuditTrail.code(end));
    assertTrue(AuditTrail.message(end).contains("limits.result_idle_timeout"), AuditTrail.message(end));
    assertTrue(AuditTrail.message(end).matches(".*; \\d+ rows had been sent"), AuditTrail.message(end));
  }

  @Test
  void anUnusedConnectionExpiresAndClosingReleasesEverything() throws Exception {
    Connection connection = fixture.connect("support-bot");
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select count(*) from payments.merchants")) {
      assertTrue(rows.next());
    }
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(20),
        () -> gauge("pangate_avatica_connections") == 0), "the idle connection was closed");
    assertTrue(fixture.auditText().contains("\"SESSION_CLOSE\""), "its session end is audited");
    Exception gone = assertThrows(Exception.class, () -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("select 1").close();
      }
    });
    assertTrue(gone.getMessage().contains("NO_SUCH_CONNECTION"), gone.getMessage());
    connection.close();
    assertEquals(0, busy());
  }

  private int busy() {
    try {
      return fixture.busyPostgresSessions();
    } catch (SQLException e) {
      return -1;
    }
  }

  private long gauge(String name) {
    for (String line : fixture.server().metrics().render().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    return -1;
  }
}
