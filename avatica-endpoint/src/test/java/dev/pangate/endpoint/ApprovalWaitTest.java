package dev.pangate.endpoint;

import static dev.pangate.endpoint.ApprovalSteps.JSON;
import static dev.pangate.endpoint.ApprovalSteps.requestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The requester may wait for the decision instead of re-submitting (long poll). */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalWaitTest {

  private EndpointFixture fixture;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    fixture = EndpointFixture.demo(database);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private String hold(long cardId) throws Exception {
    HttpResponse<String> held = fixture.query("migration-bot",
        "{\"sql\": \"update payments.cards set status = 'held' where card_id = " + cardId + "\"}");
    return requestId(JSON.readTree(held.body()).get("error").get("message").asText());
  }

  private HttpResponse<String> await(String identity, String id, String timeout) throws Exception {
    return fixture.post("/v1/approvals/" + id + "/wait?timeout=" + timeout, identity,
        fixture.secret(identity), "");
  }

  @Test
  void theRequesterWaitsForTheDecisionAndGetsIt() throws Exception {
    String id = hold(3);
    CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return await("migration-bot", id, "30s");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(500);
    assertFalse(waiting.isDone(), "the call waits while the request is pending");
    ApprovalSteps.approve(fixture, id, "ticket 99");
    HttpResponse<String> decided = waiting.get(20, TimeUnit.SECONDS);
    assertEquals(200, decided.statusCode(), decided.body());
    JsonNode body = JSON.readTree(decided.body());
    assertTrue(body.get("decided").asBoolean());
    assertEquals("approved", body.get("status").asText());
  }

  @Test
  void aWaitThatTimesOutReportsThePendingRequest() throws Exception {
    String id = hold(4);
    HttpResponse<String> pending = await("migration-bot", id, "1s");
    assertEquals(200, pending.statusCode(), pending.body());
    assertFalse(JSON.readTree(pending.body()).get("decided").asBoolean());
    assertEquals("pending", JSON.readTree(pending.body()).get("status").asText());
  }

  @Test
  void anotherAgentCannotWaitOnSomeoneElsesRequest() throws Exception {
    String id = hold(5);
    HttpResponse<String> other = await("support-bot", id, "1s");
    assertEquals(404, other.statusCode(), other.body());
    assertEquals(400, await("migration-bot", id, "10h").statusCode(), "waits are capped");
  }
}
