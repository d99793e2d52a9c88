package dev.pangate.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.Unwritable;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** When the audit log cannot take an entry, statements are refused and health says why. */
@ExtendWith(PostgresExtension.class)
class FailClosedGatewayTest {

  @Test
  void anUnwritableAuditSinkRefusesStatementsUntilItRecovers(TestDatabase database) throws Exception {
    try (GatewayFixture fixture = GatewayFixture.demo(database);
        Session session = fixture.session("fraud-analyst")) {
      try (ResultCursor cursor = session.query("select count(*) from payments.cards", List.of())) {
        assertTrue(cursor.next());
      }
      whileAuditUnwritable(fixture, () -> {
        // A read starts in PostgreSQL while its entry is written: each refusal gives its
        // connection back (more refusals than the agent's share, and the pool, would hold).
        for (int i = 0; i < 12; i++) { // a result too large to be read ahead holds its connection
          assertEquals("AUDIT_UNAVAILABLE", assertThrows(EngineException.class,
              () -> session.query("select t.txn_id from payments.transactions t, payments.merchants m",
                  List.of()).close()).code());
        }
        EngineException refused = assertThrows(EngineException.class,
            () -> session.query("select count(*) from payments.cards", List.of()).close());
        assertEquals("AUDIT_UNAVAILABLE", refused.code());
        assertTrue(refused.getMessage().contains("fail closed"), refused.getMessage());
        assertFalse(fixture.gateway().health().healthy(), "health reports the audit problem");
        assertFalse(fixture.gateway().health().audit().available());
      });
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (!fixture.gateway().health().audit().available() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      try (ResultCursor cursor = session.query("select count(*) from payments.cards", List.of())) {
        assertTrue(cursor.next(), "statements run again once the sink is writable");
      }
    }
  }

  @Test
  void aCommitTheAuditLogCannotRecordIsRolledBack(TestDatabase database) throws Exception {
    try (GatewayFixture fixture = GatewayFixture.withPolicy(database, WritePolicyTest.POLICY);
        Session clerk = fixture.session("clerk")) {
      String status;
      try (var admin = fixture.admin(); var statement = admin.createStatement();
          var rs = statement.executeQuery("select status from payments.transactions where txn_id ="
              + " (select min(txn_id) from payments.transactions where merchant_id = 1)")) {
        rs.next();
        status = rs.getString(1);
      }
      clerk.setAutoCommit(false);
      try (ResultCursor cursor = clerk.query("update payments.transactions set status = 'unrecorded'"
          + " where txn_id = (select min(txn_id) from payments.transactions where merchant_id = 1)",
          List.of())) {
        assertTrue(cursor.next());
      }
      whileAuditUnwritable(fixture, () -> {
        EngineException refused = assertThrows(EngineException.class, clerk::commit);
        assertEquals("AUDIT_UNAVAILABLE", refused.code());
        assertTrue(refused.getMessage().contains("rolled back, not committed"), refused.getMessage());
      });
      try (var admin = fixture.admin(); var statement = admin.createStatement();
          var rs = statement.executeQuery("select status from payments.transactions where txn_id ="
              + " (select min(txn_id) from payments.transactions where merchant_id = 1)")) {
        rs.next();
        assertEquals(status, rs.getString(1), "nothing was committed without its audit entry");
      }
      assertFalse(clerk.inTransaction());
    }
  }

  @Test
  void aResultEndedWhileTheGatewayStopsIsStillAudited(TestDatabase database) throws Exception {
    try (GatewayFixture fixture = GatewayFixture.demo(database);
        Session session = fixture.session("fraud-analyst")) {
      ResultCursor open = session.query("select card_id as ended_at_stop from payments.cards",
          List.of());
      assertTrue(open.next());
      fixture.gateway().close(); // completion entries are no longer queued...
      open.close();              // ...so this one is written by the caller, not dropped
      String audit = fixture.auditText();
      int start = audit.indexOf("ended_at_stop");
      assertTrue(start >= 0, "the statement's START entry");
      assertTrue(audit.indexOf("STATEMENT_END", start) > 0, "its END entry after the stop");
    }
  }

  @Test
  void everyCompletionEntryOfConcurrentReadsIsWrittenOnceAndBeforeFlushReturns(TestDatabase database)
      throws Exception {
    try (GatewayFixture fixture = GatewayFixture.demo(database)) {
      int threads = 6;
      int each = 40;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          runs.add(pool.submit(() -> {
            try (Session session = fixture.session("fraud-analyst")) {
              for (int i = 0; i < each; i++) {
                try (ResultCursor cursor = session.query("select card_id as concurrent_end_" + thread
                    + " from payments.cards where card_id = ?", List.of(i + 1))) {
                  while (cursor.next()) {
                    // read it all: the END entry is handed to the log as the cursor ends
                  }
                }
              }
            }
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> run : runs) {
          run.get(120, java.util.concurrent.TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      fixture.gateway().flushAudit();
      String audit = fixture.auditText();
      for (int t = 0; t < threads; t++) {
        String name = "concurrent_end_" + t + " ";
        long starts = audit.lines().filter(l -> l.contains("STATEMENT_START") && l.contains(name)).count();
        List<String> ends = audit.lines().filter(l -> l.contains("STATEMENT_END") && l.contains(name))
            .toList();
        assertEquals(each, starts, "START entries of thread " + t);
        assertEquals(each, ends.size(), "every END entry of thread " + t + ", durable when flushAudit returned");
        assertEquals(each, ends.stream().map(l -> l.replaceAll(".*\"statementId\":\"([^\"]+)\".*", "$1"))
            .distinct().count(), "one END per statement id");
      }
      assertEquals(0, fixture.gateway().owedCount());
    }
  }

  @Test
  void completionEntriesTheSinkRefusedAreWrittenOnceItRecovers(TestDatabase database)
      throws Exception {
    try (GatewayFixture fixture = GatewayFixture.demo(database);
        Session session = fixture.session("fraud-analyst")) {
      ResultCursor first = session.query("select card_id as owed_one from payments.cards", List.of());
      ResultCursor second = session.query("select card_id as owed_two from payments.cards",
          List.of());
      assertTrue(first.next() && second.next(), "both ran: their START entries are durable");
      whileAuditUnwritable(fixture, () -> {
        while (first.next()) {
          // every row reaches the client...
        }
        while (second.next()) {
          // ...and then the sink fails as the statements end
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (fixture.gateway().owedCount() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(2, fixture.gateway().owedCount(), "both END entries are owed, not dropped");
      });
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (fixture.gateway().owedCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, fixture.gateway().owedCount(), "written once the sink took entries again");
      String audit = fixture.auditText();
      for (String name : List.of("owed_one", "owed_two")) {
        List<String> ends = audit.lines()
            .filter(line -> line.contains("STATEMENT_END") && line.contains(name)).toList();
        assertEquals(1, ends.size(), "one END entry of " + name);
        assertTrue(ends.get(0).contains("written_late") && ends.get(0).contains("ended_at"),
            ends.get(0));
      }
    }
  }

  /** Runs the checks with every audit file and the audit directory unwritable, then restores them. */
  private static void whileAuditUnwritable(GatewayFixture fixture, Checks checks) throws Exception {
    List<Path> files;
    try (var list = Files.list(fixture.auditDirectory())) {
      files = list.toList();
    }
    for (Path file : files) {
      Unwritable.make(file);
    }
    Unwritable.make(fixture.auditDirectory());
    try {
      checks.run();
    } finally {
      Unwritable.undo(fixture.auditDirectory());
      for (Path file : files) {
        Unwritable.undo(file);
      }
    }
  }

  @FunctionalInterface
  private interface Checks {
    void run() throws Exception;
  }
}
