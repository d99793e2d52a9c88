package dev.pangate.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where the tests' PostgreSQL server is, decided once per JVM.
 *
 * <p>In order: {@code PANGATE_TEST_DB_URL} (environment variable, or the system property
 * {@code pangate.test.db.url}) with {@code PANGATE_TEST_DB_USER} / {@code PANGATE_TEST_DB_PASSWORD};
 * else {@code jdbc:postgresql://127.0.0.1:5432/postgres} as {@code postgres}; else a Testcontainers
 * PostgreSQL when Docker is available; else a failure that says what to set. Never a skip.
 */
public final class TestPostgres {

  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  private static TestPostgres server;

  private final String adminUrl;
  private final String user;
  private final String password;
  private final String origin;

  private TestPostgres(String adminUrl, String user, String password, String origin) {
    this.adminUrl = Objects.requireNonNull(adminUrl, "adminUrl is null");
    this.user = user;
    this.password = password;
    this.origin = origin;
  }

  /** The server for this JVM, found (or started) on first use. */
  public static synchronized TestPostgres server() {
    if (server == null) {
      server = locate();
    }
    return server;
  }

  private static TestPostgres locate() {
    String url = setting("PANGATE_TEST_DB_URL", "pangate.test.db.url");
    String user = setting("PANGATE_TEST_DB_USER", "pangate.test.db.user");
    String password = setting("PANGATE_TEST_DB_PASSWORD", "pangate.test.db.password");
    if (url != null) {
      TestPostgres configured =
          new TestPostgres(url, user == null ? "postgres" : user, password, "PANGATE_TEST_DB_URL");
      String problem = configured.probe();
      if (problem != null) {
        throw new IllegalStateException(
            "PANGATE_TEST_DB_URL=" + url + " does not answer: " + problem
                + ". Fix the URL (and PANGATE_TEST_DB_USER / PANGATE_TEST_DB_PASSWORD) or unset it"
                + " to use 127.0.0.1:5432.");
      }
      return configured;
    }
    TestPostgres local = new TestPostgres(DEFAULT_URL, "postgres", null, "127.0.0.1:5432");
    String localProblem = local.probe();
    if (localProblem == null) {
      return local;
    }
    String dockerProblem = ContainerPostgres.whyUnavailable();
    if (dockerProblem == null) {
      return ContainerPostgres.start();
    }
    throw new IllegalStateException(
        "No PostgreSQL for the tests. Tried 127.0.0.1:5432 as user postgres: " + localProblem
            + "; Testcontainers: " + dockerProblem + ". Start PostgreSQL 15 on 127.0.0.1:5432"
            + " (trust authentication for postgres), or set PANGATE_TEST_DB_URL"
            + " (e.g. jdbc:postgresql://host:5432/postgres) with PANGATE_TEST_DB_USER and"
            + " PANGATE_TEST_DB_PASSWORD, or start Docker.");
  }

  static TestPostgres of(String adminUrl, String user, String password, String origin) {
    return new TestPostgres(adminUrl, user, password, origin);
  }

  private static String setting(String env, String property) {
    String value = System.getenv(env);
    if (value == null || value.isBlank()) {
      value = System.getProperty(property);
    }
    return value == null || value.isBlank() ? null : value;
  }

  private String probe() {
    try (Connection ignored = connectAdmin()) {
      return null;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  /** A connection to the server's maintenance database, for CREATE / DROP DATABASE. */
  public Connection connectAdmin() throws SQLException {
    return DriverManager.getConnection(adminUrl, properties());
  }

  /** The JDBC URL of database {@code name} on this server. */
  public String urlOf(String name) {
    int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
    int query = adminUrl.indexOf('?', Math.max(slash, 0));
    String base = slash < 0 ? adminUrl : adminUrl.substring(0, slash);
    String tail = query < 0 ? "" : adminUrl.substring(query);
    return base + "/" + name + tail;
  }

  Properties properties() {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Where this server came from, for messages. */
  public String origin() {
    return origin;
  }
}
