package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static dev.pangate.endpoint.ApprovalSteps.approve;
import static dev.pangate.endpoint.ApprovalSteps.cardStatus;
import static dev.pangate.endpoint.ApprovalSteps.decide;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static dev.pangate.endpoint.ApprovalSteps.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.show.ShownEntry;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code limits.approval_lifetime} reaches the engine: with a lifetime of a few seconds, an
 * approval not used in time is refused (the write is held again as a new request, the old one
 * shows {@code expired} and APPROVAL_EXPIRED is audited), and a request not decided in time can
 * no longer be approved.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalExpiryTest {

  private static final Duration LIFETIME = Duration.ofSeconds(5);

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.builder(database)
        .limits("  approval_lifetime: " + LIFETIME.toSeconds() + "s")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void anApprovalNotUsedInTimeIsRefusedAndAnUndecidedRequestCannotBeApproved() throws Exception {
    assertEquals(LIFETIME, fixture.server().gateway().approvals().lifetime());
    String update = "update payments.cards set status = ? where card_id = ?";
    String approvedLate;
    String neverDecided;
    try (Connection connection = fixture.connect("migration-bot");
        PreparedStatement statement = connection.prepareStatement(update)) {
      statement.setString(1, "expired-20");
      statement.setLong(2, 20);
      approvedLate = held(statement::executeUpdate);
      statement.setLong(2, 21);
      neverDecided = held(statement::executeUpdate);

      JsonNode approved = approve(fixture, approvedLate, "ok, but be quick");
      Instant expires = Instant.parse(approved.get("expires_at").asText());
      assertEquals(LIFETIME, Duration.between(Instant.parse(approved.get("created_at").asText()),
          expires), "the configured lifetime");
      while (Instant.now().isBefore(expires.plusMillis(500))) {
        Thread.sleep(100);
      }

      statement.setLong(2, 20);
      String again = held(statement::executeUpdate);
      assertNotEquals(approvedLate, again, "the expired approval is not used; a new request is made");
      assertNotEquals("expired-20", cardStatus(fixture, 20), "nothing ran");
      assertEquals("expired", request(fixture, approvedLate).get("status").asText());

      HttpResponse<String> late = decide(fixture, "security-officer", neverDecided, "approve", "late");
      assertEquals(409, late.statusCode(), late.body());
      assertEquals("NOT_PENDING", JSON.readTree(late.body()).get("error").get("code").asText());
      assertEquals("expired", request(fixture, neverDecided).get("status").asText());
      assertNotEquals("expired-20", cardStatus(fixture, 21));
    }
    AuditTrail audit = AuditTrail.of(fixture);
    ShownEntry expired = audit.one("APPROVAL_EXPIRED",
        entry -> approvedLate.equals(entry.text(EventEncoder.APPROVAL_ID)));
    assertEquals("APPROVED", expired.map(EventEncoder.DETAILS).get("status_before"));
    ShownEntry undecided = audit.one("APPROVAL_EXPIRED",
        entry -> neverDecided.equals(entry.text(EventEncoder.APPROVAL_ID)));
    assertEquals("PENDING", undecided.map(EventEncoder.DETAILS).get("status_before"));
  }
}
