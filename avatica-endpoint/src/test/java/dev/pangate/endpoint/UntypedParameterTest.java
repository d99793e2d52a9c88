package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A parameter whose type only its neighbours give ({@code coalesce(?, status)}, {@code coalesce(?, 'none')},
 * {@code greatest(?, 5)}, {@code case ... then ? else 'x' end}) gets the type PostgreSQL infers for
 * it, through the stock Avatica driver (protobuf and JSON): the statement prepares, the parameter's
 * metadata says that type, and the rows are PostgreSQL's for the same statement and values.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UntypedParameterTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  /** A statement as the gateway and PostgreSQL run it, its parameters, and the type inferred. */
  private record Case(String gatewaySql, String postgresSql, int jdbcType, Object... values) {}

  private static final List<Case> CASES = List.of(
      new Case("select card_id from payments.cards where status = coalesce(?, status) order by card_id",
          "SELECT card_id FROM payments.cards WHERE status = coalesce(?, status) ORDER BY card_id",
          Types.VARCHAR, "blocked"),
      new Case("select card_id from payments.cards where status = coalesce(?, status) order by card_id",
          "SELECT card_id FROM payments.cards WHERE status = coalesce(?, status) ORDER BY card_id",
          Types.VARCHAR, (Object) null),
      new Case("select coalesce(?, 'none') as v", "SELECT coalesce(?, 'none') AS v", Types.VARCHAR, "given"),
      new Case("select coalesce(?, 'none') as v", "SELECT coalesce(?, 'none') AS v", Types.VARCHAR, (Object) null),
      new Case("select txn_id from payments.transactions where merchant_id = coalesce(?, merchant_id)"
          + " order by txn_id", "SELECT txn_id FROM payments.transactions WHERE merchant_id ="
          + " coalesce(?, merchant_id) ORDER BY txn_id", Types.INTEGER, 2),
      new Case("select txn_id from payments.transactions where merchant_id = coalesce(?, ?, 3) order by txn_id",
          "SELECT txn_id FROM payments.transactions WHERE merchant_id = coalesce(?, ?, 3) ORDER BY txn_id",
          Types.INTEGER, null, 1),
      new Case("select coalesce(?, ?) as v", "SELECT coalesce(?, ?) AS v", Types.VARCHAR, null, "second"),
      new Case("select greatest(?, 5) as g, least(?, 5) as l", "SELECT greatest(?, 5) AS g, least(?, 5) AS l",
          Types.INTEGER, 7, 7),
      new Case("select card_id, case when card_id < 3 then ? else 'later' end as k from payments.cards"
          + " order by card_id", "SELECT card_id, CASE WHEN card_id < 3 THEN ? ELSE 'later' END AS k"
          + " FROM payments.cards ORDER BY card_id", Types.VARCHAR, "first"),
      // nullif(a, b) resolves as a = b does: a parameter takes the other argument's type
      new Case("select card_id, nullif(?, card_id) as n from payments.cards order by card_id",
          "SELECT card_id, nullif(?, card_id) AS n FROM payments.cards ORDER BY card_id",
          Types.BIGINT, 2),
      new Case("select card_id from payments.cards where nullif(?, status) is null order by card_id",
          "SELECT card_id FROM payments.cards WHERE nullif(?, status) IS NULL ORDER BY card_id",
          Types.VARCHAR, "active"),
      new Case("select card_id, nullif(status, ?) as s from payments.cards order by card_id",
          "SELECT card_id, nullif(status, ?) AS s FROM payments.cards ORDER BY card_id",
          Types.VARCHAR, "active"),
      new Case("select txn_id from payments.transactions where merchant_id = nullif(merchant_id, ?)"
          + " order by txn_id", "SELECT txn_id FROM payments.transactions WHERE merchant_id ="
          + " nullif(merchant_id, ?) ORDER BY txn_id", Types.INTEGER, 1),
      new Case("select nullif(?, 'none') as v", "SELECT nullif(?, 'none') AS v", Types.VARCHAR, "given"),
      new Case("select nullif(?, 5) as v", "SELECT nullif(?, 5) AS v", Types.INTEGER, 7));

  @Test
  void theParameterTakesTheTypeOfItsNeighbours() throws Exception {
    for (String serialization : List.of("protobuf", "json")) {
      try (Connection gateway = DriverManager.getConnection(fixture.jdbcUrl("fraud-analyst",
          fixture.secret("fraud-analyst"), serialization));
          Connection postgres = fixture.database().connect()) {
        for (Case each : CASES) {
          String where = serialization + ": " + each.gatewaySql() + " " + java.util.Arrays.toString(each.values());
          try (PreparedStatement statement = gateway.prepareStatement(each.gatewaySql());
              PreparedStatement direct = postgres.prepareStatement(each.postgresSql())) {
            assertEquals(each.values().length, statement.getParameterMetaData().getParameterCount(), where);
            for (int i = 0; i < each.values().length; i++) {
              assertEquals(each.jdbcType(), statement.getParameterMetaData().getParameterType(i + 1), where);
              if (each.values()[i] == null) {
                statement.setNull(i + 1, each.jdbcType());
                direct.setNull(i + 1, each.jdbcType());
              } else {
                statement.setObject(i + 1, each.values()[i]);
                direct.setObject(i + 1, each.values()[i]);
              }
            }
            List<String> expected = rows(direct);
            assertFalse(expected.isEmpty(), where);
            List<String> actual;
            try {
              actual = rows(statement);
            } catch (SQLException e) {
              throw new AssertionError(where + ": " + e.getMessage(), e);
            }
            assertEquals(expected, actual, where);
          }
        }
      }
    }
  }

  @Test
  void whereTheResolvedTypeDoesNotFitPostgresqlRefusesAndSoDoesPangate() throws Exception {
    String sql = "select txn_id from payments.transactions where merchant_id = coalesce(?, ?)";
    try (Connection postgres = fixture.database().connect()) {
      // coalesce of two parameters is text in PostgreSQL, and integer = text has no operator
      assertThrows(SQLException.class, () -> {
        try (PreparedStatement direct = postgres.prepareStatement(sql)) {
          direct.setString(1, "1");
          direct.setString(2, "2");
          direct.executeQuery().close();
        }
      });
    }
    try (Connection gateway = DriverManager.getConnection(fixture.jdbcUrl("fraud-analyst",
        fixture.secret("fraud-analyst"), "protobuf"))) {
      SQLException refused = assertThrows(SQLException.class, () -> {
        try (PreparedStatement statement = gateway.prepareStatement(sql)) {
          statement.setString(1, "1");
          statement.setString(2, "2");
          statement.executeQuery().close();
        }
      });
      assertTrue(refused.getSQLState().startsWith("42"), refused.getSQLState() + " " + refused.getMessage());
    }
  }

  private static List<String> rows(PreparedStatement statement) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
          row.append(c > 1 ? "|" : "").append(result.getString(c));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
