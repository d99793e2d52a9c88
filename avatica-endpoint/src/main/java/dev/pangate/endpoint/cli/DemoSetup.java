package dev.pangate.endpoint.cli;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.auth.SecretHash;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.engine.approval.ApprovalStore;
import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.masking.keys.KeysetGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the demo gateway needs, in a directory of its own: the demo database in PostgreSQL
 * (a Testcontainers PostgreSQL when none answers and Docker is there), the gateway's
 * least-privilege login, development keys (cleartext, said loudly), the demo policy, agent
 * secrets and the configuration file. Running it again reuses the database and keys and issues
 * fresh secrets.
 */
final class DemoSetup {

  /** The demo agents of the demo policy, and the operator that may reload it. */
  static final List<String> AGENTS = List.of("support-bot", "fraud-analyst", "migration-bot",
      "security-officer");
  static final String ADMIN = "demo-admin";
  static final long SEED = 42;

  private static final Pattern POSTGRES_URL =
      Pattern.compile("(jdbc:postgresql://[^/?]+)(/[^?]*)?(\\?.*)?");

  /**
   * What to prepare.
   *
   * @param directory where keys, policy, secrets, configuration and audit log go
   * @param database the PostgreSQL database to create (or reuse)
   * @param role the gateway's login role
   * @param size demo data size
   * @param recreate load the data again even if it exists
   * @param port the gateway's port
   */
  record Options(Path directory, String database, String role, DemoSize size, boolean recreate,
      int port) {
    Options {
      requireNonNull(directory, "directory is null");
      requireNonNull(database, "database is null");
      requireNonNull(role, "role is null");
      requireNonNull(size, "size is null");
      if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new dev.pangate.masking.cli.CommandLines.UsageException("--database must be a plain lower-case PostgreSQL name");
      }
    }
  }

  /**
   * What was prepared.
   *
   * @param configFile the gateway configuration
   * @param secrets identity → secret, for printing once
   * @param container the PostgreSQL container started for the demo, if any
   */
  record Prepared(Path configFile, Map<String, String> secrets,
      Optional<AutoCloseable> container) {

    void closeContainer() {
      closeQuietly(container);
    }
  }

  private DemoSetup() {}

  static void closeQuietly(Optional<AutoCloseable> container) {
    container.ifPresent(c -> {
      try {
        c.close();
      } catch (Exception e) {
        // the container is disposable; Testcontainers' reaper removes it too
      }
    });
  }

  static Prepared prepare(Options options, Map<String, String> environment, PrintStream progress) {
    DemoCommand.requireWritable(options.directory());
    AdminLogin admin = DemoPostgres.admin(environment, progress);
    try {
      String databaseUrl = withDatabase(admin.url(), options.database());
      createDatabase(admin, options.database(), progress);
      String password = randomText(24);
      try (Connection demo = DriverManager.getConnection(databaseUrl, admin.properties())) {
        loadData(demo, options, progress);
        DemoDatabase.createGatewayRole(demo, options.role(), password);
        ApprovalStore.install(demo, options.role()); // the migration bot's writes wait for approval
      }
      Path directory = options.directory();
      boolean newKeys = writeKeys(directory, progress);
      writePolicy(directory, progress);
      writePrivately(directory.resolve("db-password"), password + "\n");
      if (newKeys) {
        setAsideOldAudit(directory, progress);
      }
      Map<String, String> secrets = issueSecrets(directory.resolve("agents.secrets"));
      Path config = directory.resolve("pangate.yaml");
      Files.writeString(config, configuration(databaseUrl, options), StandardCharsets.UTF_8);
      return new Prepared(config, secrets, admin.container());
    } catch (SQLException e) {
      admin.closeContainer();
      throw new ConfigException("Preparing the demo database failed: " + e.getMessage()
          + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")")
          + ". The PostgreSQL user must be allowed to create databases and roles.");
    } catch (IOException e) {
      admin.closeContainer();
      throw new ConfigException("Writing the demo files into " + options.directory() + " failed ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ").");
    } catch (IllegalStateException | IllegalArgumentException e) {
      admin.closeContainer();
      throw new ConfigException("Preparing the demo failed: " + e.getMessage());
    }
  }

  /** A PostgreSQL login allowed to create databases and roles. */
  record AdminLogin(String url, String user, String password, Optional<AutoCloseable> container) {
    Properties properties() {
      Properties properties = new Properties();
      properties.setProperty("user", user);
      if (password != null) {
        properties.setProperty("password", password);
      }
      properties.setProperty("connectTimeout", "10");
      return properties;
    }

    void closeContainer() {
      closeQuietly(container);
    }
  }

  static String withDatabase(String url, String database) {
    Matcher m = POSTGRES_URL.matcher(url);
    if (!m.matches()) {
      throw new ConfigException("PANGATE_DB_URL must look like jdbc:postgresql://host:port/database");
    }
    return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
  }

  private static void createDatabase(AdminLogin admin, String database, PrintStream progress)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection(admin.url(), admin.properties())) {
      try (PreparedStatement exists = connection.prepareStatement(
          "SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, database);
        try (ResultSet rows = exists.executeQuery()) {
          if (rows.next()) {
            return;
          }
        }
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + database);
      }
      progress.println("created database " + database);
    }
  }

  private static void loadData(Connection demo, Options options, PrintStream progress)
      throws SQLException {
    boolean present;
    try (PreparedStatement schema = demo.prepareStatement(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
      schema.setString(1, DemoDatabase.SCHEMA);
      try (ResultSet rows = schema.executeQuery()) {
        present = rows.next();
      }
    }
    if (present && !options.recreate()) {
      progress.println("reusing the demo data in database " + options.database()
          + " (pass --recreate to load it again)");
      return;
    }
    progress.println("loading the " + options.size().label() + " demo data into database "
        + options.database() + " ...");
    DemoDatabase.create(demo, options.size(), SEED, options.recreate(), line -> progress.println("  " + line));
  }

  private static boolean writeKeys(Path directory, PrintStream progress) {
    Path keys = directory.resolve("keys");
    if (Files.exists(keys.resolve("tokenization.json"))) {
      progress.println("reusing the development keys in " + keys);
      return false;
    }
    KeysetGenerator.write(keys, KeysetGenerator.GATEWAY_KINDS, Optional.empty(), true);
    progress.println("************************************************************************");
    progress.println("DEVELOPMENT KEYS: generated CLEARTEXT keysets in " + keys + ".");
    progress.println("They are for this demo only. Production keysets are encrypted under a");
    progress.println("key-encryption key: pangate keys generate --out DIR --kek-file FILE");
    progress.println("************************************************************************");
    return true;
  }

  private static void writePolicy(Path directory, PrintStream progress) throws IOException {
    Path policy = directory.resolve("policy.yaml");
    if (Files.exists(policy)) {
      progress.println("using the policy in " + policy + " (delete it to get the demo policy back)");
      return;
    }
    try (InputStream in = DemoSetup.class.getResourceAsStream("/dev/pangate/masking/demo-policy.yaml")) {
      if (in == null) {
        throw new IllegalStateException("the demo policy is missing from the jar");
      }
      Files.write(policy, in.readAllBytes());
    }
    progress.println("wrote the demo policy to " + policy);
  }

  private static void setAsideOldAudit(Path directory, PrintStream progress) throws IOException {
    Path audit = directory.resolve("audit");
    if (Files.exists(audit)) {
      Path aside = directory.resolve("audit.before-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      Files.move(audit, aside);
      progress.println("new keys: the previous audit log (signed with the old key) moved to " + aside);
    }
  }

  private static Map<String, String> issueSecrets(Path file) throws IOException {
    SecureRandom random = new SecureRandom();
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String identity : AGENTS) {
      secrets.put(identity, AgentSecrets.issue(file, identity, true, SecretHash.DEFAULT_ITERATIONS, random));
    }
    secrets.put(ADMIN, AgentSecrets.issue(file, ADMIN, true, SecretHash.DEFAULT_ITERATIONS, random));
    return secrets;
  }

  private static String configuration(String databaseUrl, Options options) {
    return String.join("\n",
        "# Written by `pangate demo`: the demo gateway's configuration. docs/gateway.md explains",
        "# every key. Start it again without reloading anything with:",
        "#   pangate serve --config " + options.directory().resolve("pangate.yaml"),
        "postgres:",
        "  url: " + databaseUrl,
        "  user: " + options.role(),
        "  password_file: db-password",
        "  schemas: [payments]",
        "  statement_timeout: 30s   # statements running longer are cancelled in PostgreSQL",
        "policy: policy.yaml",
        "keys:",
        "  files:",
        "    tokenization: keys/tokenization.json",
        "    hashing: keys/hashing.json",
        "    audit-signing: keys/audit-signing.json",
        "  cleartext_for_demo: true   # development keys; production keysets are encrypted under a KEK",
        "audit:",
        "  node: demo",
        "  file:",
        "    directory: audit",
        "listen:",
        "  address: 127.0.0.1",
        "  port: " + options.port(),
        "auth:",
        "  secrets_file: agents.secrets",
        "admins: [" + ADMIN + "]",
        "");
  }

  static String randomText(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  static void writePrivately(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
