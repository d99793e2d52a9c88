package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.approval.ApprovalStatus;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With autocommit off, writes wait for commit or rollback on one PostgreSQL connection: later
 * reads see them, other sessions do not, rollback keeps nothing, a failed statement aborts the
 * transaction, closing the session rolls back, and an approval is used only if its write commits.
 * Runs as the write-policy test's clerk (row filter, tokenized PAN) and officers (approval).
 */
@ExtendWith(PostgresExtension.class)
class TransactionTest {

  private static GatewayFixture fixture;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.withPolicy(database, WritePolicyTest.POLICY);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static String stored(String sql) throws Exception {
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Object first(Session session, String sql) {
    try (ResultCursor cursor = session.query(sql, List.of())) {
      assertTrue(cursor.next(), sql);
      return cursor.row()[0];
    }
  }

  private static long txnOfMerchant1() throws Exception {
    return Long.parseLong(stored("select min(txn_id) from payments.transactions where merchant_id = 1"));
  }

  @Test
  void rollbackKeepsNothingAndOnlyTheTransactionSawItsWrite() throws Exception {
    long txn = txnOfMerchant1();
    String before = stored("select status from payments.transactions where txn_id = " + txn);
    try (Session clerk = fixture.session("clerk"); Session other = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      assertEquals(1L, first(clerk, "update payments.transactions set status = 'held' where txn_id = " + txn));
      assertTrue(clerk.inTransaction());
      assertEquals("held", first(clerk, "select status from payments.transactions where txn_id = " + txn),
          "a read after the write runs in its transaction");
      assertEquals(before, first(other, "select status from payments.transactions where txn_id = " + txn),
          "another session does not see an uncommitted write");
      // reads on the transaction's connection are masked and filtered like any other
      try (ResultCursor rows = clerk.query("select pan, merchant_id from payments.transactions",
          List.of())) {
        while (rows.next()) {
          assertFalse(fixture.allPans().contains((String) rows.row()[0]), "a token, not the PAN");
          assertTrue(List.of(1, 2, 3).contains(((Number) rows.row()[1]).intValue()),
              "only the clerk's merchants");
        }
      }
      assertEquals(before, stored("select status from payments.transactions where txn_id = " + txn));
      clerk.rollback();
      assertFalse(clerk.inTransaction());
      assertEquals(before, first(clerk, "select status from payments.transactions where txn_id = " + txn));
    }
    assertEquals(before, stored("select status from payments.transactions where txn_id = " + txn));
  }

  @Test
  void aQueryTheGatewayEvaluatesReadsItsLeavesInTheTransaction() throws Exception {
    long txn = txnOfMerchant1();
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = 'leafy' where txn_id = " + txn);
      // A join on a substring of tokens: evaluated by the gateway over two PostgreSQL leaves,
      // both open at once on the transaction's connection.
      String sql = "select count(*) from payments.transactions a join payments.transactions b"
          + " on substring(a.pan, 1, 8) = substring(b.pan, 1, 8) and a.txn_id = b.txn_id"
          + " where a.status = 'leafy'";
      assertTrue(clerk.prepare(sql).planned().gatewayEvaluated(), "the gateway evaluates it");
      assertEquals(1L, ((Number) first(clerk, sql)).longValue());
      clerk.rollback();
      assertEquals(0L, ((Number) first(clerk, sql)).longValue());
    }
  }

