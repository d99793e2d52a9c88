package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.ErrorCode;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Errors a program can act on, through the stock Avatica driver (protobuf and JSON): at
 * {@code prepareStatement} and at {@code execute}, the SQLException carries pangate's SQLSTATE and
 * the code's number; the gateway's message (which starts with the code) is the exception's own at
 * execute, and at prepare (where the driver writes its own "while preparing SQL") the first of
 * the AvaticaSqlException's {@code getStackTraces()}.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcErrorsTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private static final Map<String, ErrorCode> STATEMENTS = Map.of(
      "drop table payments.cards", ErrorCode.STATEMENT_NOT_ALLOWED,
      "alter table payments.cards add column x int", ErrorCode.STATEMENT_NOT_ALLOWED,
      "truncate payments.cards", ErrorCode.STATEMENT_NOT_ALLOWED,
      "grant select on payments.cards to public", ErrorCode.STATEMENT_NOT_ALLOWED,
      "show tables", ErrorCode.STATEMENT_NOT_ALLOWED,
      "selec * from payments.cards", ErrorCode.SQL_PARSE_ERROR,
      "select txn_idd from payments.transactions", ErrorCode.OBJECT_NOT_FOUND,
      "delete from payments.transactions", ErrorCode.WRITE_NOT_ALLOWED);

  @Test
  void everyRefusalCarriesItsCodeAtPrepareAndAtExecute() throws Exception {
    for (String serialization : List.of("protobuf", "json")) {
      try (Connection connection = DriverManager.getConnection(fixture.jdbcUrl("support-bot",
          fixture.secret("support-bot"), serialization))) {
        for (Map.Entry<String, ErrorCode> each : STATEMENTS.entrySet()) {
          String sql = each.getKey();
          ErrorCode code = each.getValue();
          String where = serialization + ": " + sql;
          if (code != ErrorCode.WRITE_NOT_ALLOWED) { // a write is refused when it runs
            SQLException prepared = assertThrows(SQLException.class,
                () -> connection.prepareStatement(sql), where);
            assertEquals(code.sqlState(), prepared.getSQLState(), where);
            assertEquals(code.number(), prepared.getErrorCode(), where);
            // The driver's own message ("Error 1105 (42501) : while preparing SQL: ..."); the
            // gateway's, code first, is the AvaticaSqlException's first "stack trace".
            assertTrue(prepared.getMessage().startsWith("Error " + code.number() + " ("
                + code.sqlState() + ")"), where + " -> " + prepared.getMessage());
            AvaticaSqlException avatica = assertInstanceOf(AvaticaSqlException.class, prepared);
            assertTrue(avatica.getStackTraces().get(0).startsWith(code.name() + ": "),
                where + " -> " + avatica.getStackTraces());
          }
          try (Statement statement = connection.createStatement()) {
            SQLException executed = assertThrows(SQLException.class, () -> statement.execute(sql), where);
            assertEquals(code.sqlState(), executed.getSQLState(), where);
            assertEquals(code.number(), executed.getErrorCode(), where);
            assertTrue(executed.getMessage().contains(code.name() + ": "), where + " -> "
                + executed.getMessage());
          }
        }
      }
    }
  }

  @Test
  void messagesSayWhatToDoInstead() throws Exception {
    try (Connection connection = fixture.connect("support-bot");
        Statement statement = connection.createStatement()) {
      String show = assertThrows(SQLException.class, () -> statement.execute("show tables")).getMessage();
      assertTrue(show.contains("getTables") && show.contains("/v1/tables") && show.contains("list_tables"),
          show);
      String selec = assertThrows(SQLException.class,
          () -> statement.execute("selec * from payments.cards")).getMessage();
      assertTrue(selec.contains("did you mean SELECT?"), selec);
      String column = assertThrows(SQLException.class,
          () -> statement.execute("select txn_idd from payments.transactions")).getMessage();
      assertTrue(column.contains("did you mean 'txn_id'?"), column);
      // support-bot may not see cardholders.street: a near-miss of it suggests nothing, exactly as
      // for a column that does not exist (no oracle for hidden columns).
      String hidden = assertThrows(SQLException.class,
          () -> statement.execute("select stret from payments.cardholders")).getMessage();
      assertFalse(hidden.contains("street"), hidden);
      String absent = assertThrows(SQLException.class,
          () -> statement.execute("select strxt from payments.cardholders")).getMessage();
      assertEquals(absent.replace("strxt", "stret"), hidden);
      String table = assertThrows(SQLException.class,
          () -> statement.execute("select * from payments.settlement")).getMessage();
      assertFalse(table.contains("did you mean"), "a hidden table is never suggested: " + table);
    }
  }
}
