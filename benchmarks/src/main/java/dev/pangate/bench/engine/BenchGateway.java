package dev.pangate.bench.engine;

import dev.pangate.audit.AuditLog;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.demo.DemoDatabase;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.GatewayOptions;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A gateway over a freshly loaded demo database, for benchmarks: PostgreSQL at
 * {@code PANGATE_BENCH_DB_URL} (a maintenance database; default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code PANGATE_BENCH_DB_USER} or
 * postgres), database {@code pangate_bench} recreated, the demo policy, fresh keys, an audit log
 * in a temporary directory with periodic fsync.
 */
public final class BenchGateway implements AutoCloseable {

  public final Gateway gateway;
  public final String url;
  private final AuditLog audit;

  private BenchGateway(Gateway gateway, String url, AuditLog audit) {
    this.gateway = gateway;
    this.url = url;
    this.audit = audit;
  }

  public static BenchGateway start(DemoSize size, GatewayOptions options) throws Exception {
    String admin = env("PANGATE_BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    String user = env("PANGATE_BENCH_DB_USER", "postgres");
    Properties properties = new Properties();
    properties.setProperty("user", user);
    String password = System.getenv("PANGATE_BENCH_DB_PASSWORD");
    if (password != null) {
      properties.setProperty("password", password);
    }
    try (Connection connection = DriverManager.getConnection(admin, properties);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS pangate_bench WITH (FORCE)");
      statement.execute("CREATE DATABASE pangate_bench");
    }
    String url = admin.replaceFirst("/[^/?]+(\\?|$)", "/pangate_bench$1");
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      DemoDatabase.create(connection, size, 42, true, line -> { });
      DemoDatabase.createGatewayRole(connection, "pangate_bench_gw", "bench-secret");
    }
    Path directory = Files.createTempDirectory("pangate-bench");
    Path policy = directory.resolve("policy.yaml");
    try (InputStream in = BenchGateway.class.getResourceAsStream("/dev/pangate/masking/demo-policy.yaml")) {
      Files.writeString(policy, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    var signing = KeysetGenerator.generate(KeysetGenerator.Kind.AUDIT_SIGNING);
    KeyRing keys = KeyRing.of(Map.of(
        "tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.TOKENIZATION),
        "hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING),
        "audit-signing", signing));
    AuditLog audit = HashChainedAuditLog.builder().node("bench").signingKeyset(signing)
        .sink(FileAuditSink.create(directory.resolve("audit"), FileAuditSink.Options.defaults()
            .withDurability(FileAuditSink.Durability.FSYNC_PERIODIC)))
        .open();
    Gateway gateway = Gateway.start(
        EngineConfig.of(url, "pangate_bench_gw", "bench-secret", List.of("payments")),
        policy, keys, audit, options);
    return new BenchGateway(gateway, url, audit);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  @Override
  public void close() {
    gateway.close();
    audit.close();
  }
}
