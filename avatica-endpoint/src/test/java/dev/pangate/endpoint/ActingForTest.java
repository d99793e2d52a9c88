package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.jwt.JwtEcdsaParameters;
import com.google.crypto.tink.jwt.JwtPublicKeySign;
import com.google.crypto.tink.jwt.JwtSignatureConfig;
import com.google.crypto.tink.jwt.RawJwt;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whom an agent acts for: from the RFC 8693 {@code act} claim of its signed token, recorded in its
 * audit entries as verified; over a secret, only as the client declares it in the
 * {@code Pangate-Acting-For} header, recorded as declared and never as verified, whatever the
 * header says; a token whose claim cannot be read is refused rather than recorded without it.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActingForTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ISSUER = "https://idp.test";
  private static final String AUDIENCE = "pangate";

  private EndpointFixture fixture;
  private JwtPublicKeySign signer;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    JwtSignatureConfig.register();
    KeysetHandle issuerKeys = KeysetHandle.generateNew(JwtEcdsaParameters.builder()
        .setAlgorithm(JwtEcdsaParameters.Algorithm.ES256)
        .setKidStrategy(JwtEcdsaParameters.KidStrategy.BASE64_ENCODED_KEY_ID)
        .build());
    signer = issuerKeys.getPrimitive(RegistryConfiguration.get(), JwtPublicKeySign.class);
    Path publicKeys = Files.createTempFile("jwt-public", ".json");
    Files.writeString(publicKeys,
        TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(issuerKeys.getPublicKeysetHandle()));
    fixture = EndpointFixture.builder(database)
        .auth(String.join("\n",
            "  jwt:",
            "    public_keyset: " + publicKeys,
            "    issuer: " + ISSUER,
            "    audience: " + AUDIENCE))
        // A loaded machine may take long over the first slow hash: no body timing is tested here.
        .limits("  connections_per_agent: 8\n  body_timeout: 120s\n  min_request_data_rate: 1")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void theActClaimOfAVerifiedTokenIsRecordedAsVerified() throws Exception {
    String token = token("fraud-analyst", b -> b.addJsonObjectClaim("act", "{\"sub\":\"alice@example.com\"}"));
    HttpResponse<String> response = send("Bearer " + token, null, "select 101 as acting_one");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode start = statementStart("acting_one");
    JsonNode actingFor = start.get("actingFor");
    assertNotNull(actingFor, start.toString());
    assertEquals("alice@example.com", actingFor.get("subject").asText());
    assertEquals("verified", actingFor.get("assurance").asText());
    assertEquals("jwt claim act", actingFor.get("source").asText());
    assertEquals("fraud-analyst", start.get("agent").asText(), "the agent stays the identity");
    JsonNode end = entry("STATEMENT_END", start.get("statementId").asText());
    assertEquals("alice@example.com", end.get("actingFor").get("subject").asText(), "on the END entry too");
  }

  @Test
  void overASecretTheHeaderIsRecordedAsDeclaredNeverVerified() throws Exception {
    String basic = EndpointFixture.basic("fraud-analyst", fixture.secret("fraud-analyst"));
    // Whatever the header says, it is a declared subject: it cannot make itself verified.
    String pretending = "bob\",\"assurance\":\"verified";
    HttpResponse<String> response = send(basic, pretending, "select 102 as acting_two");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode actingFor = statementStart("acting_two").get("actingFor");
    assertEquals(pretending, actingFor.get("subject").asText());
    assertEquals("declared", actingFor.get("assurance").asText());
    assertEquals("header Pangate-Acting-For", actingFor.get("source").asText());

    assertEquals(200, send(basic, null, "select 103 as acting_three").statusCode());
    assertNull(statementStart("acting_three").get("actingFor"), "nothing said, nothing recorded");

    String pan = "4111111111111111";
    assertEquals(200, send(basic, "card " + pan, "select 104 as acting_four").statusCode());
    assertFalse(fixture.auditText().contains(pan), "a PAN in the header is scrubbed like any field");

    assertEquals(400, send(basic, "x".repeat(300), "select 105 as acting_five").statusCode(),
        "a value that cannot be recorded is refused, not dropped");
  }

  @Test
  void aTokensVerifiedClaimWinsOverTheHeaderAndAnUnreadableClaimIsRefused() throws Exception {
    String token = token("fraud-analyst", b -> b.addJsonObjectClaim("act", "{\"sub\":\"carol@example.com\"}"));
    assertEquals(200, send("Bearer " + token, "mallory", "select 106 as acting_six").statusCode());
    JsonNode actingFor = statementStart("acting_six").get("actingFor");
    assertEquals("carol@example.com", actingFor.get("subject").asText());
    assertEquals("verified", actingFor.get("assurance").asText());

    String plain = token("fraud-analyst", b -> b.addStringClaim("act", "dave@example.com"));
    HttpResponse<String> response = send("Bearer " + plain, null, "select 108 as acting_eight");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("dave@example.com", statementStart("acting_eight").get("actingFor").get("subject").asText());
    String odd = token("fraud-analyst", b -> b.addNumberClaim("act", 7));
    assertEquals(401, send("Bearer " + odd, null, "select 107 as acting_seven").statusCode());
  }

  private HttpResponse<String> send(String authorization, String actingFor, String sql) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(fixture.baseUri().resolve("/v1/query"))
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(java.util.Map.of("sql", sql))));
    if (actingFor != null) {
      request.header("Pangate-Acting-For", actingFor);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode statementStart(String marker) throws Exception {
    for (JsonNode event : events()) {
      if ("STATEMENT_START".equals(event.path("type").asText()) && event.path("sql").asText().contains(marker)) {
        return event;
      }
    }
    throw new AssertionError("no STATEMENT_START for " + marker);
  }

  private JsonNode entry(String type, String statementId) throws Exception {
    for (JsonNode event : events()) {
      if (type.equals(event.path("type").asText()) && statementId.equals(event.path("statementId").asText())) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " for " + statementId);
  }

  private List<JsonNode> events() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : fixture.auditText().split("\n")) {
      JsonNode record = JSON.readTree(line);
      if (record.has("event")) {
        events.add(record.get("event"));
      }
    }
    return events;
  }

  /** Adds claims to a token (Tink's adders throw checked exceptions). */
  private interface Claims {
    void add(RawJwt.Builder jwt) throws Exception;
  }

  private String token(String subject, Claims claims) throws Exception {
    Instant now = Instant.now();
    RawJwt.Builder jwt = RawJwt.newBuilder().setSubject(subject).setIssuer(ISSUER).addAudience(AUDIENCE)
        .setIssuedAt(now).setExpiration(now.plus(Duration.ofMinutes(5)));
    claims.add(jwt);
    return signer.signAndEncode(jwt.build());
  }
}
