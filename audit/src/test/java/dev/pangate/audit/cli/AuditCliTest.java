package dev.pangate.audit.cli;

import static dev.pangate.audit.AuditFixtures.newSigningKeyset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.AuditFixtures;
import dev.pangate.audit.AuditFixtures.ManualClock;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.Outcome;
import dev.pangate.audit.file.FileAuditSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pangate audit verify|show} as an assessor runs them. */
class AuditCliTest {

  @TempDir Path dir;
  private Path logs;
  private Path publicKeyset;
  private KeysetHandle keys;

  @BeforeEach
  void writeLog() throws Exception {
    keys = newSigningKeyset();
    logs = dir.resolve("logs");
    publicKeyset = AuditFixtures.writePublicKeyset(keys, dir.resolve("audit-public.json"));
    ManualClock clock = new ManualClock(Instant.parse("2030-03-01T09:00:00Z"));
    try (HashChainedAuditLog log = AuditFixtures.fileLog(logs, keys, FileAuditSink.Options.defaults())
        .clock(clock).open()) {
      log.append(AuditFixtures.statementStart("s1", "agent-a", "select pan from payments.cards"));
      log.append(AuditFixtures.statementEnd("s1", "agent-a", 5));
      clock.advance(Duration.ofHours(2));
      log.append(AuditEvent.builder(AuditEventType.STATEMENT_END).statementId("s2").agent("agent-b")
          .role("support").tables(List.of("payments.transactions"))
          .sql("select amount, \"memo\" from payments.transactions where note = '=cmd|x'")
          .outcome(Outcome.failure("42501", "permission denied, \"memo\" is denied")).build());
      log.append(AuditEvent.builder(AuditEventType.AUTH_FAILURE).agent("agent-c").clientAddress("10.1.2.3")
          .outcome(Outcome.failure("28000", "bad credentials")).build());
    }
  }

  @Test
  void verifyPrintsCountsTimeRangeAndCheckpoints() {
    Result r = run("verify", logs.toString(), "--public-keyset", publicKeyset.toString(),
        "--at", "2030-03-01T11:00:30Z");
    assertEquals(AuditCli.OK, r.code, r.err);
    assertTrue(r.out.startsWith("OK: "), r.out);
    assertTrue(r.out.contains("entries verified:  5"), r.out);
    assertTrue(r.out.contains("time range:        2030-03-01T09:00:00Z .. 2030-03-01T11:00:00Z"), r.out);
    assertTrue(r.out.contains("checkpoints seen:  6"), r.out);
    assertTrue(r.out.contains("end of log:        closed cleanly"), r.out);
  }

  @Test
  void showPrintsAReadableTableAndFilters() {
    Result all = run("show", logs.toString());
    assertEquals(AuditCli.OK, all.code, all.err);
    assertTrue(all.out.startsWith("TIME (UTC)"), all.out);
    assertTrue(all.out.contains("(5 entries)"), all.out);

    Result agent = run("show", logs.toString(), "--agent", "agent-a");
    assertTrue(agent.out.contains("(2 entries)"), agent.out);
    assertFalse(agent.out.contains("agent-b"));

    Result table = run("show", logs.toString(), "--table", "transactions");
    assertTrue(table.out.contains("(2 entries)"), table.out); // s1 start touched it, and s2

    Result failures = run("show", logs.toString(), "--outcome", "failure");
    assertTrue(failures.out.contains("(2 entries)"), failures.out);
    assertTrue(failures.out.contains("agent-b") && failures.out.contains("agent-c"));

    Result window = run("show", logs.toString(), "--from", "2030-03-01T10:00:00Z", "--to", "2030-03-02");
    assertTrue(window.out.contains("(2 entries)"), window.out);
  }

  @Test
  void showExportsJsonAndCsv() throws Exception {
    Result json = run("show", logs.toString(), "--format", "json", "--outcome", "failure");
    JsonNode array = new ObjectMapper().readTree(json.out);
    assertEquals(2, array.size());
    assertEquals("agent-b", array.get(0).get("agent").asText());
    assertEquals("42501", array.get(0).get("outcome").get("code").asText());
    assertEquals("2030-03-01T11:00:00.000000Z", array.get(0).get("time").asText());

    Result csv = run("show", logs.toString(), "--format", "csv", "--agent", "agent-b");
    String[] lines = csv.out.split("\r\n");
    assertEquals(2, lines.length, csv.out);
    assertTrue(lines[0].startsWith("seq,time,node,type,statementId,agent,role"), lines[0]);
    assertTrue(lines[1].contains(",\"permission denied, \"\"memo\"\" is denied\","), lines[1]);
    assertTrue(lines[1].contains("\"select amount, \"\"memo\"\" from"), lines[1]);
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatIsWrong() throws Exception {
    assertEquals(AuditCli.USAGE, run().code);
    Result noKeys = run("verify", logs.toString());
    assertEquals(AuditCli.USAGE, noKeys.code);
    assertTrue(noKeys.err.startsWith("pangate audit verify: Missing required option: '--public-keyset"), noKeys.err);
    assertTrue(noKeys.err.contains("Try 'pangate audit verify --help'"), "a short hint: " + noKeys.err);
    assertFalse(noKeys.err.contains("--witness-user"), "not the whole usage: " + noKeys.err);
    Result badTime = run("show", logs.toString(), "--from", "yesterday");
    assertEquals(AuditCli.USAGE, badTime.code);
    assertTrue(badTime.err.contains("--from 'yesterday' is not a time"), badTime.err);
    Result unknown = run("show", logs.toString(), "--colour");
    assertEquals(AuditCli.USAGE, unknown.code);
    assertTrue(unknown.err.contains("Unknown option: '--colour'"), unknown.err);
    Result typo = run("shwo", logs.toString());
    assertEquals(AuditCli.USAGE, typo.code);
    assertTrue(typo.err.contains("show"), "did you mean: " + typo.err);
    Result missing = run("verify", dir.resolve("nowhere").toString(), "--public-keyset", publicKeyset.toString());
    assertEquals(AuditCli.USAGE, missing.code);
    assertTrue(missing.err.contains("nowhere"), missing.err);

    Path privateFile = dir.resolve("private.json");
    Files.writeString(privateFile, TinkJsonProtoKeysetFormat.serializeKeyset(keys, InsecureSecretKeyAccess.get()));
    Result privateKeys = run("verify", logs.toString(), "--public-keyset", privateFile.toString());
    assertEquals(AuditCli.USAGE, privateKeys.code);
    assertTrue(privateKeys.err.contains("never the private one"), privateKeys.err);
    assertFalse(privateKeys.err.contains("privateKeyset") || privateKeys.err.contains("keyData"));
  }

  @Test
  void everySubcommandHasItsOwnHelp() {
    for (String command : new String[] {"verify", "show", "prove", "check-proof"}) {
      Result help = run(command, "--help");
      assertEquals(AuditCli.OK, help.code, help.err);
      assertTrue(help.out.startsWith("usage: pangate audit " + command), help.out);
      assertEquals("", help.err);
    }
    Result all = run("--help");
    assertEquals(AuditCli.OK, all.code);
    assertTrue(all.out.contains("check-proof") && all.out.contains("Exit codes"), all.out);
    Result version = run("--version");
    assertTrue(version.out.matches("pangate \\d+\\.\\d+\\.\\d+.*\\n"), version.out);
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
