package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;

/**
 * The steps of just-in-time approval as endpoint tests take them: a write held through the driver,
 * its request id read from the error, a decision over {@code /v1/approvals}, and what PostgreSQL
 * holds afterwards (read as administrator, around the gateway).
 */
final class ApprovalSteps {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REQUEST_ID = Pattern.compile(
      "Request ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  private ApprovalSteps() {}

  /** Runs a write that must be held, and returns the id of the request that holds it. */
  static String held(Executable write) {
    SQLException held = assertThrows(SQLException.class, write);
    assertTrue(held.getMessage().contains("APPROVAL_REQUIRED"), held.getMessage());
    return requestId(held.getMessage());
  }

  /** The request id in an APPROVAL_REQUIRED message. */
  static String requestId(String message) {
    Matcher m = REQUEST_ID.matcher(message);
    assertTrue(m.find(), message);
    return m.group(1);
  }

  /** {@code POST /v1/approvals/{id}/approve|deny} as the identity. */
  static HttpResponse<String> decide(EndpointFixture fixture, String identity, String id,
      String decision, String reason) throws Exception {
    return fixture.post("/v1/approvals/" + id + "/" + decision, identity, fixture.secret(identity),
        JSON.writeValueAsString(Map.of("reason", reason)));
  }

  /** Approves as the demo's security officer; the request as it stands afterwards. */
  static JsonNode approve(EndpointFixture fixture, String id, String reason) throws Exception {
    HttpResponse<String> approved = decide(fixture, "security-officer", id, "approve", reason);
    assertEquals(200, approved.statusCode(), approved.body());
    return JSON.readTree(approved.body());
  }

  /** {@code GET /v1/approvals/{id}} as the demo's security officer. */
  static JsonNode request(EndpointFixture fixture, String id) throws Exception {
    HttpResponse<String> found = fixture.get("/v1/approvals/" + id, "security-officer");
    assertEquals(200, found.statusCode(), found.body());
    return JSON.readTree(found.body());
  }

  /** A card's status as PostgreSQL holds it. */
  static String cardStatus(EndpointFixture fixture, long cardId) throws SQLException {
    try (Connection admin = fixture.database().connect();
        PreparedStatement statement = admin.prepareStatement(
            "SELECT status FROM payments.cards WHERE card_id = ?")) {
      statement.setLong(1, cardId);
      try (ResultSet row = statement.executeQuery()) {
        assertTrue(row.next(), "card " + cardId + " exists");
        return row.getString(1);
      }
    }
  }

  /**
   * The approval {@code id} among an evidence report's {@code derived.log.approvals}, checked to be
   * migration-bot's request decided by security-officer with {@code reason}.
   */
  static JsonNode decidedInReport(JsonNode log, String id, String reason) {
    JsonNode approval = null;
    for (JsonNode a : log.path("approvals")) {
      if (a.path("id").asText().equals(id)) {
        approval = a;
      }
    }
    assertTrue(approval != null, log.path("approvals").toString());
    assertEquals("migration-bot", approval.path("requestedBy").asText());
    assertEquals("security-officer", approval.path("decidedBy").asText());
    assertEquals(reason, approval.path("reason").asText());
    return approval;
  }
}
