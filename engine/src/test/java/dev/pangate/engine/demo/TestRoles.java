package dev.pangate.engine.demo;

import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * PostgreSQL roles for one test class. Roles are cluster-wide, and other builds share the server,
 * so every name gets a random suffix; {@link #close()} drops what the roles own in the test
 * database and then the roles.
 */
public final class TestRoles implements AutoCloseable {

  /** The password every test role gets (the test server trusts loopback logins anyway). */
  public static final String PASSWORD = "test-only-password";

  private final TestDatabase database;
  private final List<String> names = new ArrayList<>();

  public TestRoles(TestDatabase database) {
    this.database = Objects.requireNonNull(database, "database is null");
  }

  /** A fresh role name with this prefix, to be created by the caller; dropped on close. */
  public String newName(String prefix) {
    String name = prefix.toLowerCase(Locale.ROOT) + "_"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    names.add(name);
    return name;
  }

  /** Creates a login role with the given extra attributes (e.g. {@code "CREATEROLE"}). */
  public String create(String prefix, String attributes) throws SQLException {
    String name = newName(prefix);
    database.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "' " + attributes);
    return name;
  }

  /**
   * Loads the SMALL demo database (seed 42) and creates its gateway role with {@link #PASSWORD};
   * the role's name.
   */
  public String loadDemoWithGatewayRole() throws SQLException {
    String gateway = newName("pgt_gateway");
    try (Connection admin = database.connect()) {
      DemoDatabase.create(admin, DemoSize.SMALL, 42);
      DemoDatabase.createGatewayRole(admin, gateway, PASSWORD);
    }
    return gateway;
  }

  /** A connection to the test database as that role. */
  public Connection connect(String role) throws SQLException {
    return DriverManager.getConnection(database.url(), role, PASSWORD);
  }

  @Override
  public void close() throws SQLException {
    for (String name : names) {
      database.execute(
          "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') THEN"
              + " EXECUTE 'DROP OWNED BY " + name + " CASCADE';"
              + " EXECUTE 'DROP ROLE " + name + "'; END IF; END $$");
    }
    names.clear();
  }
}
