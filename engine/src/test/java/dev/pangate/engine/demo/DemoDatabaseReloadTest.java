package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Loading into a database that already has a schema payments: a foreign one is never touched, a
 * demo one only when asked; and a seed always loads the same data.
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoDatabaseReloadTest {

  @Test
  @Order(1)
  void gatewayRoleNeedsTheDemoSchema(TestDatabase database) throws SQLException {
    try (Connection admin = database.connect()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> DemoDatabase.createGatewayRole(admin, "pangate_never_created", "secret"));
      assertTrue(refused.getMessage().contains("create the demo database"), refused.getMessage());
      assertEquals(0, count(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'pangate_never_created'"));
    }
  }

  @Test
  @Order(2)
  void foreignPaymentsSchemaIsNeverDropped(TestDatabase database) throws SQLException {
    database.execute("CREATE SCHEMA payments",
        "CREATE TABLE payments.ledger (id int)", "INSERT INTO payments.ledger VALUES (7)");
    try (Connection admin = database.connect()) {
      for (boolean recreate : new boolean[] {false, true}) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> DemoDatabase.create(admin, DemoSize.SMALL, 1, recreate, line -> { }));
        assertTrue(refused.getMessage().contains("is not a pangate demo schema"), refused.getMessage());
        assertTrue(refused.getMessage().contains(database.name()), "names the database");
        assertEquals(7, count(admin, "SELECT id FROM payments.ledger"), "foreign data untouched");
        assertTrue(admin.getAutoCommit(), "auto-commit restored after a failure");
      }
    }
    database.execute("DROP SCHEMA payments CASCADE");
  }

  @Test
  @Order(3)
  void sameSeedLoadsTheSameDataAndAnotherSeedDifferentData(TestDatabase database)
      throws SQLException {
    List<String> progress = new ArrayList<>();
    try (Connection admin = database.connect()) {
      DemoDatabase.create(admin, DemoSize.SMALL, 7, false, progress::add);
      Map<String, String> first = DemoChecksums.of(admin);

      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> DemoDatabase.create(admin, DemoSize.SMALL, 7, false, line -> { }));
      assertTrue(refused.getMessage().contains("--recreate"), refused.getMessage());
      assertEquals(first, DemoChecksums.of(admin), "a refused load changes nothing");

      DemoDatabase.create(admin, DemoSize.SMALL, 7, true, line -> { });
      assertEquals(first, DemoChecksums.of(admin), "same seed, same rows in every table");

      DemoDatabase.create(admin, DemoSize.SMALL, 8, true, line -> { });
      Map<String, String> other = DemoChecksums.of(admin);
      for (String table : first.keySet()) {
        assertNotEquals(first.get(table), other.get(table), "another seed changes " + table);
      }
    }
    assertTrue(progress.contains("payments.transactions: 5,000 rows"), progress.toString());
    assertTrue(progress.get(progress.size() - 1).startsWith("demo database loaded: 6,550 rows"));
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
