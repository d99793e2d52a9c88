package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No PAN of the demo database reaches a role that may not see PANs: not in a result (JDBC or
 * JSON), not in an error message (including errors provoked with PANs in the SQL or in
 * parameters), not in the audit log and not in the gateway's log output.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PanLeakTest {

  private static final List<String> ROLES = List.of("support-bot", "fraud-analyst", "migration-bot",
      "security-officer");
  private static final List<String> TABLES = List.of("transactions", "cards", "disputes",
      "settlements", "cardholders", "merchants");

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private EndpointFixture fixture;
  private String pan;
  private final StringBuilder seen = new StringBuilder();

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
    fixture = EndpointFixture.demo(database);
    pan = fixture.allPans().iterator().next();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      fixture.close();
    } finally {
      System.setErr(originalErr);
    }
  }

  @Test
  void noResultOfAnyRoleCarriesAPan() throws Exception {
    for (String identity : ROLES) {
      try (Connection connection = fixture.connect(identity); Statement statement = connection.createStatement()) {
        for (String table : TABLES) {
          String sql = "select * from payments." + table;
          try (ResultSet rows = statement.executeQuery(sql)) {
            ResultSetMetaData columns = rows.getMetaData();
            while (rows.next()) {
              for (int i = 1; i <= columns.getColumnCount(); i++) {
                seen.append(rows.getString(i)).append('|');
              }
            }
          } catch (java.sql.SQLException hidden) {
            seen.append(hidden.getMessage()).append('\n');
          }
          HttpResponse<String> json = fixture.query(identity, "{\"sql\": \"" + sql + "\"}");
          seen.append(json.body()).append('\n');
        }
      }
    }
    assertTrue(seen.length() > 100_000, "the check looked at real results");
    Pans.assertNoPan("results", seen.toString(), fixture.allPans());
  }

  @Test
  void errorsProvokedWithPansDoNotEchoThem() throws Exception {
    List<String> statements = List.of(
        "select nope, '" + pan + "' from payments.transactions",
        "select txn_id from payments.transactions where pan = '" + pan + "' and nope = 1",
        "select cast('" + pan + "x' as integer) from payments.transactions",
        "select txn_id from payments.transactions where txn_id = " + pan + "0000",
        "select '" + pan + "' from payments.no_such_table",
        "insert into payments.cards (card_id, pan) values (1, '" + pan + "')");
    List<String> messages = new ArrayList<>();
    for (String identity : List.of("support-bot", "migration-bot")) {
      try (Connection connection = fixture.connect(identity); Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
              messages.add(rows.getString(1));
            }
          } catch (Exception e) {
            messages.add(fromServer(e));
          }
        }
        try (PreparedStatement date = connection.prepareStatement(
            "select txn_id from payments.transactions where created_at > ?")) {
          date.setString(1, pan);
          date.executeQuery().close();
        } catch (Exception e) {
          messages.add(fromServer(e));
        }
      }
      for (String sql : statements) {
        HttpResponse<String> response = fixture.query(identity,
            "{\"sql\": \"" + sql.replace("'", "\\u0027") + "\"}");
        messages.add(response.body());
      }
      messages.add(fixture.query(identity, "{\"sql\": \"select txn_id from payments.transactions"
          + " where created_at > ?\", \"params\": [\"" + pan + "\"]}").body());
      messages.add(fixture.post("/avatica/json", identity, fixture.secret(identity),
          "{\"request\": \"prepareAndExecute\", \"connectionId\": \"" + pan + "\", \"statementId\": 1,"
              + " \"sql\": \"select '" + pan + "'\", \"maxRowCount\": -1}").body());      // a PAN as a JSON field name, and as an Avatica fetch offset on a real open result
      messages.add(fixture.query(identity, "{\"sql\": \"select 1\", \"" + pan + "\": 1}").body());
      String connection = "pan-offset-" + identity;
      fixture.post("/avatica/json", identity, fixture.secret(identity),
          "{\"request\": \"openConnection\", \"connectionId\": \"" + connection + "\"}");
      fixture.post("/avatica/json", identity, fixture.secret(identity),
          "{\"request\": \"prepareAndExecute\", \"connectionId\": \"" + connection + "\","
              + " \"statementId\": 1, \"sql\": \"select txn_id from payments.transactions\","
              + " \"maxRowCount\": -1, \"maxRowsInFirstFrame\": 1}");
      messages.add(fixture.post("/avatica/json", identity, fixture.secret(identity),
          "{\"request\": \"fetch\", \"connectionId\": \"" + connection + "\", \"statementId\": 1,"
              + " \"offset\": " + pan + ", \"fetchMaxRowCount\": 10}").body());
    }
    String all = String.join("\n", messages);
    assertTrue(all.contains("OBJECT_NOT_FOUND") && all.contains("PARAMETER_TYPE"),
        "the statements really failed: " + all.substring(0, Math.min(400, all.length())));
    Pans.assertNoPan("error messages", all, fixture.allPans());
  }

  @Test
  void neitherTheAuditLogNorTheGatewayLogHoldsAPan() throws Exception {
    noResultOfAnyRoleCarriesAPan();
    errorsProvokedWithPansDoNotEchoThem();
    assertEquals(401, fixture.post("/v1/query", pan, "x", "{}").statusCode(), "a PAN as user name");
    String audit = fixture.auditText();
    assertTrue(audit.contains("STATEMENT_START"));
    Pans.assertNoPan("the audit log", audit, fixture.allPans());
    String output = log.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("pangate serving on"), "the gateway's log was captured");
    Pans.assertNoPan("the gateway's log output", output, fixture.allPans());
  }

  /**
   * What the server sent about a failure. The JDBC driver wraps it in a message of its own that
   * repeats the client's SQL text (the client's own input, not a leak), so only the server's part
   * is checked.
   */
  private static String fromServer(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.apache.calcite.avatica.AvaticaClientRuntimeException remote) {
        return remote.getMessage() + "\n" + String.join("\n", remote.getServerExceptions());
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.apache.calcite.avatica.AvaticaSqlException sql) {
        return String.join("\n", sql.getStackTraces()); // the server's part; the message is the client's
      }
    }
    throw new AssertionError("not a server error: " + failure.getClass().getName());
  }
}
