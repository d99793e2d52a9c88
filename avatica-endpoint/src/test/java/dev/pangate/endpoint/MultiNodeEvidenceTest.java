package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.approve;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pangate evidence} over two gateway nodes of one service: the statements of both are in
 * one report, an approval requested on one node and run on the other is one story, each node's
 * chain is verified and named in 10.3, and {@code pangate evidence verify} re-checks the report
 * against both logs (and fails when one of them changed).
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiNodeEvidenceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EndpointFixture first;
  private EndpointFixture second;
  private Path report;
  private CliRun built;
  private String approvalId;

  @BeforeAll
  void runTwoNodesAndBuildTheReport(TestDatabase database) throws Exception {
    first = EndpointFixture.builder(database).node("gw-a").start();
    second = EndpointFixture.builder(database).joining(first, "gw-b").start();
    query(first, "fraud-analyst", "select count(*) from payments.transactions");
    query(first, "fraud-analyst", "select count(*) from payments.cards");
    query(second, "support-bot", "select count(*) from payments.transactions");
    query(second, "fraud-analyst", "select count(*) from payments.merchants");
    String write = "update payments.cards set status = 'evidence-4' where card_id = 4";
    try (Connection onFirst = first.connect("migration-bot"); Statement statement = onFirst.createStatement()) {
      approvalId = held(() -> statement.executeUpdate(write));
    }
    approve(second, approvalId, "two-node evidence");
    try (Connection onSecond = second.connect("migration-bot"); Statement statement = onSecond.createStatement()) {
      assertEquals(1, statement.executeUpdate(write));
    }
    first.server().gateway().flushAudit();
    second.server().gateway().flushAudit();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    report = first.directory().resolve("evidence-two-nodes");
    built = CliRun.of("evidence", "--config", first.directory().resolve("pangate.yaml").toString(),
        "--config", second.directory().resolve("pangate.yaml").toString(), "--from", today, "--to", today,
        "--out", report.toString());
  }

  @AfterAll
  void stop() throws Exception {
    second.close();
    first.close();
  }

  private static void query(EndpointFixture node, String agent, String sql) throws Exception {
    try (Connection connection = node.connect(agent); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertTrue(rows.next());
    }
  }

  private JsonNode evidence() throws Exception {
    return JSON.readTree(Files.readString(report.resolve("evidence.json")));
  }

  @Test
  void oneReportCoversBothNodes() throws Exception {
    assertEquals(0, built.status(), built.out() + built.err());
    assertTrue(built.out().contains("over 2 nodes (gw-a, gw-b)"), built.out());
    JsonNode root = evidence();
    List<String> nodes = List.of(root.path("nodes").get(0).path("node").asText(),
        root.path("nodes").get(1).path("node").asText());
    assertEquals(List.of("gw-a", "gw-b"), nodes);
    for (JsonNode node : root.path("nodes")) {
      assertTrue(node.path("verification").path("ok").asBoolean(), node.toString());
      assertFalse(node.path("builtOn").path("treeHead").isNull(), node.toString());
    }
    JsonNode byAgent = root.path("derived").path("log").path("activity").path("statementsByAgentAndTable");
    assertTrue(byAgent.path("support-bot").has("payments.transactions"),
        "the second node's statements are in the report: " + byAgent);
    assertTrue(byAgent.path("fraud-analyst").has("payments.cards"),
        "and the first node's: " + byAgent);
    Set<String> started = new HashSet<>();
    root.path("derived").path("log").path("auditStartsAndStops").forEach(e -> started.add(e.path("node").asText()));
    assertEquals(Set.of("gw-a", "gw-b"), started, "each node's start and stop is listed with its node");
  }

  @Test
  void anApprovalRequestedOnOneNodeAndRunOnTheOtherIsOneStory() throws Exception {
    JsonNode approval = null;
    for (JsonNode a : evidence().path("derived").path("log").path("approvals")) {
      if (a.path("id").asText().equals(approvalId)) {
        approval = a;
      }
    }
    assertTrue(approval != null, "the approval is in the report");
    assertEquals("gw-a", approval.path("requestNode").asText());
    assertEquals("migration-bot", approval.path("requestedBy").asText());
    assertEquals("security-officer", approval.path("decidedBy").asText());
    assertEquals("executed", approval.path("status").asText(), approval.toString());
    assertEquals("gw-b", approval.path("executedNode").asText(), "run on the other node");
  }

  @Test
  void thePageNamesEachNodesChain() throws Exception {
    String page = Files.readString(report.resolve("report.html"));
    assertTrue(page.contains("Audit logs of 2 gateway nodes, one history"), page);
    assertTrue(page.contains("<h3>Node gw-a</h3>") && page.contains("<h3>Node gw-b</h3>"));
    String commands = Files.readString(report.resolve("VERIFY.txt"));
    assertTrue(commands.contains("--log gw-a=") && commands.contains("--log gw-b="), commands);
  }

  @Test
  void verifyRechecksTheReportAgainstBothLogsAndRefusesItOnceOneChanged() throws Exception {
    String keyset = report.resolve("audit-public.json").toString();
    String logA = first.directory().resolve("audit").toString();
    String logB = second.directory().resolve("audit").toString();
    CliRun ok = CliRun.of("evidence", "verify", report.toString(), "--public-keyset", keyset,
        "--log", "gw-a=" + logA, "--log", "gw-b=" + logB);
    assertEquals(0, ok.status(), ok.out() + ok.err());
    assertTrue(ok.out().contains("node gw-a: the audit log verifies"), ok.out());
    assertTrue(ok.out().contains("node gw-b: the audit log verifies"), ok.out());

    Path copy = second.directory().resolve("audit-copy");
    Files.createDirectories(copy);
    try (var files = Files.list(second.directory().resolve("audit"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path file;
    try (var files = Files.list(copy)) {
      file = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    String text = Files.readString(file);
    Files.writeString(file, text.replace("support-bot", "support-bop"));
    CliRun refused = CliRun.of("evidence", "verify", report.toString(), "--public-keyset", keyset,
        "--log", "gw-a=" + logA, "--log", "gw-b=" + copy);
    assertEquals(1, refused.status(), refused.out());
    assertTrue(refused.out().contains("node gw-b: the audit log does not verify"), refused.out());
  }

  @Test
  void aNodeWhoseChainStopsIsNamed() throws Exception {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Path later = first.directory().resolve("evidence-later");
    // judged three hours on, the running nodes' logs have been silent far past their checkpoints
    CliRun run = CliRun.of("evidence", "--config", first.directory().resolve("pangate.yaml").toString(),
        "--config", second.directory().resolve("pangate.yaml").toString(), "--from", today, "--to", today,
        "--out", later.toString(), "--at", java.time.Instant.now().plus(java.time.Duration.ofHours(3)).toString());
    assertEquals(1, run.status(), run.out() + run.err());
    assertTrue(run.out().contains("node gw-a stopped: truncated"), run.out());
    assertTrue(run.out().contains("node gw-b stopped: truncated"), run.out());
    String page = Files.readString(later.resolve("report.html"));
    assertTrue(page.contains("Node gw-b: the audit log does not verify (the node stopped)"), page);
  }

  @Test
  void nodesOfAnotherPolicyCannotShareAReport() throws Exception {
    Path other = second.directory().resolve("pangate-other-policy.yaml");
    Path policy = second.directory().resolve("policy-other.yaml");
    Files.writeString(policy, Files.readString(second.directory().resolve("policy.yaml"))
        .replace("First-line support", "Second-line support"));
    Files.writeString(other, Files.readString(second.directory().resolve("pangate.yaml"))
        .replace("policy: policy.yaml", "policy: policy-other.yaml"));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    CliRun refused = CliRun.of("evidence", "--config", first.directory().resolve("pangate.yaml").toString(),
        "--config", other.toString(), "--from", today, "--to", today,
        "--out", first.directory().resolve("evidence-refused").toString());
    assertEquals(2, refused.status(), refused.out() + refused.err());
    assertTrue(refused.err().contains("runs another policy"), refused.err());
  }
}
