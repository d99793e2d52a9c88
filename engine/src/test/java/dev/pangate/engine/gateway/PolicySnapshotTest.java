package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One policy snapshot per statement (issue 12, item 8), attacked: the session reads the policy in
 * force from a source that hands out another policy at every read, as a reload landing between
 * any two reads would. Policy A is the demo's (migration-bot sees card PANs as tokens, its writes
 * to cards wait for approval); policy B shows them truncated, filters migration-bot's cards and
 * lets it write them. Whatever mix of reads a statement makes, its plan (the mask on its rows, the
 * row filter in its plan), its DML rule (held or run), its approval request and every audit entry
 * it writes must come from one of the two, the same one.
 */
@ExtendWith(PostgresExtension.class)
class PolicySnapshotTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILTER = "card_id < 100000";

  private static GatewayFixture fixture;
  private static Gateway.PolicyState policyA;
  private static Gateway.PolicyState policyB;
  /** The snapshots the next reads get, in order; when empty, the gateway's own. */
  private static final Deque<Gateway.PolicyState> NEXT = new ConcurrentLinkedDeque<>();
  private static int reads;
  private static Session bot;
  private static final Caller OFFICER = new Caller("security-officer", "127.0.0.1:5556",
      "test-security-officer", "test");

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    Gateway gateway = fixture.gateway();
    policyA = gateway.state();
    String demo = GatewayFixture.demoPolicy();
    int migration = demo.indexOf("  migration_bot:");
    String cardsA = "          pan: {mask: tokenize, family: pan}\n        dml: approval\n";
    int cards = demo.indexOf(cardsA, migration);
    assertTrue(cards > migration, "the demo policy's migration_bot entry for payments.cards");
    String b = demo.substring(0, cards) + "          pan: {mask: truncate, keep_first: 6,"
        + " keep_last: 4}\n        row_filter: \"" + FILTER + "\"\n        dml: allow\n"
        + demo.substring(cards + cardsA.length());
    Path fileB = fixture.policyFile().resolveSibling("policy-b.yaml");
    Files.writeString(fileB, b);
    gateway.reloadPolicy(fileB, "test");
    policyB = gateway.state();
    assertNotEquals(policyA.policy().digest(), policyB.policy().digest());
    Supplier<Gateway.PolicyState> source = () -> {
      reads++;
      Gateway.PolicyState next = NEXT.poll();
      return next != null ? next : gateway.state();
    };
    bot = new Session(gateway, new Caller("migration-bot", "127.0.0.1:5555", "test-snapshot",
        "test"), true, source);
  }

  @AfterAll
  static void stop() throws Exception {
    bot.close();
    fixture.close();
  }

  /** Reads of the policy alternate: {@code first}, the other, {@code first}, ... */
  private static void alternating(Gateway.PolicyState first) {
    NEXT.clear();
    Gateway.PolicyState other = first == policyA ? policyB : policyA;
    for (int i = 0; i < 20; i++) {
      NEXT.add(i % 2 == 0 ? first : other);
    }
  }

  private static String name(String digest) {
    return digest.equals(policyA.policy().digest()) ? "A"
        : digest.equals(policyB.policy().digest()) ? "B" : "another policy";
  }

  /** The entries a statement writes itself (an approver's decision is the approver's own act). */
  private static final java.util.Set<String> STATEMENT_ENTRIES = java.util.Set.of("STATEMENT_START",
      "STATEMENT_END", "APPROVAL_REQUEST", "APPROVAL_EXECUTED", "ACCESS_DENIED");

  /** The audit entries (their events) the statement {@code sql} wrote, in order. */
  private static List<JsonNode> entries(String sql) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (String line : fixture.auditText().lines().toList()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = JSON.readTree(line).path("event");
      if (sql.equals(event.path("sql").asText(null))
          && STATEMENT_ENTRIES.contains(event.path("type").asText())) {
        found.add(event);
      }
    }
    return found;
  }

  /** The one policy every entry names; fails when they differ. */
  private static String onePolicy(String sql, List<JsonNode> entries) {
    assertFalse(entries.isEmpty(), "no audit entry for " + sql);
    String digest = entries.get(0).path("policyDigest").asText();
    for (JsonNode entry : entries) {
      assertEquals(name(digest), name(entry.path("policyDigest").asText()),
          entry.path("type").asText() + " of " + sql + " names another policy than "
              + entries.get(0).path("type").asText());
    }
    return name(digest);
  }

  @Test
  void aReadIsPlannedMaskedAndAuditedUnderOnePolicy() throws Exception {
    for (int run = 0; run < 4; run++) {
      alternating(run % 2 == 0 ? policyA : policyB);
      int before = reads;
      String sql = "select card_id, pan from payments.cards where card_id = " + (11 + run);
      String pan;
      try (ResultCursor cursor = bot.query(sql, List.of())) {
        assertTrue(cursor.next());
        pan = (String) cursor.row()[1];
        assertFalse(cursor.next());
      }
      assertTrue(reads - before >= 2, "prepare and execute each read the policy in force");
      List<JsonNode> entries = entries(sql);
      String policy = onePolicy(sql, entries);
      assertEquals(policy.equals("B") ? "truncated" : "token", pan.contains("*") ? "truncated"
          : "token", "rows masked under another policy than the audit names (" + policy + ")");
      for (JsonNode entry : entries) {
        if (entry.path("type").asText().equals("STATEMENT_START")) {
          assertEquals(policy.equals("B"), entry.path("rowFilters").size() > 0,
              "planned under another policy than the audit names (" + policy + "): "
                  + entry.path("rowFilters"));
        }
      }
    }
  }

  @Test
  void aWriteTakesItsRuleApprovalAndAuditFromOnePolicy() throws Exception {
    // B allows the write: it runs, planned with B's row filter, audited under B.
    alternating(policyA);
    String allowed = "update payments.cards set status = status where card_id = 21";
    try (ResultCursor cursor = bot.query(allowed, List.of())) {
      assertTrue(cursor.next());
      assertEquals(1L, ((Number) cursor.row()[0]).longValue());
    }
    List<JsonNode> ran = entries(allowed);
    assertEquals("B", onePolicy(allowed, ran), "the write ran under B's rule");
    assertTrue(ran.stream().noneMatch(e -> e.path("type").asText().equals("APPROVAL_REQUEST")));
    assertTrue(ran.stream().filter(e -> e.path("type").asText().equals("STATEMENT_START"))
        .allMatch(e -> e.path("rowFilters").size() > 0), "planned under B, with its row filter");

    // A holds it: the request's plan, its digest and the refusal all are A's.
    alternating(policyB);
    String held = "update payments.cards set status = status where card_id = 22";
    EngineException refused = assertThrows(EngineException.class, () -> bot.query(held, List.of()));
    assertEquals("APPROVAL_REQUIRED", refused.code(), refused.getMessage());
    List<JsonNode> requested = entries(held);
    assertEquals("A", onePolicy(held, requested), "held under A's rule");
    assertTrue(requested.stream().noneMatch(e -> e.path("type").asText().equals("STATEMENT_START")),
        "a held write does not run");
    String id = requestId(refused);
    ApprovalRequest request = fixture.gateway().approvals().get(OFFICER, id);
    assertFalse(request.plan().contains("100000"), "the request holds A's plan: " + request.plan());

    // Approved, run again while reads alternate: it runs once, under A, consuming the approval.
    fixture.gateway().approvals().approve(OFFICER, id, "snapshot test");
    alternating(policyB);
    try (ResultCursor cursor = bot.query(held, List.of())) {
      assertTrue(cursor.next());
      assertEquals(1L, ((Number) cursor.row()[0]).longValue());
    }
    List<JsonNode> executed = entries(held);
    assertEquals("A", onePolicy(held, executed));
    assertTrue(executed.stream().anyMatch(e -> e.path("type").asText().equals("APPROVAL_EXECUTED")
        && e.path("approvalId").asText().equals(id)), "the approval was spent");
    assertTrue(executed.stream().filter(e -> e.path("type").asText().equals("STATEMENT_START"))
        .allMatch(e -> e.path("rowFilters").size() == 0), "planned under A, without B's filter");
  }

  private static String requestId(EngineException e) {
    Matcher id = Pattern.compile("Request (\\S+) is").matcher(e.getMessage());
    assertTrue(id.find(), e.getMessage());
    return id.group(1);
  }
}
