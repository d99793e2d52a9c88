package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static dev.pangate.endpoint.ApprovalSteps.cardStatus;
import static dev.pangate.endpoint.ApprovalSteps.held;
import static dev.pangate.endpoint.ApprovalSteps.requestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A write under an {@code approval} rule through the gateway: the agent gets APPROVAL_REQUIRED with
 * a request id, an approver lists and decides it over {@code /v1/approvals}, and the same
 * statement then runs once; a denied request does not run; non-approvers cannot see requests.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalTest {

  private static final String BLOCK = "update payments.cards set status = 'blocked' where card_id = 1";

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private HttpResponse<String> asApprover(String method, String path, String body) throws Exception {
    String identity = "security-officer";
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(fixture.baseUri().resolve(path))
        .header("Authorization", EndpointFixture.basic(identity, fixture.secret(identity)));
    request = method.equals("GET") ? request.GET()
        : request.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anApprovedWriteRunsOnceAfterTheApproverDecides() throws Exception {
    String id;
    String before = cardStatus(fixture, 1);
    try (Connection connection = fixture.connect("migration-bot"); Statement statement = connection.createStatement()) {
      id = held(() -> statement.executeUpdate(BLOCK));
      assertEquals(before, cardStatus(fixture, 1), "nothing ran yet");

      JsonNode pending = JSON.readTree(asApprover("GET", "/v1/approvals?status=pending", null).body());
      JsonNode request = null;
      for (JsonNode each : pending.get("requests")) {
        if (each.get("id").asText().equals(id)) {
          request = each;
        }
      }
      assertTrue(request != null, "the approver sees the request: " + pending);
      assertEquals("migration-bot", request.get("agent").asText());
      assertEquals(1, request.get("estimated_rows").asInt());
      assertTrue(request.get("sql").asText().contains("blocked"));

      HttpResponse<String> noReason = asApprover("POST", "/v1/approvals/" + id + "/approve", "{}");
      assertEquals(400, noReason.statusCode());
      HttpResponse<String> approved = asApprover("POST", "/v1/approvals/" + id + "/approve",
          "{\"reason\": \"card reported stolen, ticket 4711\"}");
      assertEquals(200, approved.statusCode(), approved.body());
      assertEquals("approved", JSON.readTree(approved.body()).get("status").asText());

      assertEquals(1, statement.executeUpdate(BLOCK), "the same statement now runs");
      assertEquals("blocked", cardStatus(fixture, 1));
      assertNotEquals(id, held(() -> statement.executeUpdate(BLOCK)), "an approval is used once");
    }
    JsonNode executed = JSON.readTree(asApprover("GET", "/v1/approvals/" + id, null).body());
    assertEquals("executed", executed.get("status").asText());
    assertEquals(1, executed.get("rows_affected").asInt());
    String audit = fixture.auditText();
    assertTrue(audit.contains("\"APPROVAL_REQUEST\"") && audit.contains("\"APPROVAL_DECISION\"")
        && audit.contains("\"APPROVAL_EXECUTED\""), "every step is audited");
  }

  @Test
  void aDeniedWriteDoesNotRunAndNonApproversSeeNothing() throws Exception {
    String update = "{\"sql\": \"update payments.cards set status = 'lost' where card_id = 2\"}";
    HttpResponse<String> held = fixture.query("migration-bot", update);
    assertEquals(403, held.statusCode());
    JsonNode error = JSON.readTree(held.body()).get("error");
    assertEquals("APPROVAL_REQUIRED", error.get("code").asText());
    String id = requestId(error.get("message").asText());

    HttpResponse<String> outsider = fixture.post("/v1/approvals/" + id + "/approve", "support-bot",
        fixture.secret("support-bot"), "{\"reason\": \"x\"}");
    assertEquals(403, outsider.statusCode());
    assertEquals("NOT_AN_APPROVER", JSON.readTree(outsider.body()).get("error").get("code").asText());
    assertEquals(401, fixture.get("/v1/approvals").statusCode(), "listing needs an identity");
    // Requests carry another agent's SQL, parameters and plan: only approvers may read them,
    // not other agents and not the requester itself.
    for (String reader : List.of("support-bot", "migration-bot")) {
      for (String path : List.of("/v1/approvals", "/v1/approvals/" + id,
          "/v1/approvals?status=pending")) {
        HttpResponse<String> read = fixture.get(path, reader);
        assertEquals(403, read.statusCode(), reader + " GET " + path + ": " + read.body());
        assertEquals("NOT_AN_APPROVER", JSON.readTree(read.body()).get("error").get("code").asText());
        assertFalse(read.body().contains("lost"), "no SQL of the request in the refusal");
      }
    }

    HttpResponse<String> denied = asApprover("POST", "/v1/approvals/" + id + "/deny",
        "{\"reason\": \"no ticket\"}");
    assertEquals(200, denied.statusCode(), denied.body());
    HttpResponse<String> rerun = fixture.query("migration-bot", update);
    assertNotEquals(id, requestId(JSON.readTree(rerun.body()).get("error").get("message").asText()),
        "after a denial the statement needs a new request");
    assertEquals(404, asApprover("GET", "/v1/approvals/00000000-0000-0000-0000-000000000000", null)
        .statusCode());
  }
}
