package dev.pangate.endpoint.cli;

import dev.pangate.endpoint.config.ConfigException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL the demo uses: {@code PANGATE_DB_URL} ({@code PANGATE_DB_USER},
 * {@code PANGATE_DB_PASSWORD}), by default {@code jdbc:postgresql://127.0.0.1:5432/postgres} as
 * {@code postgres}; when none answers there, Docker is available and Testcontainers is on the class
 * path (not in pangate.jar: see {@link DemoContainer}), a throw-away PostgreSQL 15 container;
 * otherwise an error saying what to start or set.
 */
final class DemoPostgres {

  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  private DemoPostgres() {}

  static DemoSetup.AdminLogin admin(Map<String, String> environment, PrintStream progress) {
    String url = environment.getOrDefault("PANGATE_DB_URL", DEFAULT_URL);
    String user = environment.getOrDefault("PANGATE_DB_USER", "postgres");
    String password = environment.get("PANGATE_DB_PASSWORD");
    DemoSetup.AdminLogin configured = new DemoSetup.AdminLogin(url, user, password, Optional.empty());
    SQLException failure;
    try (Connection connection = DriverManager.getConnection(url, configured.properties())) {
      progress.println("using PostgreSQL " + connection.getMetaData().getDatabaseProductVersion()
          + " at " + url + " as " + user);
      return configured;
    } catch (SQLException e) {
      failure = e;
    }
    boolean explicit = environment.containsKey("PANGATE_DB_URL");
    boolean containers = !explicit && DemoContainer.onClassPath();
    if (containers && DemoContainer.dockerAvailable()) {
      progress.println("no PostgreSQL answers at " + url + "; starting a PostgreSQL 15 container"
          + " with Testcontainers (it is removed when the demo stops)");
      return DemoContainer.start();
    }
    throw new ConfigException("No PostgreSQL answers at " + url + " as " + user + " ("
        + failure.getMessage() + ")" + (containers ? ", and Docker is not available to start one" : "")
        + ". Start PostgreSQL there (with Docker: docker run -d --name pangate-postgres -p"
        + " 127.0.0.1:5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15), or set"
        + " PANGATE_DB_URL (and PANGATE_DB_USER, PANGATE_DB_PASSWORD) to a PostgreSQL whose user may"
        + " create databases and roles.");
  }
}
