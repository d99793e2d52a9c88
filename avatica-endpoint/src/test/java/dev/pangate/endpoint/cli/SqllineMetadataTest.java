package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.endpoint.EndpointFixture;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import sqlline.SqlLine;

/**
 * sqlline (driven through its API, as a user types) and the stock Avatica driver's
 * {@code DatabaseMetaData} against the demo gateway: metadata answers the way tools ask.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqllineMetadataTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  /** sqlline as {@code pangate sqlline} starts it, fed the lines a user types. */
  private String sqlline(String identity, String... lines) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    SqlLine sqlline = new SqlLine();
    sqlline.setOutputStream(new PrintStream(captured, true, StandardCharsets.UTF_8));
    sqlline.setErrorStream(new PrintStream(captured, true, StandardCharsets.UTF_8));
    String input = String.join("\n", lines) + "\n!quit\n";
    String[] args = SqllineCommand.withDefaults(new String[] {"-u", fixture.jdbcUrl(identity),
        "-n", identity, "-p", fixture.secret(identity)}, false);
    SqlLine.Status status = sqlline.begin(args,
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), false);
    String output = captured.toString(StandardCharsets.UTF_8);
    assertEquals(SqlLine.Status.OK, status, output);
    return output;
  }

  /** What sqlline printed after each command, in order. */
  private static List<String> answers(String output, List<String> commands) {
    List<String> answers = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < commands.size(); i++) {
      int at = output.indexOf("> " + commands.get(i), from);
      assertTrue(at >= 0, commands.get(i) + " was run: " + output);
      int next = i + 1 < commands.size() ? output.indexOf("> " + commands.get(i + 1), at + 1)
          : output.indexOf("> !quit", at + 1);
      assertTrue(next > at, output);
      answers.add(output.substring(at + 2 + commands.get(i).length(), next));
      from = next;
    }
    return answers;
  }

  @Test
  void sqllineColumnsAndDescribeShowTheRolesColumns() throws Exception {
    // sqlline takes a schema and a table as two words ("payments.cards" would be read as table
    // "payments", with PostgreSQL's own driver too); it upper-cases both.
    List<String> commands = List.of("!columns payments cards", "!columns cards",
        "!describe cards", "!columns PAYMENTS CARDS", "!columns payments cardholders",
        "!columns payments settlements");
    String output = sqlline("support-bot", commands.toArray(String[]::new));
    assertFalse(output.contains("is not supported"), "no isolation warning at start: " + output);
    List<String> answers = answers(output, commands);
    for (int i = 0; i < 4; i++) {
      String answer = answers.get(i);
      for (String column : List.of("card_id", "pan", "brand")) {
        assertTrue(answer.contains("| " + column + " "), commands.get(i) + " lists " + column + ":\n"
            + answer);
      }
      assertTrue(answer.contains("masked: "), commands.get(i) + " says which are masked:\n" + answer);
    }
    assertTrue(answers.get(4).contains("| cardholder_id "), answers.get(4));
    assertFalse(answers.get(4).contains("street"), "a denied column is not listed: " + answers.get(4));
    assertFalse(answers.get(5).contains("| settlement"), "a hidden table lists nothing: " + answers.get(5));
    assertFalse(answers.get(5).contains("| payments "), answers.get(5));
  }

  @Test
  void metadataPatternsMatchAsToolsSendThem() throws Exception {
    try (Connection connection = fixture.connect("fraud-analyst")) {
      DatabaseMetaData metadata = connection.getMetaData();
      List<String> lower = columns(metadata, "payments", "cards", "%");
      assertTrue(lower.contains("card_id") && lower.contains("pan"), lower.toString());
      assertEquals(lower, columns(metadata, "PAYMENTS", "CARDS", "%"),
          "upper case, as tools send names when the driver reports storesUpperCaseIdentifiers()");
      assertEquals(lower, columns(metadata, null, "CARDS", null));
      assertEquals(List.of("card_id"), columns(metadata, "PAYMENTS", "CARDS", "CARD\\_ID"));
      assertEquals(List.of(), columns(metadata, "Payments", "Cards", "%"),
          "a mixed-case pattern is taken as written, as PostgreSQL takes a quoted name");
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = metadata.getTables(null, "PAYMENTS", "CARD%", null)) {
        while (rows.next()) {
          tables.add(rows.getString("TABLE_NAME"));
        }
      }
      assertEquals(List.of("cardholders", "cards"), tables);
      try (ResultSet rows = metadata.getSchemas(null, "PAYMENTS")) {
        assertTrue(rows.next());
        assertEquals("payments", rows.getString("TABLE_SCHEM"));
      }
    }
    try (Connection connection = fixture.connect("support-bot")) {
      assertEquals(List.of(), columns(connection.getMetaData(), "PAYMENTS", "SETTLEMENTS", "%"),
          "hidden tables stay absent whatever the case");
      assertFalse(columns(connection.getMetaData(), "PAYMENTS", "CARDHOLDERS", "%").contains("street"));
    }
  }

  private static List<String> columns(DatabaseMetaData metadata, String schema, String table,
      String column) throws Exception {
    List<String> names = new ArrayList<>();
    try (ResultSet rows = metadata.getColumns(null, schema, table, column)) {
      while (rows.next()) {
        names.add(rows.getString("COLUMN_NAME"));
      }
    }
    return names;
  }

  @Test
  void theIsolationIsTheOnePostgresqlRuns() throws Exception {
    try (Connection connection = fixture.connect("migration-bot")) {
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation());
      assertEquals(Connection.TRANSACTION_READ_COMMITTED,
          connection.getMetaData().getDefaultTransactionIsolation());
      connection.setTransactionIsolation(Connection.TRANSACTION_NONE);
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation(),
          "a lower level asked for is raised to READ COMMITTED, and the client is told so");
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation());
      for (int level : new int[] {Connection.TRANSACTION_REPEATABLE_READ,
          Connection.TRANSACTION_SERIALIZABLE}) {
        connection.setTransactionIsolation(level);
        assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation(),
            "a higher level is not offered, and the client is told the level it gets");
      }
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
          "select count(*) from payments.cards")) {
        assertTrue(rows.next(), "the connection works on");
      }
    }
  }

  /**
   * What the stock driver answers by itself, whatever the server says (docs/gateway.md lists
   * these): if a driver release starts asking the server, this fails and the docs need updating.
   */
  @Test
  void whatTheStockDriverAnswersByItself() throws Exception {
    try (Connection connection = fixture.connect("fraud-analyst")) {
      DatabaseMetaData metadata = connection.getMetaData();
      assertTrue(metadata.storesUpperCaseIdentifiers());
      assertFalse(metadata.storesLowerCaseIdentifiers());
      assertFalse(metadata.supportsTransactions());
      assertTrue(metadata.supportsTransactionIsolationLevel(Connection.TRANSACTION_NONE));
      assertFalse(metadata.supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_COMMITTED));
      assertEquals("Avatica Remote JDBC Driver", metadata.getDriverName());
    }
  }
}
