package dev.pangate.audit.cli;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.AuditFixtures.ManualClock;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.postgres.PostgresAuditSink;
import dev.pangate.audit.postgres.PostgresAuditStore;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pangate audit verify} over several gateway nodes' chains at once, as files and in the
 * PostgreSQL store: each chain verified, the set reported together, a node whose chain stops (no
 * closing seal, silent since) named, a chain given twice refused, a break in one node's chain failing
 * the whole while naming that node.
 */
@ExtendWith(PostgresExtension.class)
class NodesVerifyTest {

  private static final Instant START = Instant.parse("2030-04-01T08:00:00Z");

  @TempDir Path dir;
  private KeysetHandle keys;
  private Path publicKeyset;

  @BeforeEach
  void keys() throws Exception {
    keys = newSigningKeyset();
    publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("audit-public.json"));
  }

  /** A node's log with a few statements, closed cleanly. */
  private Path nodeLog(String node, int statements, Duration offset) throws Exception {
    Path logs = dir.resolve(node);
    ManualClock clock = new ManualClock(START.plus(offset));
    try (HashChainedAuditLog log = HashChainedAuditLog.builder().node(node).signingKeyset(keys)
        .sink(FileAuditSink.create(logs, FileAuditSink.Options.defaults())).clock(clock).open()) {
      for (int i = 0; i < statements; i++) {
        log.append(AuditFixtures.statementStart(node + "-s" + i, "agent-" + i, "select 1"));
        log.append(AuditFixtures.statementEnd(node + "-s" + i, "agent-" + i, 1));
        clock.advance(Duration.ofSeconds(1));
      }
    }
    return logs;
  }

  /** As a node killed with kill -9 leaves its log: the closing seal never written. */
  private static void withoutClosingSeal(Path logs) throws Exception {
    Path file;
    try (var files = Files.list(logs)) {
      file = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted()
          .reduce((a, b) -> b).orElseThrow();
    }
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(lines.size() - 1).contains("\"state\":\"close\""));
    Files.write(file, lines.subList(0, lines.size() - 1));
  }

  @Test
  void threeNodesVerifyAsOneHistory() throws Exception {
    Path a = nodeLog("gw-1", 3, Duration.ZERO);
    Path b = nodeLog("gw-2", 2, Duration.ofSeconds(1));
    Path c = nodeLog("gw-3", 4, Duration.ofSeconds(2));
    Result r = run("verify", a.toString(), b.toString(), c.toString(), "--public-keyset",
        publicKeyset.toString(), "--at", "2030-04-01T09:00:00Z");
    assertEquals(AuditCli.OK, r.code, r.out + r.err);
    assertTrue(r.out.startsWith("OK: 3 nodes, one history (gw-1, gw-2, gw-3)"), r.out);
    assertTrue(r.out.contains("node gw-1  OK, closed cleanly"), r.out);
    assertTrue(r.out.contains("entries verified:  " + ((3 + 2 + 4) * 2 + 3) + " over 3 nodes"),
        r.out);
    assertTrue(r.out.contains("time range:        2030-04-01T08:00:00Z .."), r.out);
    assertTrue(r.out.contains("--- node gw-3\nOK: "), "each chain's own report follows: " + r.out);
  }

  @Test
  void aNodeWhoseChainStopsIsNamed() throws Exception {
    Path a = nodeLog("gw-1", 3, Duration.ZERO);
    Path b = nodeLog("gw-2", 2, Duration.ZERO);
    withoutClosingSeal(b);
    Result soon = run("verify", a.toString(), b.toString(), "--public-keyset", publicKeyset.toString(),
        "--at", "2030-04-01T08:00:30Z");
    assertEquals(AuditCli.OK, soon.code, "shortly after, a killed node's log reads as a running"
        + " one's: " + soon.out);
    assertTrue(soon.out.contains("node gw-2  OK, open"), soon.out);

    Result later = run("verify", a.toString(), b.toString(), "--public-keyset", publicKeyset.toString(),
        "--at", "2030-04-01T10:00:00Z");
    assertEquals(AuditCli.VERIFICATION_FAILED, later.code, later.out);
    assertTrue(later.out.startsWith("FAILED: 2 nodes, one history (gw-1, gw-2); node gw-2 stopped"),
        later.out);
    assertTrue(later.out.contains("node gw-2  STOPPED: its chain stops at seq "), later.out);
    assertTrue(later.out.contains("node gw-1  OK, closed cleanly"), "the other node is intact: "
        + later.out);
  }

  @Test
  void aBreakInOneNodesChainFailsTheWholeAndNamesIt() throws Exception {
    Path a = nodeLog("gw-1", 3, Duration.ZERO);
    Path b = nodeLog("gw-2", 3, Duration.ZERO);
    Path file;
    try (var files = Files.list(b)) {
      file = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    AuditFixtures.replaceInPlace(file, "agent-1", "agent-9");
    Result r = run("verify", a.toString(), b.toString(), "--public-keyset", publicKeyset.toString(),
        "--at", "2030-04-01T09:00:00Z");
    assertEquals(AuditCli.VERIFICATION_FAILED, r.code, r.out);
    assertTrue(r.out.contains("node gw-2  BROKEN: modified"), r.out);
    assertTrue(r.out.contains("node gw-1  OK"), r.out);
  }

  @Test
  void aChainGivenTwiceIsRefused() throws Exception {
    Path a = nodeLog("gw-1", 1, Duration.ZERO);
    Path copy = dir.resolve("copy-of-gw-1");
    Files.createDirectories(copy);
    try (var files = Files.list(a)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Result r = run("verify", a.toString(), copy.toString(), "--public-keyset", publicKeyset.toString(),
        "--at", "2030-04-01T09:00:00Z");
    assertEquals(AuditCli.VERIFICATION_FAILED, r.code, r.out);
    assertTrue(r.out.contains("two chains carry node id gw-1"), r.out);
  }

  @Test
  void headsOfOneChainAreRefusedWithSeveral() throws Exception {
    Path a = nodeLog("gw-1", 1, Duration.ZERO);
    Path b = nodeLog("gw-2", 1, Duration.ZERO);
    Result r = run("verify", a.toString(), b.toString(), "--public-keyset", publicKeyset.toString(),
        "--since", "1:" + "0".repeat(64));
    assertEquals(AuditCli.USAGE, r.code, r.out + r.err);
    assertTrue(r.err.contains("--since and --witness hold heads of one node's chain"), r.err);
  }

  @Test
  void everyNodeOfThePostgresStoreVerifiesTogether(TestDatabase database) throws Exception {
    String writer = "paw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    database.execute("CREATE ROLE " + writer + " LOGIN PASSWORD 'pw'");
    try {
      try (Connection admin = database.connect()) {
        PostgresAuditStore.install(admin, writer);
      }
      Properties login = new Properties();
      login.setProperty("user", writer);
      login.setProperty("password", "pw");
      for (String node : List.of("gw-b", "gw-a")) {
        try (HashChainedAuditLog log = HashChainedAuditLog.builder().node(node).signingKeyset(keys)
            .sink(PostgresAuditSink.create(database.url(), login, node)).open()) {
          log.append(AuditFixtures.statementStart(node + "-s", "agent", "select 1"));
          log.append(AuditFixtures.statementEnd(node + "-s", "agent", 1));
        }
      }
      String user = database.user();
      Result all = run("verify", "--jdbc-url", database.url(), "--all-nodes", "--user", user,
          "--public-keyset", publicKeyset.toString());
      assertEquals(AuditCli.OK, all.code, all.out + all.err);
      assertTrue(all.out.startsWith("OK: 2 nodes, one history (gw-a, gw-b)"), all.out);
      Result named = run("verify", "--jdbc-url", database.url(), "--node", "gw-b", "--node", "gw-a",
          "--user", user, "--public-keyset", publicKeyset.toString());
      assertEquals(AuditCli.OK, named.code, named.out + named.err);
      assertTrue(named.out.startsWith("OK: 2 nodes, one history (gw-b, gw-a)"), named.out);
    } finally {
      database.execute("DROP OWNED BY " + writer, "DROP ROLE " + writer);
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AuditCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
