package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Repeated failures slow guessing down without locking out bystanders: after the free failures,
 * attempts for the same identity are refused unchecked, even with the right secret, until the
 * delay has passed, and are told so (429 with Retry-After, SQLSTATE 28000 for JDBC); other agents
 * on the same address are not affected; identities nobody has are throttled by address; each
 * refusal is audited and counted.
 */
@ExtendWith(PostgresExtension.class)
class ThrottleTest {

  private static final String QUERY = "{\"sql\": \"select count(*) from payments.merchants\"}";

  @Test
  void anIdentityIsThrottledOnItsOwnAndToldSo(TestDatabase database) throws Exception {
    try (EndpointFixture fixture = EndpointFixture.builder(database)
        .auth("  free_failures: 2\n  first_delay: 8s\n  max_delay: 16s")
        .start()) {
      String right = fixture.secret("fraud-analyst");
      assertEquals(200, fixture.query("fraud-analyst", QUERY).statusCode());
      for (int i = 0; i < 3; i++) {
        assertEquals(401, fixture.post("/v1/query", "fraud-analyst", "guess-" + i, QUERY).statusCode());
      }
      HttpResponse<String> throttled = fixture.post("/v1/query", "fraud-analyst", right, QUERY);
      assertEquals(429, throttled.statusCode(), "while delayed, even the right secret is not checked");
      assertTrue(throttled.body().contains("THROTTLED"), throttled.body());
      int retryAfter = Integer.parseInt(throttled.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 1 && retryAfter <= 16, "Retry-After " + retryAfter);
      assertEquals(200, fixture.query("support-bot", QUERY).statusCode(),
          "another agent on the same address is not locked out");
      // The stock driver raises errors of its openConnection as AvaticaClientRuntimeException.
      Exception jdbc = assertThrows(Exception.class,
          () -> fixture.connect("fraud-analyst").createStatement().executeQuery("select 1"));
      String state = jdbc instanceof SQLException sql ? sql.getSQLState()
          : ((org.apache.calcite.avatica.AvaticaClientRuntimeException) jdbc).getSqlState();
      assertEquals("28000", state, jdbc.getMessage());
      assertTrue(jdbc.getMessage().contains("THROTTLED: Too many failed logins"), jdbc.getMessage());
      assertTrue(fixture.auditText().contains("THROTTLED"), "refusals while delayed are audited");
      assertTrue(fixture.server().metrics().render()
          .contains("pangate_auth_failures_total{reason=\"THROTTLED\"}"));
      assertTrue(EndpointFixture.eventually(Duration.ofSeconds(40), () -> {
        try {
          return fixture.post("/v1/query", "fraud-analyst", right, QUERY).statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      }), "after the delay the right secret is accepted again");
    }
  }

  @Test
  void identitiesNobodyHasAreThrottledByAddress(TestDatabase database) throws Exception {
    try (EndpointFixture fixture = EndpointFixture.builder(database)
        .auth("  free_failures: 2\n  first_delay: 8s\n  max_delay: 16s")
        .start()) {
      for (int i = 0; i < 3; i++) {
        assertEquals(401, fixture.post("/v1/query", "nobody-" + i, "guess", QUERY).statusCode());
      }
      assertEquals(429, fixture.post("/v1/query", "nobody-9", "guess", QUERY).statusCode(),
          "spraying made-up identities is slowed by address");
      assertEquals(200, fixture.query("support-bot", QUERY).statusCode(),
          "an agent that exists is checked on its own count");
    }
  }
}
