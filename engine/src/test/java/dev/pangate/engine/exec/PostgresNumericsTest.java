package dev.pangate.engine.exec;

import static dev.pangate.engine.gateway.GatewayFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Numeric division and averages the gateway computes over masked rows print PostgreSQL's digits:
 * the scale PostgreSQL chooses, its rounding, no rescaling of an unconstrained numeric.
 */
@ExtendWith(PostgresExtension.class)
class PostgresNumericsTest {

  private static GatewayFixture fixture;
  private static Session fraud;
  private static Session migration;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    fraud = fixture.session("fraud-analyst");
    migration = fixture.session("migration-bot");
  }

  @AfterAll
  static void stop() throws Exception {
    migration.close();
    fraud.close();
    fixture.close();
  }

  @Test
  void divisionHasPostgresqlsScaleAndRounding() throws Exception {
    String[][] pairs = {
        {"579.91", "9"}, {"386.67", "6"}, {"7.80", "1"}, {"15080.00", "2"}, {"1", "3"},
        {"2", "3"}, {"-2", "3"}, {"0", "7"}, {"0.00", "3"}, {"1", "1048576"}, {"123456789.123", "7"},
        {"99999999999999999999", "3"}, {"0.000001", "3"}, {"1", "0.0003"}, {"10000", "10000"},
        {"9999", "10000"}, {"1.5", "2"}, {"5", "0.000000000000000002"}, {"-7.123456789", "-3.1"},
        {"1.00000000000000000005", "1"}, {"2.5", "10000000000000000000"}};
    try (Connection connection = fixture.admin(); Statement statement = connection.createStatement()) {
      for (String[] pair : pairs) {
        try (ResultSet result = statement.executeQuery(
            "select (" + pair[0] + "::numeric / " + pair[1] + "::numeric)::text")) {
          assertTrue(result.next());
          String expected = result.getString(1);
          String actual = PostgresNumerics.divide(new BigDecimal(pair[0]), new BigDecimal(pair[1]))
              .toPlainString();
          assertEquals(expected, actual, pair[0] + " / " + pair[1]);
        }
      }
    }
    EngineException zero = assertThrows(EngineException.class,
        () -> PostgresNumerics.divide(BigDecimal.ONE, 0L));
    assertEquals("22012", zero.sqlState(), zero.getMessage());
  }

  @Test
  void windowedSumAndAvgOverTruncatedPansPrintPostgresqlsDigits() throws Exception {
    String truncated = "left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4)";
    String gateway = "select txn_id, avg(amount) over (partition by pan),"
        + " sum(amount) over (partition by pan order by txn_id rows between 1 preceding and current row),"
        + " sum(amount) over (partition by pan) / count(*) over (partition by pan)"
        + " from payments.transactions where card_id <= 6 order by txn_id";
    List<List<String>> expected = fixture.direct(gateway.replace("partition by pan",
        "partition by " + truncated));
    List<List<String>> actual = rows(fraud, gateway);
    assertFalse(expected.isEmpty());
    assertEquals(expected, actual);
  }

  @Test
  void averagesOfGroupsOfTokensPrintPostgresqlsDigits() throws Exception {
    // migration-bot groups on tokens in the gateway; tokens of PANs stand one for one for the PANs
    String sql = "select count(*), avg(amount), sum(amount), avg(merchant_id), avg(amount * 100000000)"
        + " from payments.transactions where card_id <= 40 group by pan order by 2, 3, 1, 4";
    List<List<String>> actual = rows(migration, sql);
    assertFalse(actual.isEmpty());
    assertEquals(fixture.direct(sql), actual);
  }
}
