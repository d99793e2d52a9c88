package dev.pangate.bench.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The databases and the login of one run, all named {@code pgconf_<run id>_...} and dropped at the
 * end; nothing the run did not create is touched. The setup script is loaded once into a template
 * database, and each corpus file runs in a fresh copy of it, so that what one file creates cannot
 * change another's answers.
 */
final class ConformanceDatabases implements AutoCloseable {

  private final String maintenanceUrl;
  private final Properties admin;
  private final String prefix;
  private final String role;
  private final String password = UUID.randomUUID().toString();
  private final List<String> created = new ArrayList<>();
  private boolean roleCreated;
  private String template;

  /**
   * @param maintenanceUrl a JDBC URL of a database of the server to connect to for
   *     {@code CREATE DATABASE} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres})
   * @param admin the administrator's login properties (may create databases and roles)
   */
  ConformanceDatabases(String maintenanceUrl, Properties admin) {
    this.maintenanceUrl = Objects.requireNonNull(maintenanceUrl, "maintenanceUrl is null");
    this.admin = Objects.requireNonNull(admin, "admin is null");
    this.prefix = "pgconf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    this.role = prefix + "_gw";
  }

  /** What every database and the login of this run are named with ({@code pgconf_<run id>}). */
  String prefix() {
    return prefix;
  }

  /** The gateway's PostgreSQL login. */
  String role() {
    return role;
  }

  String password() {
    return password;
  }

  /** The JDBC URL of database {@code name} on the same server. */
  String urlOf(String name) {
    int hostEnd = maintenanceUrl.indexOf('/', "jdbc:postgresql://".length());
    int query = maintenanceUrl.indexOf('?', Math.max(hostEnd, 0));
    String base = hostEnd < 0 ? maintenanceUrl : maintenanceUrl.substring(0, hostEnd);
    return base + "/" + name + (query < 0 ? "" : maintenanceUrl.substring(query));
  }

  /** An administrator's connection to database {@code name}. */
  Connection admin(String name) throws SQLException {
    return DriverManager.getConnection(urlOf(name), admin);
  }

  /**
   * Creates the login and the template database: the setup script with its placeholders filled
   * in ({@code @DATADIR@}, {@code @GWROLE@}), then the masked role's views.
   */
  void createTemplate(Path setupScript, Path dataDirectory) throws SQLException, IOException {
    try (Connection connection = DriverManager.getConnection(maintenanceUrl, admin);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
      roleCreated = true;
      connection.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
    }
    template = createDatabase("setup", null);
    String script = Files.readString(setupScript)
        .replace("@DATADIR@", dataDirectory.toAbsolutePath().toString())
        .replace("@GWROLE@", role);
    try (Connection connection = admin(template)) {
      SetupScript.run(connection, SetupScript.parse(script, setupScript.toString()), setupScript.toString());
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET search_path = " + Roles.SCHEMA);
        for (String sql : Roles.maskedViews(columnsOf(connection, Roles.MASK_TABLE))) {
          statement.execute(sql);
        }
      }
    }
  }

  private static List<String[]> columnsOf(Connection connection, String table) throws SQLException {
    List<String[]> columns = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
            + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = '" + Roles.SCHEMA + "' AND c.relname = '" + table + "'"
            + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      while (rows.next()) {
        columns.add(new String[] {rows.getString(1), rows.getString(2)});
      }
    }
    if (columns.isEmpty()) {
      throw new IllegalStateException("the setup script did not create " + Roles.SCHEMA + "." + table
          + ", which the masked role needs (" + Roles.MASK_TABLE + "." + Roles.MASK_COLUMN + " masked, "
          + Roles.FILTER_TABLE + " filtered by " + Roles.ROW_FILTER + ")");
    }
    return columns;
  }

  /** A fresh copy of the template for one corpus file; returns its name. */
  String createFileDatabase(String file) throws SQLException {
    if (template == null) {
      throw new IllegalStateException("createTemplate first");
    }
    return createDatabase(file, template);
  }

  private String createDatabase(String suffix, String from) throws SQLException {
    String clean = suffix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String name = prefix + "_" + clean.substring(0, Math.min(clean.length(), 30)) + "_" + created.size();
    try (Connection connection = DriverManager.getConnection(maintenanceUrl, admin);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name + (from == null ? "" : " TEMPLATE " + from));
      created.add(name);
      statement.execute("GRANT CONNECT ON DATABASE " + name + " TO " + role);
    }
    return name;
  }

  /** Drops one database this run created (its connections are ended first). */
  void drop(String name) throws SQLException {
    if (!created.contains(name)) {
      throw new IllegalArgumentException("database " + name + " was not created by this run");
    }
    try (Connection connection = DriverManager.getConnection(maintenanceUrl, admin);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
    created.remove(name);
  }

  /** Drops every database this run created, then its login. */
  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (String name : List.copyOf(created)) {
      try {
        drop(name);
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    if (roleCreated) {
      try (Connection connection = DriverManager.getConnection(maintenanceUrl, admin);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP ROLE IF EXISTS " + role);
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
