package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.privilege.PrivilegeReport;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway's login role can read the demo tables and write two of them, and nothing more. */
@ExtendWith(PostgresExtension.class)
class GatewayRoleTest {

  private static final String PASSWORD = TestRoles.PASSWORD;

  private static TestDatabase database;
  private static TestRoles roles;
  private static String gateway;

  @BeforeAll
  static void setUp(TestDatabase testDatabase) throws SQLException {
    database = testDatabase;
    roles = new TestRoles(database);
    gateway = roles.loadDemoWithGatewayRole();
  }

  @AfterAll
  static void tearDown() throws SQLException {
    roles.close();
  }

  @Test
  void roleIsALoginWithoutAnyRoleAttribute() throws SQLException {
    try (Connection admin = database.connect();
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery("SELECT rolcanlogin, rolsuper, rolcreaterole,"
            + " rolcreatedb, rolreplication, rolbypassrls,"
            + " (SELECT count(*) FROM pg_auth_members WHERE member = r.oid)"
            + " FROM pg_roles r WHERE rolname = '" + gateway + "'")) {
      assertTrue(row.next(), "role exists");
      assertTrue(row.getBoolean(1), "LOGIN");
      for (int column = 2; column <= 6; column++) {
        assertFalse(row.getBoolean(column), row.getMetaData().getColumnName(column));
      }
      assertEquals(0, row.getInt(7), "member of no role");
    }
  }

  @Test
  void passwordIsStoredAsScramHashOnly() throws SQLException {
    try (Connection admin = database.connect();
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT rolpassword FROM pg_authid WHERE rolname = '" + gateway + "'")) {
      row.next();
      String stored = row.getString(1);
      assertTrue(stored.startsWith("SCRAM-SHA-256$"), "SCRAM verifier");
      assertFalse(stored.contains(PASSWORD), "never the password itself");
    }
  }

  @Test
  void canSelectEveryDemoTable() throws SQLException {
    try (Connection connection = roles.connect(gateway);
        Statement statement = connection.createStatement()) {
      for (DemoTable table : DemoTable.values()) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table.qualifiedName())) {
          rows.next();
          assertEquals(table.rows(DemoSize.SMALL), rows.getLong(1), table.tableName());
        }
      }
    }
  }

  @Test
  void canUpdateAndInsertCardsAndTransactionsOnly() throws SQLException {
    try (Connection connection = roles.connect(gateway)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        assertEquals(1, statement.executeUpdate(
            "UPDATE payments.cards SET status = 'blocked' WHERE card_id = 1"));
        assertEquals(1, statement.executeUpdate("INSERT INTO payments.transactions"
            + " SELECT 999999, card_id, pan, 1, 1.00, 'EUR', now(), 'pending', NULL"
            + " FROM payments.cards WHERE card_id = 1"));
      } finally {
        connection.rollback();
      }
      for (String write : List.of(
          "UPDATE payments.merchants SET name = 'x' WHERE merchant_id = 1",
          "INSERT INTO payments.disputes SELECT 9999, 1, pan, NULL, 1, now(), 'open'"
              + " FROM payments.cards WHERE card_id = 1",
          "DELETE FROM payments.transactions WHERE txn_id = 1",
          "DELETE FROM payments.cards WHERE card_id = 1",
          "TRUNCATE payments.settlements",
          "UPDATE payments.settlements SET amount = 0")) {
        assertDenied(connection, write);
      }
    }
  }

  @Test
  void cannotCreateAlterOrDrop() throws SQLException {
    try (Connection connection = roles.connect(gateway)) {
      for (String ddl : List.of(
          "CREATE TABLE payments.shadow (id int)",
          "CREATE TABLE public.shadow (id int)",
          "CREATE VIEW payments.all_pans AS SELECT pan FROM payments.cards",
          "CREATE SCHEMA shadow",
          "ALTER TABLE payments.cards ADD COLUMN note text",
          "DROP TABLE payments.disputes",
          "CREATE ROLE pangate_escalated")) {
        assertDenied(connection, ddl);
      }
      // Without the grant option PostgreSQL only warns that nothing was granted.
      try (Statement statement = connection.createStatement()) {
        statement.execute("GRANT SELECT ON payments.cards TO PUBLIC");
      }
    }
    try (Connection admin = database.connect();
        Statement statement = admin.createStatement();
        ResultSet acl = statement.executeQuery("SELECT count(*) FROM pg_class c,"
            + " aclexplode(c.relacl) a WHERE c.oid = 'payments.cards'::regclass AND a.grantee = 0")) {
      acl.next();
      assertEquals(0, acl.getInt(1), "PUBLIC got nothing on payments.cards");
    }
  }

  @Test
  void runningAgainChangesNothingAndRevokesExtras() throws SQLException {
    PrivilegeReport before;
    try (Connection connection = roles.connect(gateway)) {
      before = PrivilegeReport.inspect(connection, List.of(DemoDatabase.SCHEMA));
    }
    database.execute("GRANT DELETE ON payments.merchants TO " + gateway,
        "ALTER ROLE " + gateway + " CREATEDB");
    try (Connection admin = database.connect()) {
      DemoDatabase.createGatewayRole(admin, gateway, PASSWORD);
    }
    try (Connection connection = roles.connect(gateway)) {
      assertEquals(before, PrivilegeReport.inspect(connection, List.of(DemoDatabase.SCHEMA)));
      assertDenied(connection, "DELETE FROM payments.merchants WHERE merchant_id = 0");
    }
    try (Connection admin = database.connect();
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT rolcreatedb FROM pg_roles WHERE rolname = '" + gateway + "'")) {
      row.next();
      assertFalse(row.getBoolean(1), "CREATEDB taken back");
    }
  }

  @Test
  void refusesRoleNamesThatCannotBeLeastPrivilege() throws SQLException {
    try (Connection admin = database.connect()) {
      IllegalStateException self = assertThrows(IllegalStateException.class,
          () -> DemoDatabase.createGatewayRole(admin, database.user(), "x"));
      assertTrue(self.getMessage().contains("choose another role name"), self.getMessage());

      String member = roles.create("pgt_member", "");
      String group = roles.newName("pgt_group");
      database.execute("CREATE ROLE " + group + " NOLOGIN", "GRANT " + group + " TO " + member);
      IllegalStateException inherits = assertThrows(IllegalStateException.class,
          () -> DemoDatabase.createGatewayRole(admin, member, "x"));
      assertTrue(inherits.getMessage().contains("member of other roles"), inherits.getMessage());

      IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
          () -> DemoDatabase.createGatewayRole(admin, "Gateway; DROP ROLE x", "x"));
      assertTrue(badName.getMessage().contains("lower-case letters"), badName.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> DemoDatabase.createGatewayRole(admin, "pgt_empty_password", ""));
    }
  }

  private static void assertDenied(Connection connection, String sql) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      SQLException denied = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
      assertEquals("42501", denied.getSQLState(), sql + ": " + denied.getMessage());
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
  }
}
