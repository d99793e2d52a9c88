package dev.pangate.endpoint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.endpoint.auth.AgentSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pangate command line: usage errors, agent secrets, keys, policy checks, bad configuration. */
class CliTest {

  @Test
  void usageErrorsExitWithTwo() {
    CliRun none = run();
    assertEquals(2, none.status());
    assertTrue(none.err().contains("usage: pangate"));
    assertEquals(2, run("launch").status());
    CliRun unknownOption = run("serve", "--confg", "x.yaml");
    assertEquals(2, unknownOption.status());
    assertTrue(unknownOption.err().startsWith("pangate serve: Unknown option: '--confg'"), unknownOption.err());
    assertTrue(unknownOption.err().contains("--config"), "did you mean: " + unknownOption.err());
    assertTrue(unknownOption.err().strip().endsWith("Try 'pangate serve --help' for its usage."),
        "a short hint, not the whole usage: " + unknownOption.err());
    assertEquals(2, run("serve").status(), "--config is required");
    assertEquals(0, run("help").status());
  }

  @Test
  void everyCommandHasItsOwnHelpAndThereIsAVersion() {
    for (String command : List.of("serve", "demo", "agents", "keys", "policy", "approvals", "cluster", "mcp")) {
      for (String flag : List.of("--help", "-h")) {
        CliRun help = run(command, flag);
        assertEquals(0, help.status(), command + " " + flag + ": " + help.err());
        assertTrue(help.out().startsWith("usage: pangate " + command), help.out());
        assertFalse(help.out().contains("  sqlline [options]"), "only the command's own usage: " + help.out());
        assertEquals("", help.err());
      }
      CliRun viaHelp = run("help", command);
      assertEquals(0, viaHelp.status());
      assertEquals(run(command, "--help").out(), viaHelp.out(), "help " + command);
    }
    assertTrue(run("help", "demo").out().contains("--role=NAME"), "demo's --role is listed");
    assertTrue(run("agents", "add", "--help").out().contains("--config=FILE"), "agents' --config is listed");
    for (String command : List.of("evidence verify", "agents add", "agents remove", "agents list", "policy check",
        "policy reload", "approvals install", "approvals show", "approvals approve", "approvals deny",
        "keys generate", "keys generate-kek", "audit verify", "audit show")) {
      String[] words = (command + " --help").split(" ");
      CliRun help = run(words);
      assertEquals(0, help.status(), command + ": " + help.err());
      assertTrue(help.out().startsWith("usage: pangate " + command), help.out());
    }
    assertTrue(run("approvals", "list", "--help").out().startsWith("usage: pangate approvals"),
        "--help after a subcommand word too");
    CliRun unknown = run("help", "serv");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("no command 'serv'"), unknown.err());
    for (String flag : List.of("--version", "-V")) {
      CliRun version = run(flag);
      assertEquals(0, version.status());
      assertTrue(version.out().matches("pangate \\d+\\.\\d+\\.\\d+.*\\n"), version.out());
    }
    CliRun missingValue = run("agents", "add", "bot", "--secrets");
    assertEquals(2, missingValue.status());
    assertTrue(missingValue.err().contains("--secrets"), missingValue.err());
    assertFalse(missingValue.err().contains("usage:"), "a hint, not the usage: " + missingValue.err());
    CliRun both = run("agents", "list", "--secrets", "a", "--config", "b");
    assertEquals(2, both.status(), "--secrets or --config, not both: " + both.err());
    CliRun typo = run("sevre");
    assertEquals(2, typo.status());
    assertTrue(typo.err().contains("serve"), "did you mean: " + typo.err());
    CliRun whole = run("help");
    for (String command : List.of("serve", "demo", "agents", "keys", "audit", "evidence", "policy",
        "approvals", "sqlline", "mcp")) {
      assertTrue(whole.out().contains("\n  " + command + " "), command + " in: " + whole.out());
    }
    assertTrue(whole.out().contains("--version"), whole.out());
  }

  @Test
  void sqllineTakesTheSecretFromTheEnvironment() {
    String url = "jdbc:avatica:remote:url=http://h:1;authentication=BASIC;avatica_user=a";
    assertArrayEquals(new String[] {"-u", url + ";avatica_password=s3", "-n", "a", "-p", "s3"},
        SqllineCommand.withSecret(new String[] {"-u", url, "-n", "a"}, "s3"));
    assertArrayEquals(new String[] {"-u", url + ";avatica_password=x", "-p", "x"},
        SqllineCommand.withSecret(new String[] {"-u", url + ";avatica_password=x", "-p", "x"}, "s3"),
        "what is given is kept");
    assertArrayEquals(new String[] {"-u", url}, SqllineCommand.withSecret(new String[] {"-u", url}, null));
  }

  @Test
  void gatewayErrorsArePrintedForAPerson() {
    assertEquals("WRITE_NOT_ALLOWED: Role 'x' may not\nUPDATE t.[2J", GatewayClient.readable(
        "{\"error\":{\"code\":\"WRITE_NOT_ALLOWED\",\"sqlstate\":\"42501\",\"message\":"
            + "\"Role 'x' may not\\nUPDATE t.\\u001b[2J\"}}"));
    assertEquals("not json", GatewayClient.readable("not json\u0007"));
  }

  @Test
  void agentsAddPrintsTheSecretOnceAndStoresOnlyItsHash() throws Exception {
    Path secrets = Files.createTempDirectory("cli").resolve("agents.secrets");
    CliRun added = run("agents", "add", "report-bot", "--secrets", secrets.toString());
    assertEquals(0, added.status(), added.err());
    String secret = added.out().strip();
    assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), "stdout is the secret alone: " + added.out());
    assertTrue(added.err().contains("shown only this once"));
    String stored = Files.readString(secrets);
    assertFalse(stored.contains(secret));
    assertTrue(AgentSecrets.load(secrets).hash("report-bot").orElseThrow().matches(secret));

    CliRun again = run("agents", "add", "report-bot", "--secrets", secrets.toString());
    assertEquals(1, again.status());
    assertTrue(again.err().contains("--replace"));
    assertEquals(0, run("agents", "add", "report-bot", "--secrets", secrets.toString(), "--replace").status());

    CliRun listed = run("agents", "list", "--secrets", secrets.toString());
    assertEquals("report-bot", listed.out().strip());
    assertEquals(0, run("agents", "remove", "report-bot", "--secrets", secrets.toString()).status());
    assertEquals("", run("agents", "list", "--secrets", secrets.toString()).out().strip());
    assertEquals(1, run("agents", "add", "Not Valid", "--secrets", secrets.toString()).status());
  }

  @Test
  void keysArePassedToTheKeysetCommand() throws Exception {
    Path out = Files.createTempDirectory("cli-keys").resolve("keys");
    CliRun refused = run("keys", "generate", "--out", out.toString());
    assertEquals(1, refused.status(), "no KEK and no --cleartext-for-demo");
    CliRun generated = run("keys", "generate", "--out", out.toString(), "--cleartext-for-demo");
    assertEquals(0, generated.status(), generated.err());
    assertTrue(Files.exists(out.resolve("tokenization.json")));
    assertTrue(Files.exists(out.resolve("audit-signing.public.json")));
    assertTrue(generated.err().contains("CLEARTEXT"), "said loudly");
  }

  @Test
  void policyCheckValidatesAFile() throws Exception {
    Path policy = Files.createTempFile("policy", ".yaml");
    try (var in = CliTest.class.getResourceAsStream("/dev/pangate/masking/demo-policy.yaml")) {
      Files.write(policy, in.readAllBytes());
    }
    CliRun ok = run("policy", "check", policy.toString());
    assertEquals(0, ok.status(), ok.err());
    assertTrue(ok.out().startsWith("OK: 4 agents"));
    Files.writeString(policy, Files.readString(policy).replace("role: support_agent", "role: nobody"));
    CliRun bad = run("policy", "check", policy.toString());
    assertEquals(1, bad.status());
    assertTrue(bad.err().contains("nobody"), bad.err());
  }

  @Test
  void aBadConfigurationFailsWithAMessageNotAStackTrace() throws Exception {
    Path config = Files.createTempFile("pangate", ".yaml");
    Files.writeString(config, "postgres:\n  url: jdbc:postgresql://127.0.0.1:1/none\n  usr: x\n");
    CliRun failed = run("serve", "--config", config.toString());
    assertEquals(1, failed.status());
    assertTrue(failed.err().contains("unknown key 'usr'"), failed.err());
    assertFalse(failed.err().contains("\tat "));
    CliRun missing = run("serve", "--config", "/nonexistent/pangate.yaml");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("cannot be read"), missing.err());
  }

  @Test
  void approvalsUsageErrorsAreCaughtBeforeAnythingIsSent() {
    Map<String, String> secret = Map.of("PANGATE_SECRET", "not-used");
    CliRun badStatus = CliRun.withEnvironment(secret, "approvals", "list", "--status", "done",
        "--url", "http://127.0.0.1:1", "--user", "officer");
    assertEquals(2, badStatus.status());
    assertTrue(badStatus.err().contains("--status must be one of pending"), badStatus.err());
    CliRun badId = CliRun.withEnvironment(secret, "approvals", "approve", "42", "--reason", "x",
        "--url", "http://127.0.0.1:1", "--user", "officer");
    assertEquals(2, badId.status());
    assertTrue(badId.err().contains("request id"), badId.err());
    CliRun unknown = CliRun.withEnvironment(Map.of(), "approvals", "grant", "--url",
        "http://127.0.0.1:1", "--user", "officer");
    assertEquals(2, unknown.status(), "a usage error, before asking for the secret");
    CliRun unreachable = CliRun.withEnvironment(secret, "approvals", "list", "--url",
        "http://127.0.0.1:1", "--user", "officer");
    assertEquals(1, unreachable.status());
    assertTrue(unreachable.err().contains("cannot reach"), unreachable.err());
    assertFalse(unreachable.err().contains("not-used"), "the secret is never printed");
  }

  @Test
  void sqllineGetsAWidthWhenThereIsNoTerminal() {
    assertArrayEquals(new String[] {"-u", "x", "--maxWidth=200", "--isolation=TRANSACTION_NONE"},
        SqllineCommand.withDefaults(new String[] {"-u", "x"}, false));
    assertArrayEquals(new String[] {"-u", "x", "--isolation=TRANSACTION_NONE"},
        SqllineCommand.withDefaults(new String[] {"-u", "x"}, true));
    assertArrayEquals(new String[] {"--maxWidth=80", "--isolation=DEFAULT"},
        SqllineCommand.withDefaults(new String[] {"--maxWidth=80", "--isolation=DEFAULT"}, false));
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }
}
