package dev.pangate.bench.audit;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.AuditReceipt;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.witness.FileSealWitness;
import dev.pangate.audit.witness.WitnessSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending a statement's audit entry to the file sink, signed (one Ed25519 seal per group-commit
 * batch, over the Merkle tree head), from 1 and from 8 threads, with fsync per batch and with
 * periodic fsync, without a witness and with a witness file (every seal appended and fsynced on
 * the witness's own thread, statements refused while it lags). Throughput is
 * statements per second over all threads; the amortized cost per statement is its inverse. The
 * bare Tink Ed25519 signature is measured alongside for scale.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditAppendBenchmark {

  @Param({"FSYNC_EACH_BATCH", "FSYNC_PERIODIC"})
  public String durability;

  /** {@code none}, or {@code file}: a witness file in another directory. */
  @Param({"none", "file"})
  public String witness;

  private Path directory;
  private Path witnessDirectory;
  private HashChainedAuditLog log;
  private PublicKeySign sign;
  private AuditEvent event;
  private byte[] sealBody;

  @Setup
  public void open() throws IOException, GeneralSecurityException {
    SignatureConfig.register();
    KeysetHandle keys = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    sign = keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    directory = Files.createTempDirectory("pangate-audit-bench");
    FileAuditSink.Options options = FileAuditSink.Options.defaults()
        .withDurability(FileAuditSink.Durability.valueOf(durability));
    HashChainedAuditLog.Builder builder = HashChainedAuditLog.builder().node("bench").signingKeyset(keys)
        .sink(FileAuditSink.create(directory, options));
    if (witness.equals("file")) {
      witnessDirectory = Files.createTempDirectory("pangate-witness-bench");
      builder.witnesses(WitnessSet.of(List.of(FileSealWitness.create(witnessDirectory.resolve("seals.jsonl"))),
          WitnessSet.OnFailure.REFUSE, Duration.ofSeconds(10), Duration.ofSeconds(1)));
    }
    log = builder.open();
    // A typical statement: SQL, rewritten plan, pushed SQL, masks, a row filter (about 1 KiB).
    event = AuditEvent.builder(AuditEventType.STATEMENT_START).statementId("st-000001")
        .agent("agent-reporting-7").role("analyst").clientAddress("10.20.30.40:51234")
        .session("5f2b7c1e-0d7a-4a51-9d0e-6b1f0f3c2a11").driver("avatica-protobuf")
        .tables(List.of("payments.cards", "payments.transactions"))
        .columns(List.of("payments.cards.pan", "payments.transactions.amount", "payments.transactions.ts"))
        .masks(Map.of("payments.cards.pan", "tokenize"))
        .rowFilters(Map.of("payments.transactions", "merchant_id IN (?, ?, ?)"))
        .sql("SELECT c.pan, sum(t.amount) FROM payments.cards c JOIN payments.transactions t ON t.card_id = c.id"
            + " WHERE t.ts >= DATE '2025-01-01' GROUP BY c.pan ORDER BY 2 DESC LIMIT 20")
        .logicalPlan("LogicalSort(sort0=[$1], dir0=[DESC], fetch=[20])\n"
            + "  LogicalProject(pan=[TOKENIZE($0)], EXPR$1=[$1])\n"
            + "    LogicalAggregate(group=[{0}], EXPR$1=[SUM($1)])\n"
            + "      JdbcToEnumerableConverter\n        JdbcJoin(condition=[=($2, $3)], joinType=[inner])")
        .pushedSql(List.of("SELECT \"c\".\"pan\", SUM(\"t\".\"amount\") FROM \"payments\".\"cards\" AS \"c\""
            + " INNER JOIN \"payments\".\"transactions\" AS \"t\" ON \"c\".\"id\" = \"t\".\"card_id\""
            + " WHERE \"t\".\"ts\" >= DATE '2025-01-01' AND \"t\".\"merchant_id\" IN (11, 12, 13)"
            + " GROUP BY \"c\".\"pan\" ORDER BY 2 DESC FETCH NEXT 20 ROWS ONLY"))
        .policyDigest("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .parameters(List.of("2025-01-01")).build();
    sealBody = ("{\"checkpointMillis\":60000,\"keyId\":123456789,\"kind\":\"seal\",\"node\":\"bench\","
        + "\"prev\":\"" + "ab".repeat(32) + "\",\"seq\":123456,\"state\":\"open\","
        + "\"time\":\"2025-03-01T12:00:00.000000Z\"}").getBytes(StandardCharsets.UTF_8);
  }

  @TearDown
  public void close() throws IOException {
    log.close();
    delete(directory);
    if (witnessDirectory != null) {
      delete(witnessDirectory);
    }
  }

  private static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public AuditReceipt append1Thread() {
    return log.append(event);
  }

  @Benchmark
  @Threads(8)
  public AuditReceipt append8Threads() {
    return log.append(event);
  }

  /** The Ed25519 signature alone (one per batch in the log), for scale. */
  @Benchmark
  @Threads(1)
  public byte[] ed25519Sign() throws GeneralSecurityException {
    return sign.sign(sealBody);
  }
}
