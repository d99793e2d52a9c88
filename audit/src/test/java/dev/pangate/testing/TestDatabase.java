package dev.pangate.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/** A fresh, empty PostgreSQL database that exists for one test class. */
public final class TestDatabase {

  private final TestPostgres server;
  private final String name;

  TestDatabase(TestPostgres server, String name) {
    this.server = Objects.requireNonNull(server, "server is null");
    this.name = Objects.requireNonNull(name, "name is null");
  }

  public String name() {
    return name;
  }

  /** JDBC URL of this database. */
  public String url() {
    return server.urlOf(name);
  }

  /** The superuser-ish login the harness uses (the tests' own administrator). */
  public String user() {
    return server.user();
  }

  public String password() {
    return server.password();
  }

  public TestPostgres server() {
    return server;
  }

  /** A new administrator connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), server.properties());
  }

  /** Runs statements as administrator, in order. */
  public void execute(String... statements) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
