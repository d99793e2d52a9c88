package dev.pangate.engine.gateway;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditLog;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.approval.ApprovalStore;
import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A running gateway for tests: the SMALL demo database in a fresh PostgreSQL database, the demo
 * policy, freshly generated Tink keys, and a signed audit log in a temporary directory. The
 * gateway logs in as a dedicated least-privilege role, as in production.
 */
public final class GatewayFixture implements AutoCloseable {

  public static final long SEED = 42;

  private final TestDatabase database;
  private final Path directory;
  private final Path policyFile;
  private final Path auditDirectory;
  private final KeysetHandle signing;
  private final AuditLog audit;
  private final Gateway gateway;
  private final Set<String> allPans;
  private final String gatewayRole;

  private GatewayFixture(TestDatabase database, DemoSize size, String policyYaml,
      GatewayOptions options) throws Exception {
    this(database, size, policyYaml, options, java.util.function.UnaryOperator.identity());
  }

  private GatewayFixture(TestDatabase database, DemoSize size, String policyYaml,
      GatewayOptions options, java.util.function.UnaryOperator<EngineConfig> engine)
      throws Exception {
    this.database = database;
    String role = "pangate_gw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    this.gatewayRole = role;
    String password = UUID.randomUUID().toString();
    try (Connection admin = database.connect()) {
      DemoDatabase.create(admin, size, SEED, true, line -> { });
      DemoDatabase.createGatewayRole(admin, role, password);
      ApprovalStore.install(admin, role);
      this.allPans = DemoDatabase.allPans(admin);
    }
    directory = Files.createTempDirectory("pangate-gateway-test");
    policyFile = directory.resolve("policy.yaml");
    Files.writeString(policyFile, policyYaml);
    auditDirectory = directory.resolve("audit");
    signing = KeysetGenerator.generate(KeysetGenerator.Kind.AUDIT_SIGNING);
    KeyRing keys = KeyRing.of(Map.of(
        "tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.TOKENIZATION),
        "hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING),
        "audit-signing", signing));
    audit = HashChainedAuditLog.builder().node("test")
        .signingKeyset(signing)
        .sink(FileAuditSink.create(auditDirectory, FileAuditSink.Options.defaults()))
        .open();
    EngineConfig config = EngineConfig.of(database.url(), role, password, List.of("payments"));
    gateway = Gateway.start(engine.apply(config), policyFile, keys, audit, options);
  }

  /** The demo policy on the SMALL demo database. */
  public static GatewayFixture demo(TestDatabase database) throws Exception {
    return new GatewayFixture(database, DemoSize.SMALL, demoPolicy(), GatewayOptions.defaults());
  }

  /**
   * The demo policy with gateway options and engine settings (pool size, statement timeout) of
   * the test's choosing.
   */
  public static GatewayFixture demo(TestDatabase database, GatewayOptions options,
      java.util.function.UnaryOperator<EngineConfig> engine) throws Exception {
    return new GatewayFixture(database, DemoSize.SMALL, demoPolicy(), options, engine);
  }

  /** The demo policy with gateway options of the test's choosing (e.g. a clock it moves). */
  public static GatewayFixture demo(TestDatabase database, GatewayOptions options) throws Exception {
    return new GatewayFixture(database, DemoSize.SMALL, demoPolicy(), options);
  }

  /** Another policy on the SMALL demo database. */
  public static GatewayFixture withPolicy(TestDatabase database, String policyYaml) throws Exception {
    return new GatewayFixture(database, DemoSize.SMALL, policyYaml, GatewayOptions.defaults());
  }

  public static String demoPolicy() throws IOException {
    try (InputStream in = GatewayFixture.class.getResourceAsStream(
        "/dev/pangate/masking/demo-policy.yaml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** The gateway's own PostgreSQL login (least privilege: SELECT, and INSERT/UPDATE where the demo writes). */
  public String gatewayRole() {
    return gatewayRole;
  }

  public Gateway gateway() {
    return gateway;
  }

  /** A session for a demo agent, as if authenticated by an endpoint. */
  public Session session(String agent) {
    return gateway.open(new Caller(agent, "127.0.0.1:5555", "test-" + agent, "test"));
  }

  /** Every PAN in the database (all PAN columns), as digit strings. */
  public Set<String> allPans() {
    return allPans;
  }

  public Path policyFile() {
    return policyFile;
  }

  public Path auditDirectory() {
    return auditDirectory;
  }

  public KeysetHandle signingKeyset() {
    return signing;
  }

  public TestDatabase database() {
    return database;
  }

  /** A direct administrator connection, to compute expected results. */
  public Connection admin() throws SQLException {
    return database.connect();
  }

  /** Everything the audit log wrote so far, as text. */
  /** Every row of {@code sql} run in {@code session}, each value as its string (null as null). */
  public static List<List<String>> rows(Session session, String sql) {
    List<List<String>> rows = new ArrayList<>();
    try (ResultCursor cursor = session.query(sql, List.of())) {
      while (cursor.next()) {
        List<String> row = new ArrayList<>();
        for (Object value : cursor.row()) {
          row.add(Objects.toString(value, null));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * Every row of {@code sql} run directly in PostgreSQL as the administrator, each value as its
   * string, booleans printed as the gateway's values print them ({@code true}, not {@code t}).
   */
  public List<List<String>> direct(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = admin(); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          int type = result.getMetaData().getColumnType(i);
          row.add(type == Types.BIT || type == Types.BOOLEAN
              ? Objects.toString(result.getObject(i), null) : result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * Asserts the statement answers through the session as PostgreSQL answers it directly, rows in
   * order (the statement should sort), and that the answer is not empty.
   */
  public void assertSameAsPostgres(Session session, String sql) throws Exception {
    List<List<String>> expected = direct(sql);
    org.junit.jupiter.api.Assertions.assertFalse(expected.isEmpty(), sql);
    org.junit.jupiter.api.Assertions.assertEquals(expected, rows(session, sql), sql);
  }

  public String auditText() throws IOException {
    gateway.flushAudit();
    StringBuilder text = new StringBuilder();
    try (var files = Files.list(auditDirectory)) {
      for (Path file : files.sorted().toList()) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    audit.close();
    // Roles live in the cluster, not the database: drop the gateway login the fixture created.
    try (Connection admin = database.connect(); java.sql.Statement statement = admin.createStatement()) {
      statement.execute("DROP OWNED BY " + gatewayRole);
      statement.execute("DROP ROLE IF EXISTS " + gatewayRole);
    }
  }
}
