package dev.pangate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.demo.DemoSize;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Benchmarks beside other databases on the same server: a fresh database per run, dropped at its
 * end; a database named by the user that is not the demo data is refused and left as it was; two
 * runs at once never meet.
 */
class BenchDatabaseTest {

  private static final String ADMIN_URL = System.getenv().getOrDefault("PANGATE_TEST_DB_URL",
      "jdbc:postgresql://127.0.0.1:5432/pangate_ci");

  private static Properties admin() {
    Properties properties = new Properties();
    properties.setProperty("user", System.getenv().getOrDefault("PANGATE_TEST_DB_USER", "postgres"));
    return properties;
  }

  private static boolean exists(String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, admin());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
      return rows.next();
    }
  }

  private static String url(String database) {
    return ADMIN_URL.replaceFirst("/[^/?]*(\\?.*)?$", "/" + database + "$1");
  }

  @Test
  void aBenchmarkBesideSomeoneElsesDatabaseLeavesItAlone() throws Exception {
    // someone's database, named as a benchmark's might be
    String theirs = "pangate_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (Connection c = DriverManager.getConnection(ADMIN_URL, admin()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + theirs);
    }
    try {
      try (Connection c = DriverManager.getConnection(url(theirs), admin()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE precious (note text)");
        s.execute("INSERT INTO precious VALUES ('keep me')");
      }
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> BenchDatabase.open(ADMIN_URL, admin(), theirs, DemoSize.SMALL, "test"));
      assertTrue(refused.getMessage().contains("never changes a database it did not create"),
          refused.getMessage());
      String first;
      String second;
      try (BenchDatabase one = BenchDatabase.open(ADMIN_URL, admin(), null, DemoSize.SMALL, "test");
          BenchDatabase two = BenchDatabase.open(ADMIN_URL, admin(), null, DemoSize.SMALL, "test")) {
        first = one.name();
        second = two.name();
        assertNotEquals(first, second, "two runs at once get two databases");
        assertNotEquals(theirs, first);
        String role = one.createGatewayRole("secret-" + UUID.randomUUID());
        one.dropRole(role);
      }
      assertTrue(!exists(first) && !exists(second), "each run dropped the database it created");
      assertTrue(exists(theirs), "the other database is still there");
      try (Connection c = DriverManager.getConnection(url(theirs), admin()); Statement s = c.createStatement();
          ResultSet rows = s.executeQuery("SELECT note FROM precious")) {
        assertTrue(rows.next());
        assertEquals("keep me", rows.getString(1), "and holds what it held");
      }
    } finally {
      try (Connection c = DriverManager.getConnection(ADMIN_URL, admin()); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + theirs + " WITH (FORCE)"); // created by this test
      }
    }
  }
}