  @Test
  void commitKeepsEveryWriteOfTheTransactionAndIsAudited() throws Exception {
    long txn = txnOfMerchant1();
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = 'step1' where txn_id = " + txn);
      first(clerk, "update payments.transactions set auth_code = 'ZZ9999' where txn_id = " + txn);
      assertFalse("step1".equals(stored("select status from payments.transactions where txn_id = "
          + txn)), "nothing is visible outside before the commit");
      clerk.commit();
      assertEquals("step1", stored("select status from payments.transactions where txn_id = " + txn));
      assertEquals("ZZ9999", stored("select auth_code from payments.transactions where txn_id = " + txn));
    }
    fixture.gateway().flushAudit();
    String audit = fixture.auditText();
    Matcher commit = Pattern.compile("\"type\":\"TRANSACTION_COMMIT\"").matcher(audit);
    assertTrue(commit.find(), "a TRANSACTION_COMMIT entry");
    Matcher id = Pattern.compile("\"transaction\":\"([0-9a-f-]{36})\",\"writes\":\"2\"").matcher(audit);
    assertTrue(id.find(), "the commit names its transaction and its two writes");
    int statements = audit.split(Pattern.quote("\"transaction\":\"" + id.group(1) + "\""), -1).length - 1;
    assertTrue(statements >= 5, "two writes' START and END entries and the commit carry the id: "
        + statements);
  }

  @Test
  void aFailedStatementAbortsTheTransactionUntilItIsRolledBack() throws Exception {
    long txn = txnOfMerchant1();
    String before = stored("select status from payments.transactions where txn_id = " + txn);
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = 'doomed' where txn_id = " + txn);
      EngineException overflow = assertThrows(EngineException.class, () -> first(clerk,
          "update payments.transactions set amount = 1e15 where txn_id = " + txn));
      assertEquals("DATA_EXCEPTION", overflow.code());
      EngineException refused = assertThrows(EngineException.class, () -> first(clerk,
          "select status from payments.transactions where txn_id = " + txn));
      assertEquals("TRANSACTION_ABORTED", refused.code());
      assertTrue(refused.getMessage().contains("rollback"), refused.getMessage());
      EngineException commit = assertThrows(EngineException.class, clerk::commit);
      assertEquals("TRANSACTION_ABORTED", commit.code());
      assertTrue(commit.getMessage().contains("rolled back, not committed"), commit.getMessage());
      assertFalse(clerk.inTransaction());
      assertEquals(before, first(clerk, "select status from payments.transactions where txn_id = " + txn),
          "usable again after the rollback");
    }
    assertEquals(before, stored("select status from payments.transactions where txn_id = " + txn));
  }

  @Test
  void aWriteOutsideTheRowFilterAbortsTheTransaction() throws Exception {
    long txn = txnOfMerchant1();
    String before = stored("select status from payments.transactions where txn_id = " + txn);
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = 'kept?' where txn_id = " + txn);
      EngineException outside = assertThrows(EngineException.class, () -> first(clerk,
          "update payments.transactions set merchant_id = 4 where txn_id = " + txn));
      assertEquals("ROW_FILTER_VIOLATION", outside.code());
      // the moved row is not readable through the transaction, and nothing more runs in it
      for (String next : List.of("select merchant_id from payments.transactions where txn_id = " + txn,
          "update payments.transactions set status = 'again' where txn_id = " + txn,
          "explain plan for select txn_id from payments.transactions")) {
        EngineException refused = assertThrows(EngineException.class, () -> first(clerk, next));
        assertEquals("TRANSACTION_ABORTED", refused.code(), next);
      }
      // its row locks are gone at once: another writer does not wait for the caller's rollback
      try (Connection admin = fixture.admin(); Statement statement = admin.createStatement()) {
        statement.execute("SET lock_timeout = '2s'");
        assertEquals(1, statement.executeUpdate("update payments.transactions set status = status"
            + " where txn_id = " + txn));
      }
      EngineException commit = assertThrows(EngineException.class, clerk::commit);
      assertEquals("TRANSACTION_ABORTED", commit.code());
    }
    assertEquals(before, stored("select status from payments.transactions where txn_id = " + txn));
    assertEquals("1", stored("select merchant_id from payments.transactions where txn_id = " + txn));
  }

  @Test
  void closingTheSessionRollsBackAndReleasesTheConnection() throws Exception {
    long txn = txnOfMerchant1();
    String before = stored("select status from payments.transactions where txn_id = " + txn);
    awaitIdlePool(); // finished reads give their connections back from a background thread
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = 'abandoned' where txn_id = " + txn);
      assertEquals(1, fixture.gateway().poolUse().active(),
          "the open transaction holds one connection");
    }
    assertEquals(before, stored("select status from payments.transactions where txn_id = " + txn));
    assertEquals(0, fixture.gateway().poolUse().active(), "the rollback returned it at once");
  }

  private static void awaitIdlePool() throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (fixture.gateway().poolUse().active() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, fixture.gateway().poolUse().active(), "no connection in use before the test");
  }

  @Test
  void turningAutocommitBackOnCommits() throws Exception {
    long txn = txnOfMerchant1();
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = 'autocommitted' where txn_id = " + txn);
      clerk.setAutoCommit(true);
      assertFalse(clerk.inTransaction());
    }
    assertEquals("autocommitted", stored("select status from payments.transactions where txn_id = " + txn));
  }

  @Test
  void aResultStillOpenAtCommitFailsInsteadOfEndingShort() throws Exception {
    try (Session clerk = fixture.session("clerk")) {
      clerk.setAutoCommit(false);
      first(clerk, "update payments.transactions set status = status where txn_id = " + txnOfMerchant1());
      ResultCursor open = clerk.query("select txn_id from payments.transactions", List.of());
      assertTrue(open.next());
      clerk.commit();
      EngineException ended = assertThrows(EngineException.class, () -> {
        while (open.next()) {
          // the rows PostgreSQL already sent may come first; then the closed portal shows
        }
      });
      assertEquals("TRANSACTION_ENDED", ended.code());
      open.close();
    }
  }

  @Test
  void anApprovalIsUsedOnlyWhenItsWriteCommits() throws Exception {
    String sql = "update payments.cards set status = 'frozen' where card_id = 3";
    Caller approver = new Caller("officer-b", "127.0.0.1:2", "b", "test");
    try (Session officer = fixture.session("officer-a")) {
      EngineException held = assertThrows(EngineException.class, () -> first(officer, sql));
      Matcher id = Pattern.compile("Request ([0-9a-f-]{36})").matcher(held.getMessage());
      assertTrue(id.find(), held.getMessage());
      fixture.gateway().approvals().approve(approver, id.group(1), "ok");

      officer.setAutoCommit(false);
      assertEquals(1L, first(officer, sql));
      officer.rollback();
      assertEquals(ApprovalStatus.APPROVED,
          fixture.gateway().approvals().get(approver, id.group(1)).status(),
          "a rolled-back run leaves the approval unused");
      assertFalse("frozen".equals(stored("select status from payments.cards where card_id = 3")));

      assertEquals(1L, first(officer, sql));
      officer.commit();
      assertEquals(ApprovalStatus.EXECUTED,
          fixture.gateway().approvals().get(approver, id.group(1)).status());
      assertEquals("frozen", stored("select status from payments.cards where card_id = 3"));
      EngineException again = assertThrows(EngineException.class, () -> first(officer, sql));
      assertTrue(again.getMessage().contains("Request"), "a second run needs a new approval: "
          + again.getMessage());
    }
  }
}
