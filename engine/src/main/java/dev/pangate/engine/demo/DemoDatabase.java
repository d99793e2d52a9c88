package dev.pangate.engine.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the demo cardholder database (schema {@value #SCHEMA}) in any PostgreSQL, and the
 * least-privilege login role the gateway reads it with.
 *
 * <p>The data is a pure function of the size and the seed: the same pair loads the same rows,
 * byte for byte. Rows are generated while they stream into PostgreSQL through COPY, so a large
 * load needs neither a temporary file nor much memory. Everything runs in one transaction: a load
 * that fails leaves the database as it was.
 *
 * <p>The schema carries a comment that marks it as generated; this class drops only a schema
 * carrying that mark, and only when asked to.
 */
public final class DemoDatabase {

  /** The schema the demo tables live in. */
  public static final String SCHEMA = "payments";

  /** The tables the gateway role may write (the demo policy lets a bot write them on approval). */
  public static final List<String> WRITABLE_TABLES = List.of("cards", "transactions");

  static final String MARKER = "pangate demo cardholder database";

  private static final Logger LOG = LoggerFactory.getLogger(DemoDatabase.class);
  private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int PROGRESS_STEPS = 10;
  private static final int PROGRESS_MIN_ROWS = 100_000;

  private DemoDatabase() {}

  /**
   * Loads the demo database into a database that has no schema {@value #SCHEMA}, logging progress.
   *
   * @see #create(Connection, DemoSize, long, boolean, Consumer)
   */
  public static DemoSummary create(Connection admin, DemoSize size, long seed) throws SQLException {
    return create(admin, size, seed, false, LOG::info);
  }

  /**
   * Loads the demo database.
   *
   * @param admin a PostgreSQL connection allowed to create schemas; it will own the tables. The
   *     load is one transaction on it (a transaction already open on it is committed or rolled
   *     back with the load); its auto-commit setting is restored before returning.
   * @param size how many rows
   * @param seed the same seed loads the same data
   * @param recreate drop an existing demo schema first; without it an existing one is an error
   * @param progress receives a line per table, and every tenth of a table of 100,000 rows or more
   * @throws IllegalStateException when schema {@value #SCHEMA} exists and is not a demo schema (it
   *     is never dropped), or is one and {@code recreate} is false
   */
  public static DemoSummary create(
      Connection admin, DemoSize size, long seed, boolean recreate, Consumer<String> progress)
      throws SQLException {
    Objects.requireNonNull(admin, "admin is null");
    Objects.requireNonNull(size, "size is null");
    Objects.requireNonNull(progress, "progress is null");
    CopyManager copyApi = postgres(admin).getCopyAPI();
    long start = System.nanoTime();
    DemoGenerator generator = new DemoGenerator(size, seed);
    Map<String, Long> counts = new LinkedHashMap<>();
    inTransaction(admin, () -> {
      lockDemoSchema(admin);
      clearSchema(admin, recreate);
      try (Statement statement = admin.createStatement()) {
        // Index builds at the end of a large load are faster with more memory; this transaction only.
        statement.execute("SET LOCAL maintenance_work_mem = '256MB'");
        statement.execute(resource("schema.sql"));
        for (DemoTable table : DemoTable.values()) {
          counts.put(table.qualifiedName(), load(copyApi, generator, table, progress));
        }
        progress.accept("adding keys and indexes");
        statement.execute(resource("constraints.sql"));
        progress.accept("analyzing");
        for (DemoTable table : DemoTable.values()) {
          statement.execute("ANALYZE " + table.qualifiedName());
        }
      }
    });
    DemoSummary summary =
        new DemoSummary(size, seed, counts, Duration.ofNanos(System.nanoTime() - start));
    progress.accept(String.format(Locale.ROOT, "demo database loaded: %,d rows in %.1f s",
        summary.totalRows(), summary.elapsed().toMillis() / 1000.0));
    return summary;
  }

  /**
   * Creates or updates the gateway's login role: LOGIN, not superuser, no CREATEDB, CREATEROLE,
   * REPLICATION or BYPASSRLS; CONNECT on the current database, USAGE on schema {@value #SCHEMA},
   * SELECT on its tables, INSERT and UPDATE on {@link #WRITABLE_TABLES} only, and no other
   * privilege on the schema or its tables. Safe to run again (it also resets the password).
   *
   * <p>The password is hashed (SCRAM-SHA-256) before it is sent, so it never appears in a
   * statement or a server log.
   *
   * @param admin a connection to the demo database as a role that may create roles and owns the
   *     demo tables (or is superuser)
   * @throws IllegalArgumentException when the role name is not a plain lower-case identifier
   * @throws IllegalStateException when the demo schema is missing, or the role exists and could
   *     not be made least-privilege safely (a superuser, an owner, a member of other roles)
   */
  public static void createGatewayRole(Connection admin, String roleName, String password)
      throws SQLException {
    Objects.requireNonNull(admin, "admin is null");
    Objects.requireNonNull(roleName, "roleName is null");
    Objects.requireNonNull(password, "password is null");
    if (!ROLE_NAME.matcher(roleName).matches()) {
      throw new IllegalArgumentException("gateway role name '" + roleName + "' is not a plain"
          + " PostgreSQL identifier: use 1 to 63 lower-case letters, digits and underscores,"
          + " starting with a letter or underscore");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("the password of gateway role " + roleName
          + " is empty: give it a password");
    }
    PGConnection postgres = postgres(admin);
    inTransaction(admin, () -> {
      lockDemoSchema(admin);
      if (schemaState(admin) != SchemaState.DEMO) {
        throw new IllegalStateException("schema " + SCHEMA + " in database "
            + currentDatabase(admin) + " is not a pangate demo schema: create the demo database"
            + " (DemoDatabase.create) before its gateway role");
      }
      String role = postgres.escapeIdentifier(roleName);
      try (Statement statement = admin.createStatement()) {
        if (prepareExistingRole(admin, roleName, role)) {
          statement.execute("CREATE ROLE " + role
              + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
        }
        postgres.alterUserPassword(roleName, password.toCharArray(), "scram-sha-256");
        statement.execute("GRANT CONNECT ON DATABASE "
            + postgres.escapeIdentifier(currentDatabase(admin)) + " TO " + role);
        statement.execute("REVOKE ALL ON ALL TABLES IN SCHEMA " + SCHEMA + " FROM " + role);
        statement.execute("REVOKE ALL ON SCHEMA " + SCHEMA + " FROM " + role);
        statement.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role);
        statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + SCHEMA + " TO " + role);
        List<String> writable = new ArrayList<>();
        for (String table : WRITABLE_TABLES) {
          writable.add(SCHEMA + "." + table);
        }
        statement.execute("GRANT INSERT, UPDATE ON " + String.join(", ", writable) + " TO " + role);
      }
    });
    LOG.info("gateway role {} has LOGIN, SELECT on schema {}, INSERT and UPDATE on {}",
        roleName, SCHEMA, WRITABLE_TABLES);
  }

  /**
   * Every PAN in the demo database: the values of every column named {@code pan} in schema
   * {@value #SCHEMA}, numeric ones as digit strings. For tests that must prove no PAN escapes.
   */
  public static Set<String> allPans(Connection connection) throws SQLException {
    Objects.requireNonNull(connection, "connection is null");
    List<String> selects = new ArrayList<>();
    try (PreparedStatement columns = connection.prepareStatement(
        "SELECT table_name FROM information_schema.columns"
            + " WHERE table_schema = ? AND column_name = 'pan' ORDER BY table_name")) {
      columns.setString(1, SCHEMA);
      try (ResultSet rows = columns.executeQuery()) {
        while (rows.next()) {
          selects.add("SELECT pan::text FROM " + SCHEMA + "." + quote(rows.getString(1))
              + " WHERE pan IS NOT NULL");
        }
      }
    }
    if (selects.isEmpty()) {
      throw new IllegalStateException("schema " + SCHEMA + " has no column named pan: load the"
          + " demo database first (DemoDatabase.create)");
    }
    Set<String> pans = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(String.join(" UNION ", selects))) {
      while (rows.next()) {
        pans.add(rows.getString(1));
      }
    }
    return Set.copyOf(pans);
  }

  private static long load(
      CopyManager copyApi, DemoGenerator generator, DemoTable table, Consumer<String> progress)
      throws SQLException {
    int rows = table.rows(generator.size());
    int step = rows >= PROGRESS_MIN_ROWS ? rows / PROGRESS_STEPS : Integer.MAX_VALUE;
    CopyIn copy = copyApi.copyIn("COPY " + table.qualifiedName() + " ("
        + String.join(", ", table.columns()) + ") FROM STDIN");
    try {
      CopyRows out = new CopyRows(copy);
      for (int id = 1; id <= rows; id++) {
        DemoRows.append(generator, table, id, out);
        out.endRow();
        if (id % step == 0 && id < rows) {
          progress.accept(String.format(Locale.ROOT, "%s: %,d of %,d rows",
              table.qualifiedName(), id, rows));
        }
      }
      long copied = out.finish();
      if (copied != rows) {
        throw new IllegalStateException("PostgreSQL took " + copied + " rows into "
            + table.qualifiedName() + " where " + rows + " were sent");
      }
      progress.accept(String.format(Locale.ROOT, "%s: %,d rows", table.qualifiedName(), copied));
      return copied;
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private enum SchemaState { ABSENT, DEMO, FOREIGN }

  private static SchemaState schemaState(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = ?")) {
      query.setString(1, SCHEMA);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return SchemaState.ABSENT;
        }
        String comment = rows.getString(1);
        return comment != null && comment.startsWith(MARKER) ? SchemaState.DEMO : SchemaState.FOREIGN;
      }
    }
  }

  private static void clearSchema(Connection admin, boolean recreate) throws SQLException {
    switch (schemaState(admin)) {
      case ABSENT -> { }
      case FOREIGN -> throw new IllegalStateException("schema " + SCHEMA + " already exists in"
          + " database " + currentDatabase(admin) + " and is not a pangate demo schema (its"
          + " comment does not start with '" + MARKER + "'); it is left untouched. Load the"
          + " demo into another database, or drop or rename that schema yourself.");
      case DEMO -> {
        if (!recreate) {
          throw new IllegalStateException("database " + currentDatabase(admin) + " already holds"
              + " the demo schema " + SCHEMA + ": use it as it is, or recreate it (--recreate,"
              + " or recreate = true), which drops it and every grant on it");
        }
        try (Statement statement = admin.createStatement()) {
          statement.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
      }
    }
  }

  /**
   * Makes an existing role least-privilege, or says why it cannot; true when the role does not
   * exist yet.
   */
  private static boolean prepareExistingRole(Connection admin, String roleName, String role)
      throws SQLException {
    try (PreparedStatement query = admin.prepareStatement(
        "SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,"
            + " r.rolcanlogin, r.rolname = current_user,"
            + " EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid),"
            + " EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + "         WHERE n.nspname = ? AND c.relowner = r.oid)"
            + " FROM pg_roles r WHERE r.rolname = ?")) {
      query.setString(1, SCHEMA);
      query.setString(2, roleName);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return true;
        }
        String refusal = rows.getBoolean(1) ? "is a superuser"
            : rows.getBoolean(7) ? "is the role this connection uses (which owns the demo tables)"
            : rows.getBoolean(9) ? "owns tables in schema " + SCHEMA
            : rows.getBoolean(8) ? "is a member of other roles, whose privileges it would inherit"
            : null;
        if (refusal != null) {
          throw new IllegalStateException("role " + roleName + " already exists and " + refusal
              + ", so it cannot be the least-privilege gateway role: choose another role name");
        }
        List<String> changes = new ArrayList<>();
        addIf(changes, !rows.getBoolean(6), "LOGIN");
        addIf(changes, rows.getBoolean(2), "NOCREATEROLE");
        addIf(changes, rows.getBoolean(3), "NOCREATEDB");
        addIf(changes, rows.getBoolean(4), "NOREPLICATION");
        addIf(changes, rows.getBoolean(5), "NOBYPASSRLS");
        if (!changes.isEmpty()) {
          try (Statement statement = admin.createStatement()) {
            statement.execute("ALTER ROLE " + role + " " + String.join(" ", changes));
          }
        }
        return false;
      }
    }
  }

  private static void addIf(List<String> changes, boolean condition, String change) {
    if (condition) {
      changes.add(change);
    }
  }

  /** Serialises demo loads and role changes in one database (they would otherwise collide). */
  private static void lockDemoSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(hashtext('pangate.demo.payments'))");
    }
  }

  private interface Work {
    void run() throws SQLException;
  }

  private static void inTransaction(Connection connection, Work work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      work.run();
      connection.commit();
    } catch (SQLException | RuntimeException | Error e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static PGConnection postgres(Connection connection) throws SQLException {
    if (!connection.isWrapperFor(PGConnection.class)) {
      throw new IllegalArgumentException("the demo database needs a PostgreSQL connection"
          + " (PgJDBC, jdbc:postgresql://...), got " + connection.getClass().getName());
    }
    return connection.unwrap(PGConnection.class);
  }

  private static String currentDatabase(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT current_database()")) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String resource(String name) {
    try (InputStream in = DemoDatabase.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource dev/pangate/engine/demo/" + name
            + " is missing from the pangate engine jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource dev/pangate/engine/demo/" + name, e);
    }
  }
}
