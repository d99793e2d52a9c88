package dev.pangate.bench.endpoint;

import dev.pangate.bench.BenchDatabase;
import dev.pangate.bench.GatewayFiles;
import dev.pangate.endpoint.config.ConfigLoader;
import dev.pangate.endpoint.server.PangateServer;
import dev.pangate.engine.demo.DemoSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A gateway for benchmarks, started as {@code pangate serve} starts one, in the benchmark's JVM,
 * over the LARGE demo database (1,000,000 transactions): a fresh database per run, unless
 * {@code PANGATE_BENCH_DATABASE} names one to create once and keep (loading it takes minutes; see
 * {@link BenchDatabase}). Keys, secrets, the gateway login and the audit log are fresh per run.
 */
final class BenchGateway implements AutoCloseable {

  static final List<String> AGENTS = List.of("support-bot", "fraud-analyst", "migration-bot");

  private final Path directory;
  private final String role;
  private final String databaseUrl;
  private final BenchDatabase database;
  private final Map<String, String> secrets = new HashMap<>();
  private final PangateServer server;

  BenchGateway(String durability, int fetchSize) throws Exception {
    database = BenchDatabase.open(DemoSize.LARGE, "benchmark");
    databaseUrl = database.url();
    String password = UUID.randomUUID().toString();
    role = database.createGatewayRole(password);
    directory = Files.createTempDirectory("pangate-bench");
    secrets.putAll(GatewayFiles.write(directory, password, AGENTS));
    Files.writeString(directory.resolve("pangate.yaml"), String.join("\n",
        "postgres:",
        "  url: " + databaseUrl,
        "  user: " + role,
        "  password_file: db-password",
        "  fetch_size: " + fetchSize,
        "policy: policy.yaml",
        "keys:",
        "  files: {tokenization: keys/tokenization.json, hashing: keys/hashing.json,"
            + " audit-signing: keys/audit-signing.json}",
        "  cleartext_for_demo: true",
        "audit:",
        "  file: {directory: audit, durability: " + durability.toLowerCase() + "}",
        "listen: {address: 127.0.0.1, port: 0}",
        "auth: {secrets_file: agents.secrets}",
        "limits: {max_frame_rows: 20000}",
        ""));
    server = PangateServer.start(ConfigLoader.load(directory.resolve("pangate.yaml")));
  }

  /** The JDBC URL of an agent; {@code fetch_size} sets the driver's default fetch size. */
  String jdbcUrl(String agent, int fetchSize) {
    return "jdbc:avatica:remote:url=" + server.baseUri() + ";serialization=protobuf;authentication=BASIC"
        + ";avatica_user=" + agent + ";avatica_password=" + secrets.get(agent) + ";fetch_size=" + fetchSize;
  }

  /** The engine's gateway inside the server, to time the engine without HTTP and Avatica. */
  dev.pangate.engine.gateway.Gateway engine() {
    return server.gateway();
  }

  String secret(String agent) {
    return secrets.get(agent);
  }

  java.net.URI baseUri() {
    return server.baseUri();
  }

  /** A direct PostgreSQL connection as the gateway's login, for the baseline. */
  Connection direct() throws SQLException {
    Properties login = new Properties();
    login.setProperty("user", role);
    try {
      login.setProperty("password", Files.readString(directory.resolve("db-password")));
    } catch (IOException e) {
      throw new SQLException(e);
    }
    return DriverManager.getConnection(databaseUrl, login);
  }

  @Override
  public void close() throws Exception {
    server.close();
    database.dropRole(role);
    database.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
