package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Repeated failures slow guessing down: after the free failures, attempts from the same address
 * (or for the same agent) are refused unchecked, even with the right secret, until the delay has
 * passed; each refusal is audited.
 */
@ExtendWith(PostgresExtension.class)
class ThrottleTest {

  private static final String QUERY = "{\"sql\": \"select count(*) from payments.merchants\"}";

  @Test
  void failuresBeyondTheFreeOnesBlockTheAddressAndTheAgentForAWhile(TestDatabase database) throws Exception {
    try (EndpointFixture fixture = EndpointFixture.builder(database)
        .auth("  free_failures: 2\n  first_delay: 3s\n  max_delay: 6s")
        .start()) {
      String right = fixture.secret("fraud-analyst");
      assertEquals(200, fixture.query("fraud-analyst", QUERY).statusCode());
      for (int i = 0; i < 3; i++) {
        assertEquals(401, fixture.post("/v1/query", "fraud-analyst", "guess-" + i, QUERY).statusCode());
      }
      assertEquals(401, fixture.post("/v1/query", "fraud-analyst", right, QUERY).statusCode(),
          "while delayed, even the right secret is not checked");
      assertEquals(401, fixture.query("support-bot", QUERY).statusCode(),
          "the address is delayed for every identity");
      assertTrue(fixture.auditText().contains("THROTTLED"), "refusals while delayed are audited");
      assertTrue(fixture.server().metrics().render()
          .contains("pangate_auth_failures_total{reason=\"THROTTLED\"}"));
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(20), () -> {
        try {
          return fixture.post("/v1/query", "fraud-analyst", right, QUERY).statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      }), "after the delay the right secret is accepted again");
    }
  }
}
