package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.cardStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JDBC transactions through the Avatica driver: with {@code setAutoCommit(false)} a write waits
 * for {@code commit()} or {@code rollback()}, the connection's own reads see it, nobody else does,
 * a closed connection keeps nothing, and each end is audited.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionEndToEndTest {

  private static final String POLICY = String.join("\n",
      "version: 1",
      "token_families:",
      "  pan: {key: tokenization, keep_first: 6, keep_last: 4, luhn: fail}",
      "agents:",
      "  migration-bot: {role: card_fixer}",
      "  security-officer: {role: approver}",
      "roles:",
      "  card_fixer:",
      "    description: \"Fixes card statuses without approval.\"",
      "    tables:",
      "      payments.cards:",
      "        columns_default: clear",
      "        columns:",
      "          pan: {mask: tokenize, family: pan}",
      "        dml: allow",
      "  approver:",
      "    approve: true",
      "    tables: {}",
      "");

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database).policy(POLICY).start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private static String status(Statement statement, long card) throws SQLException {
    try (ResultSet rs = statement.executeQuery(
        "select status from payments.cards where card_id = " + card)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  @Test
  void rollbackUndoesAndCommitKeeps() throws Exception {
    String before = cardStatus(fixture, 11);
    try (Connection connection = fixture.connect("migration-bot");
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      assertFalse(connection.getAutoCommit());
      assertEquals(1, statement.executeUpdate(
          "update payments.cards set status = 'tx-rolled-back' where card_id = 11"));
      assertEquals("tx-rolled-back", status(statement, 11), "the connection reads its own write");
      assertEquals(before, cardStatus(fixture, 11), "uncommitted: invisible to others");
      connection.rollback();
      assertEquals(before, status(statement, 11));
      assertEquals(before, cardStatus(fixture, 11));

      assertEquals(1, statement.executeUpdate(
          "update payments.cards set status = 'tx-committed' where card_id = 11"));
      assertEquals(1, statement.executeUpdate(
          "update payments.cards set status = 'tx-committed' where card_id = 12"));
      assertEquals(before, cardStatus(fixture, 11));
      connection.commit();
      assertEquals("tx-committed", cardStatus(fixture, 11));
      assertEquals("tx-committed", cardStatus(fixture, 12));
    }
    AuditTrail trail = AuditTrail.of(fixture);
    ShownEntry rollback = trail.one("TRANSACTION_ROLLBACK",
        entry -> "rollback requested".equals(entry.map(EventEncoder.DETAILS).get("reason")));
    assertEquals("migration-bot", rollback.text(EventEncoder.AGENT));
    ShownEntry commit = trail.one("TRANSACTION_COMMIT", entry -> true);
    assertEquals("2", commit.map(EventEncoder.DETAILS).get("writes"));
    Object transaction = commit.map(EventEncoder.DETAILS).get("transaction");
    assertEquals(2, trail.all("STATEMENT_END", entry -> entry.map(EventEncoder.DETAILS) != null
        && transaction.equals(entry.map(EventEncoder.DETAILS).get("transaction"))).size(),
        "both writes' completion entries name the committed transaction");
  }

  @Test
  void aConnectionClosedWithATransactionOpenKeepsNothing() throws Exception {
    String before = cardStatus(fixture, 21);
    try (Connection connection = fixture.connect("migration-bot");
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.executeUpdate("update payments.cards set status = 'tx-closed' where card_id = 21");
    }
    assertEquals(before, cardStatus(fixture, 21));
  }

  @Test
  void aFailedStatementMakesTheClientRollBack() throws Exception {
    String before = cardStatus(fixture, 31);
    try (Connection connection = fixture.connect("migration-bot");
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.executeUpdate("update payments.cards set status = 'tx-failed' where card_id = 31");
      assertThrows(SQLException.class, () -> statement.executeUpdate(
          "update payments.cards set expiry_month = 'x' where card_id = 31"));
      SQLException refused = assertThrows(SQLException.class, () -> status(statement, 31));
      assertTrue(refused.getMessage().contains("TRANSACTION_ABORTED"), refused.getMessage());
      // Avatica's driver reports a failed commit as its own unchecked exception, not SQLException.
      AvaticaClientRuntimeException commit = assertThrows(AvaticaClientRuntimeException.class,
          connection::commit);
      assertTrue(commit.getMessage().contains("rolled back, not committed"), commit.getMessage());
      assertEquals(before, status(statement, 31), "usable again, and nothing was kept");
    }
    assertEquals(before, cardStatus(fixture, 31));
  }
}
