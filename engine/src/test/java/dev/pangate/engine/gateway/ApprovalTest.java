package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.approval.ApprovalStatus;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Just-in-time approval in the engine: the demo migration bot's UPDATE is held, the security
 * officer approves, the same statement runs once; replay, a changed statement, another agent,
 * self-approval and an expired approval are refused; every step is audited.
 */
@ExtendWith(PostgresExtension.class)
class ApprovalTest {

  private static final Pattern REQUEST_ID = Pattern.compile("Request ([0-9a-f-]{36})");

  private static MovableClock clock;
  private static GatewayFixture fixture;
  private static Session bot;
  private static Caller officer;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    fixture = GatewayFixture.demo(database, GatewayOptions.defaults()
        .withApprovalLifetime(Duration.ofMinutes(30)).withClock(clock));
    bot = fixture.session("migration-bot");
    officer = new Caller("security-officer", "127.0.0.1:9", "officer", "test");
  }

  @AfterAll
  static void stop() throws Exception {
    bot.close();
    fixture.close();
  }

  private static String requestId(EngineException held) {
    assertEquals("APPROVAL_REQUIRED", held.code(), held.getMessage());
    Matcher matcher = REQUEST_ID.matcher(held.getMessage());
    assertTrue(matcher.find(), held.getMessage());
    return matcher.group(1);
  }

  private static long run(Session session, String sql, Object... parameters) {
    try (ResultCursor cursor = session.query(sql, List.of(parameters))) {
      assertTrue(cursor.next());
      return (Long) cursor.row()[0];
    }
  }

  private static String status(long cardId) throws Exception {
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery("select status from payments.cards where card_id = " + cardId)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void anApprovedUpdateRunsOnceAndTheAuditTellsTheWholeStory() throws Exception {
    String update = "update payments.cards set status = 'blocked' where card_id in (11, 12)";
    EngineException held = assertThrows(EngineException.class, () -> run(bot, update));
    String id = requestId(held);
    assertNotEquals("blocked", status(11), "nothing ran while held");

    Approvals approvals = fixture.gateway().approvals();
    ApprovalRequest pending = approvals.get(officer, id);
    assertEquals(ApprovalStatus.PENDING, pending.status());
    assertEquals(2L, pending.estimatedRows(), "the approver sees how many rows would change");
    assertTrue(pending.plan().contains("UPDATE"), pending.plan());
    assertEquals("migration-bot", pending.agent());

    EngineException again = assertThrows(EngineException.class, () -> run(bot, update));
    assertEquals(id, requestId(again), "re-submitting while pending points at the same request");

    ApprovalRequest approved = approvals.approve(officer, id, "card migration ticket 42");
    assertEquals(ApprovalStatus.APPROVED, approved.status());
    assertEquals("security-officer", approved.decidedBy());

    assertEquals(2L, run(bot, update), "the approved statement runs");
    assertEquals("blocked", status(11));
    assertEquals("blocked", status(12));
    assertEquals(ApprovalStatus.EXECUTED, approvals.get(officer, id).status());
    assertEquals(2L, approvals.get(officer, id).rowsAffected());

    EngineException replay = assertThrows(EngineException.class, () -> run(bot, update));
    assertNotEquals(id, requestId(replay), "a second run needs a new approval");

    String audit = fixture.auditText();
    for (String type : List.of("APPROVAL_REQUEST", "APPROVAL_DECISION", "APPROVAL_EXECUTED")) {
      assertTrue(Pattern.compile("\"type\":\"" + type + "\"[^\\n]*" + id).matcher(audit).find()
          || Pattern.compile(id + "[^\\n]*\"type\":\"" + type + "\"").matcher(audit).find(),
          type + " linked to " + id);
    }
    assertTrue(audit.contains("card migration ticket 42"), "the reason is audited");
  }

  @Test
  void aChangedStatementOrAnotherParameterIsNotCoveredByAnApproval() throws Exception {
    String update = "update payments.cards set status = ? where card_id = 21";
    String id = requestId(assertThrows(EngineException.class, () -> run(bot, update, "suspended")));
    fixture.gateway().approvals().approve(officer, id, "ok");
    EngineException other = assertThrows(EngineException.class, () -> run(bot, update, "closed"));
    assertNotEquals(id, requestId(other), "other parameters are another statement");
    EngineException changed = assertThrows(EngineException.class,
        () -> run(bot, "update payments.cards set status = ? where card_id = 22", "suspended"));
    assertNotEquals(id, requestId(changed));
    assertNotEquals("closed", status(21));
    assertEquals(1L, run(bot, update, "suspended"), "the approved one still runs");
  }

  private static String token(long cardId) {
    try (ResultCursor cursor = bot.query("select pan from payments.cards where card_id = " + cardId,
        List.of())) {
      assertTrue(cursor.next());
      return (String) cursor.row()[0];
    }
  }

  private static String executedEntry(String id) throws Exception {
    return fixture.auditText().lines()
        .filter(line -> line.contains("APPROVAL_EXECUTED") && line.contains(id))
        .findFirst().orElseThrow();
  }

  @Test
  void anApprovalForOneTokenLiteralDoesNotCoverAnother() throws Exception {
    // The literal on the left is not lifted: it becomes a hidden parameter (the PAN behind it).
    String first = token(51);
    String second = token(52);
    String approvedSql = "update payments.cards set status = 'blocked' where '" + first + "' = pan";
    String id = requestId(assertThrows(EngineException.class, () -> run(bot, approvedSql)));
    ApprovalRequest pending = fixture.gateway().approvals().get(officer, id);
    assertTrue(pending.sql().contains(first), "the approver sees the token as it is: " + pending.sql());
    assertTrue(pending.plan().contains("the PAN behind token '" + first + "'"), pending.plan());
    fixture.gateway().approvals().approve(officer, id, "block card 51");
    String other = "update payments.cards set status = 'blocked' where '" + second + "' = pan";
    EngineException held = assertThrows(EngineException.class, () -> run(bot, other));
    assertNotEquals(id, requestId(held), "another token is another statement");
    assertNotEquals("blocked", status(52));
    assertEquals(1L, run(bot, approvedSql));
    assertEquals("blocked", status(51));
    String executed = executedEntry(id);
    assertTrue(executed.contains("bound_values") && executed.contains("parameters_digest"), executed);
    assertTrue(executed.contains("' = pan"), "the statement that ran: " + executed);
  }

  @Test
  void theExecutedEntryRecordsTheTextThatRan() throws Exception {
    String approved = "update payments.cards set status = 'lost' where card_id = 61";
    String id = requestId(assertThrows(EngineException.class, () -> run(bot, approved)));
    fixture.gateway().approvals().approve(officer, id, "ok");
    String same = "update payments.cards   set status = 'lost' /* same */ where card_id = 61";
    assertEquals(1L, run(bot, same), "the same plan and values: covered");
    String executed = executedEntry(id);
    assertTrue(executed.contains("/* same */"), "what ran, not what was approved: " + executed);
  }

  @Test
  void anExpiredApprovalIsRefused() throws Exception {
    String update = "update payments.cards set status = 'expired' where card_id = 31";
    String id = requestId(assertThrows(EngineException.class, () -> run(bot, update)));
    fixture.gateway().approvals().approve(officer, id, "ok");
    clock.advance(Duration.ofMinutes(31));
    EngineException late = assertThrows(EngineException.class, () -> run(bot, update));
    assertNotEquals(id, requestId(late));
    assertEquals(ApprovalStatus.EXPIRED, fixture.gateway().approvals().get(officer, id).status());
    assertNotEquals("expired", status(31));
    assertTrue(fixture.auditText().contains("APPROVAL_EXPIRED"));
  }

  @Test
  void approversAreCheckedAndCannotDecideTwice() {
    String id = requestId(assertThrows(EngineException.class,
        () -> run(bot, "update payments.cards set status = 'x' where card_id = 41")));
    Caller requester = new Caller("migration-bot", "127.0.0.1:9", "bot", "test");
    EngineException notApprover = assertThrows(EngineException.class,
        () -> fixture.gateway().approvals().approve(requester, id, "mine"));
    assertEquals("NOT_AN_APPROVER", notApprover.code());
    assertEquals("REASON_REQUIRED", assertThrows(EngineException.class,
        () -> fixture.gateway().approvals().approve(officer, id, " ")).code());
    fixture.gateway().approvals().deny(officer, id, "no ticket");
    assertEquals("NOT_PENDING", assertThrows(EngineException.class,
        () -> fixture.gateway().approvals().approve(officer, id, "changed my mind")).code());
    assertEquals("APPROVAL_NOT_FOUND", assertThrows(EngineException.class,
        () -> fixture.gateway().approvals().get(officer, "00000000-0000-0000-0000-000000000000")).code());
  }

  @Test
  void refusedDecisionsAreAudited() throws Exception {
    String id = requestId(assertThrows(EngineException.class,
        () -> run(bot, "update payments.cards set status = 'x' where card_id = 42")));
    Caller requester = new Caller("migration-bot", "127.0.0.1:9", "bot", "test");
    assertThrows(EngineException.class,
        () -> fixture.gateway().approvals().approve(requester, id, "my own"));
    assertThrows(EngineException.class, () -> fixture.gateway().approvals().approve(officer, id, ""));
    assertThrows(EngineException.class, () -> fixture.gateway().approvals().deny(officer,
        "00000000-0000-0000-0000-000000000000", "no such"));
    List<String> audit = fixture.auditText().lines().toList();
    assertTrue(audit.stream().anyMatch(line -> line.contains("\"ACCESS_DENIED\"")
        && line.contains("NOT_AN_APPROVER") && line.contains("migration-bot") && line.contains(id)),
        "a non-approver's attempt is an access denial naming the request");
    assertTrue(audit.stream().anyMatch(line -> line.contains("\"APPROVAL_DECISION\"")
        && line.contains("REASON_REQUIRED") && line.contains(id)), "a decision without a reason");
    assertTrue(audit.stream().anyMatch(line -> line.contains("\"APPROVAL_DECISION\"")
        && line.contains("APPROVAL_NOT_FOUND")), "a decision on no request");
    assertEquals(ApprovalStatus.PENDING, fixture.gateway().approvals().get(officer, id).status());
  }

  @Test
  void writesAreRefusedWhereTheRuleDeniesThemOrTheyWouldStoreAToken() {
    try (Session support = fixture.session("support-bot")) {
      EngineException denied = assertThrows(EngineException.class,
          () -> run(support, "delete from payments.transactions where txn_id = 1"));
      assertEquals("WRITE_NOT_ALLOWED", denied.code());
    }
    EngineException token = assertThrows(EngineException.class,
        () -> run(bot, "update payments.cards set pan = '4111111111111111' where card_id = 1"));
    assertEquals("WRITE_REFUSED", token.code(), token.getMessage());
    assertTrue(token.getMessage().contains("detokenize"), token.getMessage());
    assertFalse(token.getMessage().contains("4111111111111111"));
    EngineException denyTable = assertThrows(EngineException.class,
        () -> run(bot, "update payments.disputes set status = 'x'"));
    assertEquals("WRITE_NOT_ALLOWED", denyTable.code());
  }

  @Test
  void ddlIsRefused() {
    EngineException ddl = assertThrows(EngineException.class,
        () -> bot.query("drop table payments.cards", List.of()));
    assertNotNull(ddl.code());
    assertTrue(ddl.code().equals("STATEMENT_NOT_ALLOWED") || ddl.code().equals("SQL_PARSE_ERROR"));
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
