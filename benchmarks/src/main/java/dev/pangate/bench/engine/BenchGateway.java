package dev.pangate.bench.engine;

import dev.pangate.audit.AuditLog;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.bench.BenchDatabase;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.demo.DemoSize;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.GatewayOptions;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A gateway over a demo database for benchmarks ({@link BenchDatabase}: a fresh database for the
 * run unless {@code PANGATE_BENCH_DATABASE} names one), the demo policy, fresh keys, a gateway
 * login of its own, an audit log in a temporary directory with periodic fsync.
 */
public final class BenchGateway implements AutoCloseable {

  public final Gateway gateway;
  public final String url;
  private final AuditLog audit;
  private final BenchDatabase database;
  private final String role;

  private BenchGateway(Gateway gateway, String url, AuditLog audit, BenchDatabase database,
      String role) {
    this.gateway = gateway;
    this.url = url;
    this.audit = audit;
    this.database = database;
    this.role = role;
  }

  public static BenchGateway start(DemoSize size, GatewayOptions options) throws Exception {
    BenchDatabase database = BenchDatabase.open(size, "benchmark");
    String password = UUID.randomUUID().toString();
    String role = database.createGatewayRole(password);
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
        EngineConfig.of(database.url(), role, password, List.of("payments")),
        policy, keys, audit, options);
    return new BenchGateway(gateway, database.url(), audit, database, role);
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    audit.close();
    database.dropRole(role);
    database.close();
  }
}
