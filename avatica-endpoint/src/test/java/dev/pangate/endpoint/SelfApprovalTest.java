package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static dev.pangate.endpoint.ApprovalSteps.cardStatus;
import static dev.pangate.endpoint.ApprovalSteps.decide;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static dev.pangate.endpoint.ApprovalSteps.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent whose role may approve cannot approve its own held write: a role with
 * {@code approve: true} that also writes to cards under {@code dml: approval} has its write held,
 * its own approval refused ({@code SELF_APPROVAL}, audited) and the write still held; another
 * approver's approval lets it run.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfApprovalTest {

  /** The lead migrator both writes (held for approval) and approves. */
  private static final String POLICY = String.join("\n",
      "version: 1",
      "token_families:",
      "  pan: {key: tokenization, keep_first: 6, keep_last: 4, luhn: fail}",
      "agents:",
      "  migration-bot: {role: lead_migrator}",
      "  security-officer: {role: approver}",
      "roles:",
      "  lead_migrator:",
      "    description: \"Writes cards after approval, and approves others' writes.\"",
      "    approve: true",
      "    tables:",
      "      payments.cards:",
      "        columns_default: clear",
      "        columns:",
      "          pan: {mask: tokenize, family: pan}",
      "        dml: approval",
      "  approver:",
      "    description: \"Decides approval requests; sees no cardholder data.\"",
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

  @Test
  void anApproverCannotApproveItsOwnWriteButAnotherApproverCan() throws Exception {
    String update = "update payments.cards set status = 'closed-5' where card_id = 5";
    String before = cardStatus(fixture, 5);
    String id;
    try (Connection connection = fixture.connect("migration-bot");
        Statement statement = connection.createStatement()) {
      id = held(() -> statement.executeUpdate(update));

      HttpResponse<String> own = decide(fixture, "migration-bot", id, "approve", "looks fine to me");
      assertEquals(403, own.statusCode(), own.body());
      assertEquals("SELF_APPROVAL", JSON.readTree(own.body()).get("error").get("code").asText());
      assertEquals("pending", request(fixture, id).get("status").asText(), "still undecided");
      assertEquals(id, held(() -> statement.executeUpdate(update)), "and still held");
      assertEquals(before, cardStatus(fixture, 5));

      HttpResponse<String> other = decide(fixture, "security-officer", id, "approve", "ticket 5");
      assertEquals(200, other.statusCode(), other.body());
      assertEquals(1, statement.executeUpdate(update));
      assertEquals("closed-5", cardStatus(fixture, 5));
    }
    ShownEntry refused = AuditTrail.of(fixture).one("APPROVAL_DECISION",
        entry -> id.equals(entry.text(EventEncoder.APPROVAL_ID)) && "failure".equals(entry.outcome()));
    assertEquals("migration-bot", refused.text(EventEncoder.AGENT), "the attempt is audited");
    assertEquals("SELF_APPROVAL", AuditTrail.code(refused));
  }
}
