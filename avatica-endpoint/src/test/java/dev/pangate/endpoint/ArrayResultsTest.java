package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client reads for an array column, through the stock Avatica JDBC driver over protobuf
 * and JSON and through {@code /v1/query}: PostgreSQL's text of the array (what PgJDBC's
 * {@code getString} gives for the same statement run directly), in a {@code VARCHAR} column,
 * whether PostgreSQL computed the array or the gateway built it over masked values.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArrayResultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLEAR = "select card_id, array[card_id, expiry_year] as a,"
      + " '{x,\"y z\",NULL}'::text[] as t, array[1.5, 2] as n, '{{1,2},{3,4}}'::int[] as m,"
      + " array_agg(brand) over (partition by card_id) as g"
      + " from payments.cards where card_id < 4 order by card_id";
  private static final String MASKED = "select card_id, array[pan, brand] as p from payments.cards"
      + " where card_id < 4 order by card_id";

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private static List<List<String>> read(Connection connection, String sql, boolean checkTypes)
      throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      for (int i = 2; checkTypes && i <= columns; i++) {
        assertEquals(Types.VARCHAR, rs.getMetaData().getColumnType(i), sql + ", column " + i);
      }
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
          if (checkTypes && i > 1) {
            assertEquals(rs.getString(i), rs.getObject(i), "getObject is the same text");
          }
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private List<List<String>> viaQuery(String identity, String sql) throws Exception {
    HttpResponse<String> response = fixture.query(identity,
        JSON.writeValueAsString(java.util.Map.of("sql", sql)));
    assertEquals(200, response.statusCode(), response.body());
    JsonNode result = JSON.readTree(response.body());
    for (int i = 1; i < result.get("columns").size(); i++) {
      assertEquals("VARCHAR", result.get("columns").get(i).get("type").asText(), response.body());
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : result.get("rows")) {
      List<String> cells = new ArrayList<>();
      row.forEach(cell -> cells.add(cell.isNull() ? null : cell.asText()));
      rows.add(cells);
    }
    return rows;
  }

  @Test
  void anArrayIsPostgresqlsTextOfItOverEveryProtocol() throws Exception {
    List<List<String>> expected;
    try (Connection admin = fixture.database().connect()) {
      expected = read(admin, CLEAR, false);
    }
    assertEquals(3, expected.size());
    assertEquals("{x,\"y z\",NULL}", expected.get(0).get(2));
    for (String serialization : List.of("protobuf", "json")) {
      try (Connection connection = DriverManager.getConnection(fixture.jdbcUrl("fraud-analyst",
          fixture.secret("fraud-analyst"), serialization))) {
        assertEquals(expected, read(connection, CLEAR, true), serialization);
      }
    }
    assertEquals(expected, viaQuery("fraud-analyst", CLEAR));
  }

  @Test
  void anArrayOfMaskedValuesIsTheirTextToo() throws Exception {
    for (String identity : List.of("fraud-analyst", "migration-bot")) {
      List<List<String>> masked = new ArrayList<>();
      try (Connection connection = fixture.connect(identity);
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("select card_id, pan, brand from payments.cards"
              + " where card_id < 4 order by card_id")) {
        while (rs.next()) {
          masked.add(List.of(rs.getString(1), "{" + rs.getString(2) + "," + rs.getString(3) + "}"));
        }
      }
      assertEquals(3, masked.size());
      for (String serialization : List.of("protobuf", "json")) {
        try (Connection connection = DriverManager.getConnection(fixture.jdbcUrl(identity,
            fixture.secret(identity), serialization))) {
          assertEquals(masked, read(connection, MASKED, true), identity + " " + serialization);
        }
      }
      assertEquals(masked, viaQuery(identity, MASKED), identity);
      for (List<String> row : masked) {
        for (String pan : fixture.allPans()) {
          assertTrue(!row.get(1).contains(pan), "a PAN in " + identity + "'s array");
        }
      }
    }
  }
}
