package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * Escapes found by attacking the gateway with the stock driver, kept as regressions: batched
 * prepared writes over protobuf (Avatica hands those only to a ProtobufMeta), EXPLAIN of a write,
 * stacked statements, parse errors audited as what they are, and a second gateway on the same
 * audit directory or port.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EscapeRegressionTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private String status(long txnId) throws SQLException {
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select status from payments.transactions where txn_id = "
            + txnId)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void batchedPreparedWritesAreRefusedByPolicyAndAuditedInBothSerializations() throws Exception {
    for (String serialization : List.of("protobuf", "json")) {
      String before = status(5);
      try (Connection connection = java.sql.DriverManager.getConnection(fixture.jdbcUrl(
              "support-bot", fixture.secret("support-bot"), serialization));
          PreparedStatement update = connection.prepareStatement(
              "update payments.transactions set status = ? where txn_id = ?")) {
        update.setString(1, "batch-" + serialization);
        update.setLong(2, 5);
        update.addBatch();
        update.setString(1, "batch-" + serialization);
        update.setLong(2, 6);
        update.addBatch();
        SQLException refused = assertThrows(SQLException.class, update::executeBatch);
        String message = refused instanceof BatchUpdateException && refused.getCause() != null
            ? refused.getMessage() + " " + refused.getCause().getMessage() : refused.getMessage();
        assertTrue(message.contains("WRITE_NOT_ALLOWED"), serialization + ": " + message);
        assertFalse(message.contains("INTERNAL_ERROR"), serialization + ": " + message);
      }
      assertEquals(before, status(5), serialization + ": nothing changed");
    }
    long denied = fixture.auditText().lines().filter(line -> line.contains("\"ACCESS_DENIED\"")
        && line.contains("WRITE_NOT_ALLOWED") && line.contains("support-bot")).count();
    assertTrue(denied >= 2, "each batch's refusal is audited, got " + denied);
  }

  @Test
  void batchedPreparedWritesHeldForApprovalOverProtobuf() throws Exception {
    try (Connection connection = fixture.connect("migration-bot");
        PreparedStatement update = connection.prepareStatement(
            "update payments.cards set status = ? where card_id = ?")) {
      update.setString(1, "blocked");
      update.setLong(2, 77);
      update.addBatch();
      SQLException held = assertThrows(SQLException.class, update::executeBatch);
      assertTrue(String.valueOf(held.getMessage()).contains("APPROVAL_REQUIRED")
          || String.valueOf(held.getCause()).contains("APPROVAL_REQUIRED"), held.toString());
    }
    assertTrue(fixture.auditText().contains("APPROVAL_REQUEST"));
  }

  @Test
  void explainOfAWriteShowsThePlanAndChangesNothing() throws Exception {
    String before = status(7);
    try (Connection connection = fixture.connect("migration-bot");
        Statement statement = connection.createStatement();
        ResultSet plan = statement.executeQuery(
            "explain plan for update payments.transactions set status = 'x' where txn_id = 7")) {
      List<String> lines = new ArrayList<>();
      while (plan.next()) {
        lines.add(plan.getString(1));
      }
      assertFalse(lines.isEmpty());
      assertTrue(String.join("\n", lines).contains("UPDATE") || String.join("\n", lines)
          .toLowerCase().contains("modify"), String.join("\n", lines));
    }
    try (Connection connection = fixture.connect("migration-bot");
        PreparedStatement prepared = connection.prepareStatement(
            "explain plan for update payments.transactions set status = 'x' where txn_id = ?")) {
      prepared.setLong(1, 7);
      try (ResultSet plan = prepared.executeQuery()) {
        assertTrue(plan.next(), "a prepared EXPLAIN of a write returns its plan");
      }
    }
    assertEquals(before, status(7));
  }

  @Test
  void stackedStatementsAreRefusedAndRunNothing() throws Exception {
    for (String stacked : List.of("select 1; commit; drop table payments.cards",
        "select 1; update payments.transactions set status = 'x'",
        "select count(*) from payments.merchants; delete from payments.transactions")) {
      try (Connection connection = fixture.connect("fraud-analyst");
          Statement statement = connection.createStatement()) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.execute(stacked));
        assertFalse(refused.getMessage().contains("INTERNAL_ERROR"), refused.getMessage());
      }
    }
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select count(*) from payments.cards")) {
      rs.next();
      assertTrue(rs.getLong(1) > 0, "the table is still there");
    }
    assertFalse(status(1).equals("x"));
  }

  @Test
  void aTypoIsAuditedAsAnInvalidStatementNotAnAccessDenial() throws Exception {
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      assertThrows(SQLException.class, () -> statement.executeQuery("selec txn_id frm payments.transactions"));
    }
    List<String> entries = fixture.auditText().lines()
        .filter(line -> line.contains("selec txn_id frm")).toList();
    assertFalse(entries.isEmpty());
    assertTrue(entries.stream().allMatch(line -> line.contains("\"STATEMENT_INVALID\"")
        && !line.contains("\"ACCESS_DENIED\"")), entries.toString());
  }

  @Test
  void aSecondGatewayOnTheSameAuditDirectoryRefusesAndChangesNothing() throws Exception {
    Path configFile = fixture.directory().resolve("pangate.yaml");
    Map<String, byte[]> before = files(fixture.directory().resolve("audit"));
    ConfigException locked = assertThrows(ConfigException.class,
        () -> PangateServer.start(ConfigLoader.load(configFile, Map.of())).close());
    assertTrue(locked.getMessage().contains("in use by another running pangate"), locked.getMessage());
    fixture.server().gateway().flushAudit();
    Map<String, byte[]> after = files(fixture.directory().resolve("audit"));
    before.forEach((name, bytes) -> {
      byte[] now = after.get(name);
      assertTrue(now != null && now.length >= bytes.length, "not cut: " + name);
      assertArrayEquals(bytes, java.util.Arrays.copyOf(now, bytes.length),
          "only the running gateway appended to " + name);
    });

    // The same port, another audit directory: refused before that directory is created.
    Path other = Files.createTempDirectory("pangate-second");
    String config = Files.readString(configFile)
        .replace("directory: audit", "directory: " + other.resolve("audit"))
        .replace("port: 0", "port: " + fixture.server().port());
    Path otherConfig = fixture.directory().resolve("second.yaml");
    Files.writeString(otherConfig, config);
    ConfigException port = assertThrows(ConfigException.class,
        () -> PangateServer.start(ConfigLoader.load(otherConfig, Map.of())).close());
    assertTrue(port.getMessage().contains("cannot listen"), port.getMessage());
    assertFalse(Files.exists(other.resolve("audit")), "nothing was created");
  }

  private static Map<String, byte[]> files(Path directory) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    try (var list = Files.list(directory)) {
      for (Path file : list.toList()) {
        files.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    }
    return files;
  }
}
