package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.approve;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static dev.pangate.endpoint.ApprovalSteps.request;
import static dev.pangate.endpoint.ApprovalSteps.requestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.EventEncoder;
import dev.pangate.endpoint.cli.CliRun;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways on one database, each with its own pool, engine and audit log, racing for one
 * approval: the migration bot runs the same approved, non-idempotent write ({@code amount =
 * amount + 1}) through both at the same moment, round after round. Each approval is spent exactly
 * once: one run changes the row, the other is refused and changes nothing, the amount grows by
 * exactly one, and the two logs together hold one {@code APPROVAL_EXECUTED} per approval. Holding
 * the same new statement on both at once records one request, not two.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiNodeApprovalTest {

  private static final String BOT = "migration-bot";
  private static final int ROUNDS = 16;

  private EndpointFixture first;
  private EndpointFixture second;
  private final ExecutorService clients = Executors.newFixedThreadPool(2);

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    first = EndpointFixture.builder(database).node("gw-a").start();
    second = EndpointFixture.builder(database).joining(first, "gw-b").start();
  }

  @AfterAll
  void stopAndVerifyBothLogs() throws Exception {
    clients.shutdownNow();
    second.close();
    first.close();
    for (EndpointFixture node : List.of(first, second)) {
      CliRun verify = CliRun.of("audit", "verify", node.directory().resolve("audit").toString(),
          "--public-keyset", node.directory().resolve("keys/audit-signing.public.json").toString(),
          "--strict");
      assertEquals(0, verify.status(), verify.out() + verify.err());
    }
  }

  @Test
  void anApprovalIsSpentOnceWhenTwoGatewaysRunItAtTheSameMoment() throws Exception {
    Map<String, Integer> losers = new TreeMap<>();
    List<String> approvals = new ArrayList<>();
    try (Connection onFirst = first.connect(BOT); Connection onSecond = second.connect(BOT);
        Statement viaFirst = onFirst.createStatement();
        Statement viaSecond = onSecond.createStatement()) {
      for (int round = 0; round < ROUNDS; round++) {
        long txn = 100 + round;
        String write = "update payments.transactions set amount = amount + 1 where txn_id = " + txn;
        BigDecimal before = amount(txn);
        Statement holder = round % 2 == 0 ? viaFirst : viaSecond;
        String id = held(() -> holder.executeUpdate(write));
        approve(round % 2 == 0 ? second : first, id, "race round " + round);
        approvals.add(id);

        CyclicBarrier together = new CyclicBarrier(2);
        Future<Object> a = clients.submit(() -> run(together, viaFirst, write));
        Future<Object> b = clients.submit(() -> run(together, viaSecond, write));
        Object outcomeA = a.get(60, TimeUnit.SECONDS);
        Object outcomeB = b.get(60, TimeUnit.SECONDS);

        List<Object> outcomes = List.of(outcomeA, outcomeB);
        assertEquals(1, outcomes.stream().filter(o -> Integer.valueOf(1).equals(o)).count(),
            "round " + round + ": exactly one run changes the row: " + outcomes);
        String loser = (String) outcomes.stream().filter(o -> o instanceof String).findFirst()
            .orElseThrow(() -> new AssertionError("the other run must be refused: " + outcomes));
        assertTrue(loser.contains("APPROVAL_NOT_USABLE") || loser.contains("APPROVAL_REQUIRED"),
            "the other run is refused for the approval, or held as a new request: " + loser);
        losers.merge(loser.contains("being used by another run") ? "in use at that moment"
            : loser.contains("APPROVAL_NOT_USABLE") ? "already used" : "held again", 1,
            Integer::sum);
        assertEquals(before.add(BigDecimal.ONE), amount(txn),
            "round " + round + ": the write ran exactly once");
        assertEquals("executed", request(first, id).get("status").asText());
        assertEquals(1, request(second, id).get("rows_affected").asInt());
      }
    }
    System.out.println("refused runs, by what they met: " + losers);

    first.server().gateway().flushAudit();
    second.server().gateway().flushAudit();
    AuditTrail logA = AuditTrail.of(first);
    AuditTrail logB = AuditTrail.of(second);
    for (String id : approvals) {
      int executed = logA.all("APPROVAL_EXECUTED", e -> id.equals(e.text(EventEncoder.APPROVAL_ID)))
          .size() + logB.all("APPROVAL_EXECUTED", e -> id.equals(e.text(EventEncoder.APPROVAL_ID)))
          .size();
      assertEquals(1, executed, "approval " + id + " is recorded as executed once over both logs");
    }
  }

  @Test
  void theSameStatementHeldOnBothGatewaysAtOnceIsOneRequest() throws Exception {
    for (int round = 0; round < 8; round++) {
      String write = "update payments.transactions set amount = amount + 1 where txn_id = "
          + (300 + round);
      try (Connection onFirst = first.connect(BOT); Connection onSecond = second.connect(BOT);
          Statement viaFirst = onFirst.createStatement();
          Statement viaSecond = onSecond.createStatement()) {
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Object> a = clients.submit(() -> run(together, viaFirst, write));
        Future<Object> b = clients.submit(() -> run(together, viaSecond, write));
        String heldA = (String) a.get(60, TimeUnit.SECONDS);
        String heldB = (String) b.get(60, TimeUnit.SECONDS);
        assertEquals(requestId(heldA), requestId(heldB),
            "both gateways hold the statement under one request");
      }
    }
  }

  /** Runs the write once both clients are ready: the rows changed, or the error's message. */
  private static Object run(CyclicBarrier together, Statement statement, String write)
      throws Exception {
    together.await(30, TimeUnit.SECONDS);
    try {
      return statement.executeUpdate(write);
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private BigDecimal amount(long txn) throws SQLException {
    try (Connection admin = first.database().connect();
        PreparedStatement statement = admin.prepareStatement(
            "SELECT amount FROM payments.transactions WHERE txn_id = ?")) {
      statement.setLong(1, txn);
      try (ResultSet row = statement.executeQuery()) {
        assertTrue(row.next());
        return row.getBigDecimal(1);
      }
    }
  }
}
