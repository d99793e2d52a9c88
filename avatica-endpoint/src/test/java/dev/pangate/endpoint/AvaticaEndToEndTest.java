package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The standard Avatica remote JDBC driver against the gateway: each demo role sees what its policy
 * gives it, metadata shows only visible objects, prepared statements bind parameters, results
 * stream in frames, both of Avatica's serializations work, and writes are refused.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvaticaEndToEndTest {

  private EndpointFixture fixture;
  /** txn_id → (merchant_id, pan) straight from PostgreSQL, to compare against. */
  private final Map<Long, Object[]> transactions = new LinkedHashMap<>();

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
    try (Connection admin = database.connect(); Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT txn_id, merchant_id, pan FROM payments.transactions ORDER BY txn_id")) {
      while (rows.next()) {
        transactions.put(rows.getLong(1), new Object[] {rows.getInt(2), rows.getString(3)});
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void supportBotSeesTokensOfItsOwnMerchantsOnly() throws SQLException {
    List<Long> seen = new ArrayList<>();
    try (Connection connection = fixture.connect("support-bot");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "select txn_id, merchant_id, pan from payments.transactions order by txn_id")) {
      while (rows.next()) {
        long id = rows.getLong(1);
        Object[] raw = transactions.get(id);
        String real = (String) raw[1];
        String token = rows.getString(3);
        assertTrue(List.of(1, 2, 3).contains(rows.getInt(2)), "row of another merchant: txn " + id);
        assertFalse(fixture.allPans().contains(token), "a PAN reached support-bot: txn " + id);
        assertEquals(real.length(), token.length(), "a token keeps the PAN's length");
        // FF1 needs six digits to encrypt, so short PANs keep fewer than six leading digits
        int kept = Math.min(6, real.length() - 10);
        assertEquals(real.substring(0, kept), token.substring(0, kept), "a token keeps the BIN");
        assertEquals(real.substring(real.length() - 4), token.substring(token.length() - 4));
        assertTrue(token.chars().allMatch(Character::isDigit), "a token is digits");
        seen.add(id);
      }
    }
    long expected = transactions.values().stream().filter(r -> (Integer) r[0] <= 3).count();
    assertEquals(expected, seen.size(), "every transaction of merchants 1-3, no other");
  }

  @Test
  void fraudAnalystSeesTruncatedPansOfAllRows() throws SQLException {
    int count = 0;
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select txn_id, pan from payments.transactions")) {
      while (rows.next()) {
        String real = (String) transactions.get(rows.getLong(1))[1];
        String shown = rows.getString(2);
        assertEquals(real.substring(0, 6) + "*".repeat(real.length() - 10)
            + real.substring(real.length() - 4), shown);
        count++;
      }
    }
    assertEquals(transactions.size(), count);
  }

  @Test
  void approverSeesNoCardholderDataAndHiddenReadsAsMissing() throws SQLException {
    try (Connection connection = fixture.connect("security-officer");
        Statement statement = connection.createStatement()) {
      SQLException hidden = assertThrows(SQLException.class,
          () -> statement.executeQuery("select pan from payments.cards"));
      SQLException missing = assertThrows(SQLException.class,
          () -> statement.executeQuery("select pan from payments.no_such_table"));
      assertTrue(hidden.getMessage().contains("OBJECT_NOT_FOUND"), hidden.getMessage());
      assertEquals(missing.getMessage().replace("no_such_table", "cards"),
          hidden.getMessage(), "a hidden table reads exactly like one that does not exist");
      try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
        assertFalse(tables.next(), "the approver's role has no tables");
      }
    }
  }

  @Test
  void explainIsOneTextColumnOfPlanLinesThroughBothProtocols() throws Exception {
    String sql = "explain plan for select email, city from payments.cardholders where city like 'B%'";
    try (Connection connection = fixture.connect("support-bot");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertEquals(1, rows.getMetaData().getColumnCount());
      assertEquals("plan", rows.getMetaData().getColumnName(1));
      StringBuilder plan = new StringBuilder();
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
      assertTrue(plan.toString().contains("redact<-(email)"), plan.toString());
    }
    java.net.http.HttpResponse<String> json = fixture.query("support-bot",
        "{\"sql\": \"" + sql + "\"}");
    assertEquals(200, json.statusCode(), json.body());
    assertTrue(json.body().startsWith("{\"columns\":[{\"name\":\"plan\",\"type\":\"VARCHAR\"}]"),
        json.body());
  }

  @Test
  void metadataShowsOnlyTheRolesObjects() throws SQLException {
    try (Connection connection = fixture.connect("support-bot")) {
      DatabaseMetaData metadata = connection.getMetaData();
      assertEquals(new TreeSet<>(List.of("cardholders", "cards", "disputes", "merchants", "transactions")),
          names(metadata.getTables(null, "payments", "%", null), "TABLE_NAME"));
      assertEquals(new TreeSet<>(List.of("payments")), names(metadata.getSchemas(), "TABLE_SCHEM"));
      assertEquals(new TreeSet<>(List.of("cardholder_id", "full_name", "email", "phone", "city",
          "postal_code", "country", "created_at")),
          names(metadata.getColumns(null, "payments", "cardholders", "%"), "COLUMN_NAME"),
          "denied columns (street) do not exist for the role");
      try (ResultSet pan = metadata.getColumns(null, "payments", "transactions", "pan")) {
        assertTrue(pan.next());
        assertTrue(pan.getString("REMARKS").startsWith("masked: "), pan.getString("REMARKS"));
        assertEquals("transactions", pan.getString("TABLE_NAME"));
      }
      assertTrue(names(metadata.getTables(null, null, "settle%", null), "TABLE_NAME").isEmpty());
      // Keys travel in REMARKS (Avatica's driver answers getPrimaryKeys itself, with nothing).
      assertEquals("primary key", remarks(metadata, "cards", "card_id"));
      assertEquals("references payments.cardholders(cardholder_id)",
          remarks(metadata, "cards", "cardholder_id"));
      assertTrue(remarks(metadata, "transactions", "pan").startsWith("masked: "));
    }
    try (Connection connection = fixture.connect("migration-bot")) {
      // cardholders is invisible to the role: no key may point at it
      assertEquals(null, remarks(connection.getMetaData(), "cards", "cardholder_id"));
      assertEquals("primary key", remarks(connection.getMetaData(), "cards", "card_id"));
    }
    try (Connection connection = fixture.connect("fraud-analyst")) {
      assertEquals(new TreeSet<>(List.of("cardholder_id", "city", "postal_code", "country", "created_at")),
          names(connection.getMetaData().getColumns(null, "payments", "cardholders", null), "COLUMN_NAME"));
      assertTrue(names(connection.getMetaData().getTables(null, null, null, null), "TABLE_NAME")
          .contains("settlements"));
    }
  }

  private static String remarks(DatabaseMetaData metadata, String table, String column)
      throws SQLException {
    try (ResultSet rows = metadata.getColumns(null, "payments", table, column)) {
      assertTrue(rows.next(), table + "." + column);
      return rows.getString("REMARKS");
    }
  }

  private static TreeSet<String> names(ResultSet rows, String column) throws SQLException {
    TreeSet<String> names = new TreeSet<>();
    try (rows) {
      while (rows.next()) {
        names.add(rows.getString(column));
      }
    }
    return names;
  }

  @Test
  void preparedStatementsBindParametersAndRunAgain() throws SQLException {
    String sql = "select txn_id, pan from payments.transactions where merchant_id = ?"
        + " and created_at >= ? order by txn_id";
    try (Connection connection = fixture.connect("support-bot");
        PreparedStatement statement = connection.prepareStatement(sql)) {
      assertEquals(2, statement.getParameterMetaData().getParameterCount());
      for (int merchant : new int[] {1, 2, 7}) {
        statement.setInt(1, merchant);
        statement.setTimestamp(2, Timestamp.valueOf("2024-01-01 00:00:00"));
        List<Long> ids = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            ids.add(rows.getLong(1));
            assertFalse(fixture.allPans().contains(rows.getString(2)));
          }
        }
        List<Long> expected = expected(merchant);
        assertEquals(merchant <= 3 ? expected : List.of(), ids,
            "merchant " + merchant + " (support-bot's row filter keeps merchants 1-3)");
        if (merchant <= 3) {
          assertFalse(ids.isEmpty());
        }
      }
    }
  }

  private List<Long> expected(int merchant) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection admin = fixture.database().connect();
        PreparedStatement statement = admin.prepareStatement("SELECT txn_id FROM payments.transactions"
            + " WHERE merchant_id = ? AND created_at >= timestamptz '2024-01-01 00:00:00' ORDER BY txn_id")) {
      statement.setInt(1, merchant);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
    }
    return ids;
  }

  @Test
  void resultsStreamInFramesOfTheFetchSize() throws Exception {
    List<Long> ids = new ArrayList<>();
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      statement.setFetchSize(37);
      try (ResultSet rows = statement.executeQuery(
          "select txn_id, pan from payments.transactions order by txn_id")) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      assertEquals(new ArrayList<>(transactions.keySet()), ids, "every row, in order, across frames");
      statement.setMaxRows(120);
      int limited = 0;
      try (ResultSet rows = statement.executeQuery("select txn_id from payments.transactions")) {
        while (rows.next()) {
          limited++;
        }
      }
      assertEquals(120, limited, "max rows is honoured");
    }
    // connections go back to the pool from a background thread once a result is finished
    assertTrue(EndpointFixture.eventually(Duration.ofSeconds(10),
        () -> fixture.server().gateway().poolUse().active() == 0),
        "finished results gave their PostgreSQL connections back");
  }

  @Test
  void jsonSerializationServesTheSameResults() throws SQLException {
    String url = fixture.jdbcUrl("fraud-analyst", fixture.secret("fraud-analyst"), "json");
    try (Connection connection = java.sql.DriverManager.getConnection(url);
        PreparedStatement statement = connection.prepareStatement(
            "select txn_id, pan, amount from payments.transactions where txn_id = ?")) {
      statement.setLong(1, 1L);
      try (ResultSet rows = statement.executeQuery()) {
        assertTrue(rows.next());
        String real = (String) transactions.get(1L)[1];
        assertEquals(real.substring(0, 6), rows.getString(2).substring(0, 6));
        assertTrue(rows.getString(2).contains("*"));
        assertFalse(rows.next());
      }
    }
  }

  @Test
  void writesAreRefusedByPolicy() throws SQLException {
    try (Connection connection = fixture.connect("support-bot");
        Statement statement = connection.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "update payments.transactions set status = 'reversed' where txn_id = 1"));
      assertTrue(refused.getMessage().contains("WRITE_NOT_ALLOWED"), refused.getMessage());
      connection.commit();
      connection.rollback();
    }
    try (Connection admin = fixture.database().connect(); Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery("SELECT status FROM payments.transactions WHERE txn_id = 1")) {
      row.next();
      assertNotEquals("reversed", row.getString(1), "nothing was written");
    }
  }

  @Test
  void errorsCarryACodeAndNoStackTrace() throws SQLException {
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      SQLException error = assertThrows(SQLException.class,
          () -> statement.executeQuery("select nope from payments.transactions"));
      assertTrue(error.getMessage().contains("OBJECT_NOT_FOUND"), error.getMessage());
      assertFalse(error.getMessage().contains("\tat "), "no stack trace: " + error.getMessage());
      assertFalse(error.getMessage().contains("Exception"), error.getMessage());
      // the connection still works after an error
      try (ResultSet rows = statement.executeQuery("select count(*) from payments.merchants")) {
        assertTrue(rows.next());
        assertTrue(rows.getLong(1) > 0);
      }
    }
  }

  @Test
  void errorsCarryTheRegistrysSqlStateOrPostgresqlsOwn() throws SQLException {
    try (Connection connection = fixture.connect("fraud-analyst");
        Statement statement = connection.createStatement()) {
      SQLException missing = assertThrows(SQLException.class,
          () -> statement.executeQuery("select nope from payments.transactions"));
      assertEquals("42P01", missing.getSQLState());
      assertEquals(dev.pangate.engine.ErrorCode.OBJECT_NOT_FOUND.number(), missing.getErrorCode());
      SQLException parse = assertThrows(SQLException.class,
          () -> statement.executeQuery("select from from"));
      assertEquals("42601", parse.getSQLState());
      // raised by PostgreSQL: its own SQLSTATE (division_by_zero), not the class of the code
      SQLException division = assertThrows(SQLException.class,
          () -> statement.executeQuery("select txn_id / (txn_id - txn_id) from payments.transactions"));
      assertTrue(division.getMessage().contains("DATA_EXCEPTION: "), division.getMessage());
      assertEquals("22012", division.getSQLState());
    }
    try (Connection connection = fixture.connect("support-bot");
        Statement statement = connection.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "update payments.transactions set status = 'reversed' where txn_id = 1"));
      assertEquals("42501", refused.getSQLState(), refused.getMessage());
    }
  }
}
