package dev.pangate.audit.witness;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static dev.pangate.audit.AuditFixtures.statementEnd;
import static dev.pangate.audit.AuditFixtures.statementStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.ChainForger;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.cli.AuditCli;
import dev.pangate.audit.cli.CliRun;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.file.SegmentFiles;
import dev.pangate.audit.postgres.PostgresSealWitness;
import dev.pangate.audit.postgres.PostgresWitnessStore;
import dev.pangate.audit.verify.ViolationKind;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Witnessed seals against the key holder: the log is rewritten and sealed again with the real key
 * (so it verifies on its own), and the witness copy, a file on another path or a PostgreSQL table
 * the gateway may only insert into, catches it and is named. A witness that cannot be written
 * refuses statements, or only alerts, as configured.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WitnessTest {

  @TempDir Path dir;
  private final String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  private final String witnessRole = "pgt_witness_writer_" + suffix;
  private final String readerRole = "pgt_witness_reader_" + suffix;
  private final KeysetHandle keys = newSigningKeyset();
  private TestDatabase database;

  @BeforeAll
  void install(TestDatabase database) throws SQLException {
    this.database = database;
    database.execute("CREATE ROLE " + witnessRole + " LOGIN", "CREATE ROLE " + readerRole + " LOGIN");
    try (Connection admin = database.connect()) {
      PostgresWitnessStore.install(admin, witnessRole);
      PostgresWitnessStore.install(admin, witnessRole); // idempotent
      PostgresWitnessStore.grantReader(admin, readerRole);
    }
  }

  @AfterAll
  void dropRoles() throws SQLException {
    database.execute("DROP OWNED BY " + witnessRole + ", " + readerRole, "DROP ROLE " + witnessRole,
        "DROP ROLE " + readerRole);
  }

  @Test
  void aFileWitnessHoldsEverySealAndCatchesALogRewrittenWithTheRealKey() throws Exception {
    Path logs = dir.resolve("rewrite/audit");
    Path witnessFile = dir.resolve("rewrite/elsewhere/seals.jsonl");
    writeLog(logs, WitnessSet.of(List.of(FileSealWitness.create(witnessFile)), WitnessSet.OnFailure.REFUSE,
        Duration.ofSeconds(5), Duration.ofMillis(50)), "gw-w1");
    List<String> lines = lines(logs);
    List<String> seals = lines.stream().filter(l -> l.contains("\"kind\":\"seal\"")).toList();
    assertEquals(seals, Files.readAllLines(witnessFile), "the witness holds every seal, in order");
    Path publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("rewrite/public.json"));

    CliRun honest = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(),
        "--witness", witnessFile.toString());
    assertEquals(AuditCli.OK, honest.code(), honest.text());
    assertTrue(honest.out().contains("heads seen before: " + seals.size() + " still in the log"), honest.out());

    // The key holder changes who ran statement st-4 and seals the whole log again.
    lines.set(11, ChainForger.withEventField(lines.get(11), "agent", "nobody"));
    write(logs, ChainForger.reseal(lines, keys));
    CliRun alone = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.OK, alone.code(), "resealed with the real key, the log verifies alone: " + alone.text());
    CliRun witnessed = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(),
        "--witness", witnessFile.toString());
    assertEquals(AuditCli.VERIFICATION_FAILED, witnessed.code(), witnessed.text());
    assertTrue(witnessed.out().contains("problem:           " + ViolationKind.REWRITTEN.label()), witnessed.out());
    assertTrue(witnessed.out().contains("witness file " + witnessFile), witnessed.out());
    assertTrue(witnessed.out().contains("so the change is in seq 10..11"), witnessed.out());
  }

  @Test
  void aLogCutBackAndSealedAgainIsTruncatedAgainstItsWitness() throws Exception {
    Path logs = dir.resolve("cut/audit");
    Path witnessFile = dir.resolve("cut/elsewhere/seals.jsonl");
    writeLog(logs, WitnessSet.of(List.of(FileSealWitness.create(witnessFile)), WitnessSet.OnFailure.REFUSE,
        Duration.ofSeconds(5), Duration.ofMillis(50)), "gw-w2");
    List<String> lines = lines(logs);
    List<String> cut = new ArrayList<>(lines.subList(0, 9));
    cut.add(lines.get(lines.size() - 1)); // a closing seal
    write(logs, ChainForger.reseal(cut, keys));
    Path publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("cut/public.json"));
    assertEquals(AuditCli.OK, cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString()).code());
    CliRun witnessed = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(),
        "--witness", witnessFile.toString());
    assertEquals(AuditCli.VERIFICATION_FAILED, witnessed.code(), witnessed.text());
    assertTrue(witnessed.out().contains(ViolationKind.REWRITTEN.label()) || witnessed.out().contains(
        ViolationKind.TRUNCATED.label()), witnessed.out());
    assertTrue(witnessed.out().contains("witness file " + witnessFile), witnessed.out());
  }

  @Test
  void aChangedWitnessCopyIsReportedNotTrusted() throws Exception {
    Path logs = dir.resolve("forged-witness/audit");
    Path witnessFile = dir.resolve("forged-witness/elsewhere/seals.jsonl");
    writeLog(logs, WitnessSet.of(List.of(FileSealWitness.create(witnessFile)), WitnessSet.OnFailure.REFUSE,
        Duration.ofSeconds(5), Duration.ofMillis(50)), "gw-w3");
    List<String> witnessed = new ArrayList<>(Files.readAllLines(witnessFile));
    witnessed.set(1, witnessed.get(1).replace("\"state\":\"open\"", "\"state\":\"close\""));
    Files.write(witnessFile, witnessed);
    Path publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("forged-witness/public.json"));
    CliRun check = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(),
        "--witness", witnessFile.toString());
    assertEquals(AuditCli.VERIFICATION_FAILED, check.code(), check.text());
    assertTrue(check.out().contains("seals.jsonl:2: the seal there"), check.out());
    assertTrue(check.out().contains("does not match its hash"), check.out());
  }

  @Test
  void aPostgresWitnessTheGatewayMayOnlyInsertIntoCatchesTheRewrite() throws Exception {
    Path logs = dir.resolve("pg/audit");
    String node = "gw-pg-" + suffix;
    writeLog(logs, WitnessSet.of(List.of(PostgresSealWitness.create(database.url(), login(witnessRole), node)),
        WitnessSet.OnFailure.REFUSE, Duration.ofSeconds(5), Duration.ofMillis(50)), node);
    // The witness login cannot change, remove or even read what it wrote.
    try (Connection witness = DriverManager.getConnection(database.url(), login(witnessRole));
        Statement statement = witness.createStatement()) {
      for (String sql : List.of("UPDATE " + PostgresWitnessStore.TABLE + " SET seal = 'x'",
          "DELETE FROM " + PostgresWitnessStore.TABLE, "TRUNCATE " + PostgresWitnessStore.TABLE,
          "SELECT count(*) FROM " + PostgresWitnessStore.TABLE)) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
        assertEquals("42501", refused.getSQLState(), sql + ": " + refused.getMessage());
      }
    }
    // Not even the owner can change it.
    SQLException owner = assertThrows(SQLException.class,
        () -> database.execute("DELETE FROM " + PostgresWitnessStore.TABLE));
    assertTrue(owner.getMessage().contains("append-only"), owner.getMessage());

    List<String> lines = lines(logs);
    lines.set(9, ChainForger.withEventField(lines.get(9), "rows", 1_000_000L));
    write(logs, ChainForger.reseal(lines, keys));
    Path publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("pg/public.json"));
    CliRun check = cli("verify", logs.toString(), "--public-keyset", publicKeyset.toString(),
        "--witness", database.url(), "--witness-user", readerRole);
    assertEquals(AuditCli.VERIFICATION_FAILED, check.code(), check.text());
    assertTrue(check.out().contains(ViolationKind.REWRITTEN.label()), check.out());
    assertTrue(check.out().contains(PostgresWitnessStore.TABLE), check.out());
  }

  @Test
  void aWitnessThatCannotBeWrittenRefusesStatementsUntilItCanAgain() throws Exception {
    Path blocker = dir.resolve("refuse/blocked");
    Files.createDirectories(blocker.getParent());
    Files.writeString(blocker, "a file where the witness's directory should be");
    WitnessSet witnesses = WitnessSet.of(List.of(FileSealWitness.create(blocker.resolve("seals.jsonl"))),
        WitnessSet.OnFailure.REFUSE, Duration.ofSeconds(5), Duration.ofMillis(50));
    try (HashChainedAuditLog log = AuditFixtures.fileLog(dir.resolve("refuse/audit"), keys,
        FileAuditSink.Options.defaults()).node("gw-w5").witnesses(witnesses).open()) {
      waitFor(() -> witnesses.problem() != null);
      AuditUnavailableException refused = assertThrows(AuditUnavailableException.class,
          () -> log.append(statementStart("st-1", "agent-7", "select 1")));
      assertTrue(refused.getMessage().contains("witness file " + blocker.resolve("seals.jsonl")),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("on_failure: refuse"), refused.getMessage());
      assertNotNull(log.health().problem());
      // Fixed: the waiting seals reach the witness and statements are served again.
      Files.delete(blocker);
      waitFor(() -> witnesses.problem() == null);
      log.append(statementStart("st-2", "agent-7", "select 1"));
      assertNull(log.health().problem());
    }
  }

  @Test
  void aWitnessThatCannotBeWrittenOnlyAlertsWhenSoConfigured() throws Exception {
    Path blocker = dir.resolve("alert/blocked");
    Files.createDirectories(blocker.getParent());
    Files.writeString(blocker, "a file where the witness's directory should be");
    WitnessSet witnesses = WitnessSet.of(List.of(FileSealWitness.create(blocker.resolve("seals.jsonl"))),
        WitnessSet.OnFailure.ALERT, Duration.ofSeconds(5), Duration.ofMillis(50));
    try (HashChainedAuditLog log = AuditFixtures.fileLog(dir.resolve("alert/audit"), keys,
        FileAuditSink.Options.defaults()).node("gw-w6").witnesses(witnesses).open()) {
      waitFor(() -> witnesses.problem() != null);
      log.append(statementStart("st-1", "agent-7", "select 1"));
      assertNull(log.health().problem(), "alert: the log still takes entries");
      WitnessStatus status = witnesses.status().get(0);
      assertNotNull(status.problem());
      assertNotNull(status.problemSince());
    }
  }

  // ---------------------------------------------------------------- helpers

  private void writeLog(Path logs, WitnessSet witnesses, String node) {
    try (HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys, FileAuditSink.Options.defaults())
        .node(node).witnesses(witnesses).open()) {
      for (int i = 0; i < 8; i++) {
        log.append(i % 2 == 0 ? statementStart("st-" + i, "agent-7", "select pan from payments.cards")
            : statementEnd("st-" + (i - 1), "agent-7", 3));
      }
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }

  private static List<String> lines(Path logs) throws Exception {
    return new ArrayList<>(Files.readAllLines(logs.resolve(SegmentFiles.name(1)), StandardCharsets.UTF_8));
  }

  private static void write(Path logs, List<String> lines) throws Exception {
    Files.writeString(logs.resolve(SegmentFiles.name(1)), String.join("\n", lines) + "\n");
  }

  private static Properties login(String role) {
    Properties p = new Properties();
    p.setProperty("user", role);
    return p;
  }

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }
}
