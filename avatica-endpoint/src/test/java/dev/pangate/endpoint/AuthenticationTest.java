package dev.pangate.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.jwt.JwtEcdsaParameters;
import com.google.crypto.tink.jwt.JwtPublicKeySign;
import com.google.crypto.tink.jwt.JwtSignatureConfig;
import com.google.crypto.tink.jwt.RawJwt;
import dev.pangate.engine.ErrorCode;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No request without identity: missing, wrong and unknown credentials get a bare 401 and are
 * audited; the secrets file holds only salted hashes; signed tokens are accepted in place of a
 * secret only when signature, issuer, audience, lifetime and subject are right.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {

  private static final String ISSUER = "https://idp.test";
  private static final String AUDIENCE = "pangate";

  private EndpointFixture fixture;
  private JwtPublicKeySign signer;
  private JwtPublicKeySign stranger;

  @BeforeAll
  void start(TestDatabase database) throws Exception {
    JwtSignatureConfig.register();
    JwtEcdsaParameters es256 = JwtEcdsaParameters.builder()
        .setAlgorithm(JwtEcdsaParameters.Algorithm.ES256)
        .setKidStrategy(JwtEcdsaParameters.KidStrategy.BASE64_ENCODED_KEY_ID)
        .build();
    KeysetHandle issuerKeys = KeysetHandle.generateNew(es256);
    signer = issuerKeys.getPrimitive(RegistryConfiguration.get(), JwtPublicKeySign.class);
    stranger = KeysetHandle.generateNew(es256).getPrimitive(RegistryConfiguration.get(), JwtPublicKeySign.class);
    Path publicKeys = Files.createTempFile("jwt-public", ".json");
    Files.writeString(publicKeys,
        TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(issuerKeys.getPublicKeysetHandle()));
    fixture = EndpointFixture.builder(database)
        .auth(String.join("\n",
            "  free_failures: 1000",
            "  jwt:",
            "    public_keyset: " + publicKeys,
            "    issuer: " + ISSUER,
            "    audience: " + AUDIENCE,
            "    max_lifetime: 10m"))
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aRequestWithoutCredentialsGetsABare401() throws Exception {
    HttpResponse<String> response = fixture.post("/v1/query", null, null, "{\"sql\": \"select 1\"}");
    assertEquals(401, response.statusCode());
    assertEquals("", response.body(), "nothing about the database");
    assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
    assertEquals(401, fixture.post("/", null, null, "garbage").statusCode(), "Avatica too");
  }

  @Test
  void aWrongSecretGetsABare401AndIsAudited() throws Exception {
    long before = fixture.server().metrics().authFailures();
    HttpResponse<String> response = fixture.post("/v1/query", "fraud-analyst", "not-the-secret",
        "{\"sql\": \"select pan from payments.cards\"}");
    assertEquals(401, response.statusCode());
    assertEquals("", response.body());
    HttpResponse<String> unknown = fixture.post("/v1/query", "nobody", "whatever",
        "{\"sql\": \"select 1\"}");
    assertEquals(401, unknown.statusCode());
    assertEquals("", unknown.body(), "an unknown identity reads exactly like a wrong secret");
    assertEquals(before + 2, fixture.server().metrics().authFailures());
    String audit = fixture.auditText();
    assertTrue(audit.contains("\"AUTH_FAILURE\"") && audit.contains("BAD_SECRET")
        && audit.contains("UNKNOWN_IDENTITY"), "both failures are audited");
    assertFalse(audit.contains("not-the-secret"), "the presented secret is never recorded");
  }

  /**
   * The stock driver turns a 401 into a RuntimeException that says only "HTTP/401", so Avatica
   * routes answer refused credentials with an Avatica error response. At connect the driver still
   * throws it unwrapped (its Driver.connect sends the open-connection request outside its
   * SQLException handling), as an AvaticaClientRuntimeException with the code, SQLSTATE 28000 and
   * the number, which programs can read; any later request gets an SQLException.
   */
  @Test
  void theJdbcDriverWithAWrongPasswordGetsTheCodeAndSqlState() throws Exception {
    long before = fixture.server().metrics().authFailures();
    List<String> messages = new ArrayList<>();
    for (String serialization : List.of("protobuf", "json")) {
      for (String identity : List.of("fraud-analyst", "nobody")) {
        String url = fixture.jdbcUrl(identity, "wrong-password", serialization);
        AvaticaClientRuntimeException refused = assertThrows(AvaticaClientRuntimeException.class,
            () -> DriverManager.getConnection(url).close());
        assertEquals("28000", refused.getSqlState(), serialization + " " + identity);
        assertEquals(ErrorCode.LOGIN_FAILED.number(), refused.getErrorCode());
        String message = String.valueOf(refused.getMessage());
        assertTrue(message.contains("LOGIN_FAILED: The gateway did not accept these credentials"), message);
        assertFalse(message.toLowerCase().contains("payments"), message);
        assertFalse(message.contains("wrong-password"), "the secret is never echoed: " + message);
        messages.add(message);
      }
    }
    assertEquals(1, new java.util.HashSet<>(messages).size(),
        "a wrong secret reads exactly like an unknown identity: " + messages);
    assertTrue(fixture.server().metrics().authFailures() >= before + 4, "every refusal is counted");
    HttpResponse<String> raw = fixture.post("/", "fraud-analyst", "wrong-password", "garbage");
    assertEquals(500, raw.statusCode(), "an Avatica error response, the status the driver reads");
    assertEquals(401, fixture.post("/", null, null, "garbage").statusCode(),
        "without credentials: the challenge");
  }

  @Test
  void theSecretsFileHoldsOnlySaltedHashes() throws Exception {
    String file = Files.readString(fixture.directory().resolve("agents.secrets"));
    for (String identity : EndpointFixture.AGENTS) {
      assertFalse(file.contains(fixture.secret(identity)), "no secret in the file");
      assertTrue(file.contains(identity + " pbkdf2-sha256$"), "a salted PBKDF2 hash for " + identity);
    }
  }

  @Test
  void aValidTokenIsAcceptedInPlaceOfTheSecret() throws Exception {
    String token = token("fraud-analyst", Instant.now(), Duration.ofMinutes(5), AUDIENCE, signer);
    try (Connection connection = DriverManager.getConnection(
            fixture.jdbcUrl("fraud-analyst", token, "protobuf"));
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select pan from payments.cards limit 1")) {
      assertTrue(rows.next());
      assertTrue(rows.getString(1).contains("*"), "the fraud analyst's masks apply");
    }
    HttpResponse<String> bearer = bearer(token);
    assertEquals(200, bearer.statusCode(), bearer.body());
  }

  @Test
  void invalidTokensAreRefused() throws Exception {
    Instant now = Instant.now();
    assertEquals(401, bearer(token("fraud-analyst", now.minus(Duration.ofHours(2)),
        Duration.ofMinutes(5), AUDIENCE, signer)).statusCode(), "expired");
    assertEquals(401, bearer(token("fraud-analyst", now, Duration.ofMinutes(5), "someone-else",
        signer)).statusCode(), "another audience");
    assertEquals(401, bearer(token("fraud-analyst", now, Duration.ofMinutes(5), AUDIENCE,
        stranger)).statusCode(), "signed by a key the gateway does not trust");
    assertEquals(401, bearer(token("fraud-analyst", now, Duration.ofHours(3), AUDIENCE,
        signer)).statusCode(), "a lifetime beyond max_lifetime");
    String forSupport = token("support-bot", now, Duration.ofMinutes(5), AUDIENCE, signer);
    assertEquals(401, fixture.post("/v1/query", "fraud-analyst", forSupport,
        "{\"sql\": \"select 1\"}").statusCode(), "a token for another subject");
    assertTrue(fixture.auditText().contains("TOKEN_SUBJECT_MISMATCH"));
  }

  private HttpResponse<String> bearer(String token) throws Exception {
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
            fixture.baseUri().resolve("/v1/query"))
        .header("Authorization", "Bearer " + token)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"sql\": \"select count(*) from payments.merchants\"}"))
        .build();
    return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String token(String subject, Instant issued, Duration lifetime, String audience,
      JwtPublicKeySign key) throws Exception {
    RawJwt jwt = RawJwt.newBuilder()
        .setSubject(subject)
        .setIssuer(ISSUER)
        .addAudience(audience)
        .setIssuedAt(issued)
        .setExpiration(issued.plus(lifetime))
        .build();
    return key.signAndEncode(jwt);
  }
}
