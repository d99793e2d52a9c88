package dev.pangate.endpoint;

import dev.pangate.endpoint.auth.AgentSecrets;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.approval.ApprovalStore;
import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A running gateway for endpoint tests, started the way {@code pangate serve} starts it: a
 * configuration file read by {@link ConfigLoader}, the SMALL demo database in a fresh test
 * database, a least-privilege login, fresh development keys, the demo policy and agent secrets in
 * a temporary directory, on a free loopback port.
 */
public final class EndpointFixture implements AutoCloseable {

  /** The demo agents, and an operator listed in {@code admins}. */
  public static final List<String> AGENTS = List.of("support-bot", "fraud-analyst", "migration-bot",
      "security-officer");
  public static final String ADMIN = "ops";

  private final TestDatabase database;
  private final Path directory;
  private final String role;
  private final Map<String, String> secrets;
  private final Set<String> allPans;
  private final PangateServer server;
  private final Process child;
  private final Path childLog;
  private final URI childUri;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final EndpointFixture joined;
  /** The login of the shared limits (cluster section), or null. */
  private final String clusterRole;

  private EndpointFixture(Builder builder) throws Exception {
    this.database = builder.database;
    this.joined = builder.joined;
    directory = Files.createTempDirectory("pangate-endpoint-test");
    if (joined != null) {
      // Another node of the same service: the first one's database, login, keys, policy and agents.
      this.clusterRole = builder.ownLimits ? null : joined.clusterRole;
      this.role = joined.role;
      this.allPans = joined.allPans;
      this.secrets = joined.secrets;
      for (String file : List.of("db-password", "policy.yaml", "agents.secrets")) {
        Files.copy(joined.directory.resolve(file), directory.resolve(file));
      }
      Files.createDirectories(directory.resolve("keys"));
      try (var keys = Files.list(joined.directory.resolve("keys"))) {
        for (Path key : keys.toList()) {
          Files.copy(key, directory.resolve("keys").resolve(key.getFileName()));
        }
      }
    } else {
      this.role = "pgw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
      String password = UUID.randomUUID().toString();
      try (Connection admin = database.connect()) {
        DemoDatabase.create(admin, builder.size, GatewayFixture.SEED, true, line -> { });
        for (String sql : builder.setup) {
          try (Statement statement = admin.createStatement()) {
            statement.execute(sql);
          }
        }
        DemoDatabase.createGatewayRole(admin, role, password);
        ApprovalStore.install(admin, role);
        this.allPans = DemoDatabase.allPans(admin);
        if (builder.sharedLimits) {
          this.clusterRole = role + "_cl";
          try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + clusterRole + " LOGIN PASSWORD '" + password + "'");
          }
          dev.pangate.engine.cluster.SharedLimits.install(admin, clusterRole);
        } else {
          this.clusterRole = null;
        }
      }
      Files.writeString(directory.resolve("db-password"), password);
      Files.writeString(directory.resolve("policy.yaml"), builder.policy);
      KeysetGenerator.write(directory.resolve("keys"), KeysetGenerator.GATEWAY_KINDS, Optional.empty(), true);
      Map<String, String> issued = new LinkedHashMap<>();
      SecureRandom random = new SecureRandom();
      List<String> identities = new ArrayList<>(AGENTS);
      identities.add(ADMIN);
      identities.addAll(builder.extraIdentities);
      for (String identity : identities) {
        // Fewer PBKDF2 iterations than production keep the suite quick; the format is the same.
        issued.put(identity, AgentSecrets.issue(directory.resolve("agents.secrets"), identity, true,
            20_000, random));
      }
      this.secrets = Map.copyOf(issued);
    }
    Path configFile = directory.resolve("pangate.yaml");
    int port = builder.childJvm == null ? 0 : freePort();
    Files.writeString(configFile, configuration(builder, port), StandardCharsets.UTF_8);
    if (builder.childJvm == null) {
      this.server = PangateServer.start(ConfigLoader.load(configFile, builder.environment));
      this.child = null;
      this.childLog = null;
      this.childUri = null;
    } else {
      this.server = null;
      this.childLog = directory.resolve("gateway.log");
      this.childUri = URI.create("http://127.0.0.1:" + port);
      List<String> command = new ArrayList<>();
      command.addAll(builder.launcher);
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(builder.childJvm);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"),
          "dev.pangate.endpoint.cli.Pangate", "serve", "--config", configFile.toString()));
      this.child = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(childLog.toFile()).start();
      if (!eventually(Duration.ofSeconds(120), this::childReady) || !child.isAlive()) {
        child.destroyForcibly();
        throw new IllegalStateException("the gateway in a child JVM did not start (exit "
            + (child.isAlive() ? "none" : String.valueOf(child.waitFor())) + "):\n"
            + Files.readString(childLog));
      }
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private boolean childReady() {
    if (!child.isAlive()) {
      return true; // the caller reports it, with the log
    }
    try {
      return get("/healthz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String configuration(Builder builder, int port) {
    return String.join("\n",
        "postgres:",
        "  url: " + database.url(),
        "  user: " + role,
        "  password_file: db-password",
        "  schemas: [payments]",
        "  fetch_size: " + builder.fetchSize,
        "policy: policy.yaml",
        "keys:",
        "  files:",
        "    tokenization: keys/tokenization.json",
        "    hashing: keys/hashing.json",
        "    audit-signing: keys/audit-signing.json",
        "  cleartext_for_demo: true",
        "audit:",
        "  node: " + builder.node,
        builder.auditWriter == null
            ? "  file:\n    directory: audit\n    durability: fsync_periodic"
            : "  postgres:\n    url: " + database.url() + "\n    user: " + builder.auditWriter,
        builder.audit,
        "listen:",
        "  address: 127.0.0.1",
        "  port: " + port,
        builder.tls,
        "auth:",
        "  secrets_file: agents.secrets",
        builder.auth,
        "admins: [" + ADMIN + "]",
        "limits:",
        builder.limits,
        clusterRole == null ? "" : String.join("\n",
            "cluster:",
            "  postgres: {url: \"" + database.url() + "\", user: " + clusterRole
                + ", password_file: db-password}",
            "  heartbeat: 500ms",
            "  node_timeout: 3s"),
        builder.extra,
        "");
  }

  public static Builder builder(TestDatabase database) {
    return new Builder(database);
  }

  /** The demo policy on the SMALL demo database, default limits. */
  public static EndpointFixture demo(TestDatabase database) throws Exception {
    return builder(database).start();
  }

  /** Settings for a fixture. */
  public static final class Builder {
    private final TestDatabase database;
    private String policy;
    private String limits = "  connections_per_agent: 8";
    private String auth = "  free_failures: 3";
    private String audit = "";
    private String auditWriter;
    private int fetchSize = 1000;
    private DemoSize size = DemoSize.SMALL;
    private final List<String> setup = new ArrayList<>();
    private final List<String> extraIdentities = new ArrayList<>();
    private Map<String, String> environment = Map.of();
    private String tls = "";
    private List<String> childJvm;
    private List<String> launcher = List.of();
    private String node = "test";
    private EndpointFixture joined;
    private String extra = "";
    private boolean sharedLimits;
    private boolean ownLimits;

    private Builder(TestDatabase database) {
      this.database = database;
      try {
        this.policy = GatewayFixture.demoPolicy();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** YAML lines (indented by two) under {@code limits:}. */
    public Builder limits(String lines) {
      this.limits = lines;
      return this;
    }

    /** YAML lines (indented by two) under {@code audit:}, after {@code file:}. */
    public Builder audit(String lines) {
      this.audit = lines;
      return this;
    }

    /**
     * The audit log in the PostgreSQL store of the test database (installed by the caller with
     * {@code PostgresAuditStore.install}), written as {@code writer}, instead of a directory.
     */
    public Builder postgresAudit(String writer) {
      this.auditWriter = writer;
      return this;
    }

    /** YAML lines (indented by two) under {@code auth:}, after {@code secrets_file}. */
    public Builder auth(String lines) {
      this.auth = lines;
      return this;
    }

    public Builder policy(String yaml) {
      this.policy = yaml;
      return this;
    }

    public Builder size(DemoSize size) {
      this.size = size;
      return this;
    }

    public Builder fetchSize(int rows) {
      this.fetchSize = rows;
      return this;
    }

    /** SQL run as administrator after the demo data is loaded, before the gateway starts. */
    public Builder setup(String sql) {
      this.setup.add(sql);
      return this;
    }

    /** An identity with a secret but not necessarily in the policy. */
    public Builder identity(String identity) {
      this.extraIdentities.add(identity);
      return this;
    }

    /**
     * Runs the gateway as {@code pangate serve} in a child JVM with these JVM options (e.g. a
     * small {@code -Xmx}), its output going to {@link #childLog()}.
     */
    public Builder inChildJvm(String... jvmOptions) {
      this.childJvm = List.of(jvmOptions);
      return this;
    }

    /** Starts the child JVM through this command, e.g. {@code nohup}. */
    public Builder launcher(String... command) {
      this.launcher = List.of(command);
      return this;
    }

    /** Serve HTTPS with a PKCS12 keystore whose password is in an environment variable. */
    public Builder tls(Path keystore, String passwordVariable) {
      this.tls = "tls:\n  keystore: " + keystore + "\n  password_env: " + passwordVariable;
      return this;
    }

    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /**
     * Another node of the same service as {@code first}: its database, gateway login, keys, policy
     * and agent secrets, with an audit log (node id) and port of its own. Closing it leaves the
     * first node's database and login alone.
     */
    public Builder joining(EndpointFixture first, String nodeId) {
      this.joined = first;
      this.node = nodeId;
      return this;
    }

    /** This node's audit chain id (default {@code test}). */
    public Builder node(String nodeId) {
      this.node = nodeId;
      return this;
    }

    /**
     * Shares limits with the other nodes (a {@code cluster} section, its login created and the
     * store installed); nodes joining this one share them too.
     */
    public Builder sharedLimits() {
      this.sharedLimits = true;
      return this;
    }

    /** A node joining another that keeps its limits to itself (no {@code cluster} section). */
    public Builder withoutSharedLimits() {
      this.ownLimits = true;
      return this;
    }

    /** Top-level YAML sections added at the end of the configuration file. */
    public Builder extra(String yaml) {
      this.extra = yaml;
      return this;
    }

    public EndpointFixture start() throws Exception {
      return new EndpointFixture(this);
    }
  }

  /** The in-process server (null when the gateway runs in a child JVM). */
  public PangateServer server() {
    return server;
  }

  public URI baseUri() {
    return server != null ? server.baseUri() : childUri;
  }

  /** The child JVM running the gateway (null when in process). */
  public Process child() {
    return child;
  }

  /** Everything the child gateway printed (its log). */
  public String childLog() throws IOException {
    return Files.readString(childLog);
  }

  public Path directory() {
    return directory;
  }

  /** The login of the limits this node shares, or null. */
  public String clusterRole() {
    return clusterRole;
  }

  public TestDatabase database() {
    return database;
  }

  /** The gateway's PostgreSQL login. */
  public String role() {
    return role;
  }

  public String secret(String identity) {
    return secrets.get(identity);
  }

  /** Every PAN in the demo database. */
  public Set<String> allPans() {
    return allPans;
  }

  /** The JDBC URL an agent uses (protobuf serialization). */
  public String jdbcUrl(String identity) {
    return jdbcUrl(identity, secret(identity), "protobuf");
  }

  public String jdbcUrl(String identity, String secret, String serialization) {
    String path = serialization.equals("json") ? "/avatica/json" : "";
    return "jdbc:avatica:remote:url=" + baseUri() + path + ";serialization=" + serialization
        + ";authentication=BASIC;avatica_user=" + identity + ";avatica_password=" + secret;
  }

  /** An Avatica JDBC connection as the agent. */
  public Connection connect(String identity) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(identity));
  }

  /** An Avatica JDBC connection with extra connection properties. */
  public Connection connect(String identity, Properties properties) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(identity), properties);
  }

  /** {@code POST /v1/query} as the agent. */
  public HttpResponse<String> query(String identity, String json) throws IOException, InterruptedException {
    return post("/v1/query", identity, secret(identity), json);
  }

  /** A POST with Basic credentials (null identity: none). */
  public HttpResponse<String> post(String path, String identity, String secret, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUri().resolve(path))
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (identity != null) {
      request.header("Authorization", basic(identity, secret));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with the identity's Basic credentials. */
  public HttpResponse<String> get(String path, String identity) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", basic(identity, secret(identity))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A GET without credentials. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public static String basic(String identity, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((identity + ":" + secret)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Everything the audit log wrote so far. */
  public String auditText() throws IOException {
    if (server != null) {
      server.gateway().flushAudit(); // completion entries are written off the request thread
    }
    StringBuilder text = new StringBuilder();
    try (var files = Files.list(directory.resolve("audit"))) {
      for (Path file : files.sorted().toList()) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }

  /**
   * PostgreSQL sessions of the gateway's login that hold a statement open: running, or idle inside
   * a transaction (an open cursor).
   */
  public int busyPostgresSessions() throws SQLException {
    try (Connection admin = database.connect();
        Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE usename = '" + role + "' AND state IN ('active', 'idle in transaction')")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /**
   * Takes the migration bot's rule for payments.settlements out of the child gateway's policy
   * file, sends the child this signal ({@code -HUP}, {@code -USR1}) and waits until the new policy
   * is in force (the table is gone for the migration bot).
   */
  public void signalReloadWithoutSettlements(String signal) throws Exception {
    String query = "{\"sql\": \"select count(*) from payments.settlements\"}";
    org.junit.jupiter.api.Assertions.assertEquals(200, query("migration-bot", query).statusCode());
    Path policy = directory.resolve("policy.yaml");
    String original = Files.readString(policy);
    String without = original.replace("      payments.settlements:\n        columns_default: clear\n"
        + "        columns:\n          pan: {mask: tokenize, family: pan}\n", "");
    org.junit.jupiter.api.Assertions.assertNotEquals(original, without,
        "the test edits the migration bot's settlements rule");
    Files.writeString(policy, without);
    Process kill = new ProcessBuilder("kill", signal, Long.toString(child.pid())).start();
    org.junit.jupiter.api.Assertions.assertTrue(kill.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
        && kill.exitValue() == 0, "kill " + signal);
    // generous: the reload reads the schemas again and compiles the policy, on a machine that
    // may be busy with other work (a million-row stream has just gone through this gateway)
    org.junit.jupiter.api.Assertions.assertTrue(eventually(Duration.ofSeconds(120), () -> {
      try {
        return query("migration-bot", query).body().contains("OBJECT_NOT_FOUND");
      } catch (Exception e) {
        return false;
      }
    }), "after " + signal + " the new policy is in force");
  }

  /** Waits (up to the timeout) until the condition holds; returns whether it did. */
  public static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  private boolean closed;

  /** Stops the gateway and (the first node) removes its login; a second call does nothing. */
  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close();
    } else {
      child.destroy(); // SIGTERM: the shutdown hook closes results and seals the audit log
      try {
        if (!child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        child.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (joined != null) {
      return; // the first node owns the database and the login
    }
    try (Connection admin = database.connect(); Statement statement = admin.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
      statement.execute("DROP OWNED BY " + role);
      statement.execute("DROP ROLE IF EXISTS " + role);
      if (clusterRole != null) {
        statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
            + clusterRole + "'");
        statement.execute("DROP OWNED BY " + clusterRole);
        statement.execute("DROP ROLE IF EXISTS " + clusterRole);
      }
    }
  }
}
