package dev.pangate.bench;

import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL database a benchmark runs against, safe on a shared server. By default a database
 * with a fresh name ({@code pangate_bench_<random>}) is created and loaded for the run and dropped
 * at its end: nothing anyone else made is touched. With {@code PANGATE_BENCH_DATABASE} set, that
 * database is used: when it does not exist it is created, loaded and kept for later runs; when it
 * exists it must already hold the demo data of the size asked for (it is never reloaded, altered
 * or dropped). Either way the benchmark says which server and database it uses.
 *
 * <p>The server is {@code PANGATE_BENCH_DB_URL} (a maintenance database; default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}) as {@code PANGATE_BENCH_DB_USER} (default
 * postgres) with {@code PANGATE_BENCH_DB_PASSWORD}.
 */
public final class BenchDatabase implements AutoCloseable {

  private final String adminUrl;
  private final Properties admin;
  private final String name;
  private final String url;
  /** Whether this run created the database under a fresh name (and so drops it at the end). */
  private final boolean created;

  private BenchDatabase(String adminUrl, Properties admin, String name, boolean created) {
    this.adminUrl = adminUrl;
    this.admin = admin;
    this.name = name;
    this.url = adminUrl.replaceFirst("/[^/?]*(\\?.*)?$", "/" + name + "$1");
    this.created = created;
  }

  /** The run's database, with the demo data of this size loaded (settings from the environment). */
  public static BenchDatabase open(DemoSize size, String purpose) throws SQLException {
    String adminUrl = env("PANGATE_BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    Properties admin = new Properties();
    admin.setProperty("user", env("PANGATE_BENCH_DB_USER", "postgres"));
    if (System.getenv("PANGATE_BENCH_DB_PASSWORD") != null) {
      admin.setProperty("password", System.getenv("PANGATE_BENCH_DB_PASSWORD"));
    }
    return open(adminUrl, admin, System.getenv("PANGATE_BENCH_DATABASE"), size, purpose);
  }

  /**
   * The run's database on the server of {@code adminUrl}: {@code given} (kept), or a fresh one
   * (dropped at the end) when {@code given} is null.
   */
  public static BenchDatabase open(String adminUrl, Properties admin, String given, DemoSize size,
      String purpose) throws SQLException {
    String name = given == null || given.isBlank()
        ? "pangate_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
        : given.trim();
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("PANGATE_BENCH_DATABASE must be a lower-case PostgreSQL"
          + " name (letters, digits, _), got " + name);
    }
    boolean exists;
    try (Connection connection = DriverManager.getConnection(adminUrl, admin);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
      exists = rows.next();
      if (!exists) {
        statement.execute("CREATE DATABASE " + name);
      }
    }
    BenchDatabase database = new BenchDatabase(adminUrl, admin, name,
        !exists && (given == null || given.isBlank()));
    String where = where(adminUrl);
    if (exists) {
      database.requireDemoData(size);
      System.err.println(purpose + ": using database " + name + " on " + where
          + " (PANGATE_BENCH_DATABASE; it already holds the " + size + " demo data and is kept)");
    } else {
      System.err.println(purpose + ": created database " + name + " on " + where + " for this run"
          + (given == null ? "; it is dropped at the end" : " (PANGATE_BENCH_DATABASE); it is kept")
          + "; loading the " + size + " demo data");
      try (Connection connection = database.connect()) {
        DemoDatabase.create(connection, size, 42, true, line -> { });
      } catch (SQLException | RuntimeException e) {
        database.close();
        throw e;
      }
    }
    return database;
  }

  private void requireDemoData(DemoSize size) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      long transactions = -1;
      try (ResultSet tables = statement.executeQuery("SELECT count(*) FROM information_schema.tables"
          + " WHERE table_schema = 'payments' AND table_name = 'transactions'")) {
        tables.next();
        if (tables.getInt(1) == 1) {
          try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM payments.transactions")) {
            rows.next();
            transactions = rows.getLong(1);
          }
        }
      }
      if (transactions != size.transactions()) {
        throw new IllegalStateException("Database " + name + " (PANGATE_BENCH_DATABASE) exists but"
            + " does not hold the " + size + " demo data (" + size.transactions()
            + " transactions); the benchmark never changes a database it did not create. Give"
            + " another name, or leave PANGATE_BENCH_DATABASE unset for a fresh database.");
      }
    }
  }

  private static String where(String jdbcUrl) {
    try {
      URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
      return (uri.getHost() == null ? "localhost" : uri.getHost()) + ":"
          + (uri.getPort() < 0 ? 5432 : uri.getPort());
    } catch (IllegalArgumentException e) {
      return jdbcUrl;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** A superuser (or the configured user's) connection to the run's database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, admin);
  }

  /** The JDBC URL of the run's database. */
  public String url() {
    return url;
  }

  public String name() {
    return name;
  }

  /**
   * A login for the gateway with a fresh name (roles are per server, so a fixed name could be
   * someone else's); {@link #dropRole} removes it.
   */
  public String createGatewayRole(String password) throws SQLException {
    String role = "pangate_bench_gw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8)
        .toLowerCase(Locale.ROOT);
    try (Connection connection = connect()) {
      DemoDatabase.createGatewayRole(connection, role, password);
    }
    return role;
  }

  /** Drops a role this run created (its sessions ended first). */
  public void dropRole(String role) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
          + role + "'");
      statement.execute("DROP OWNED BY " + role);
      statement.execute("DROP ROLE " + role);
    }
  }

  /** Drops the database when this run created it with a fresh name; otherwise keeps it. */
  @Override
  public void close() throws SQLException {
    if (!created) {
      return;
    }
    try (Connection connection = DriverManager.getConnection(adminUrl, admin);
        Statement statement = connection.createStatement()) {
      // FORCE only on the database this run created under a name nobody else has.
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
