package dev.pangate.endpoint.auth;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.jwt.JwkSetConverter;
import com.google.crypto.tink.jwt.JwtPublicKeyVerify;
import com.google.crypto.tink.jwt.JwtSignatureConfig;
import com.google.crypto.tink.jwt.JwtValidator;
import com.google.crypto.tink.jwt.VerifiedJwt;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Short-lived signed tokens (JWT), checked with Tink against a configured public keyset: the
 * signature, the issuer, the audience, the expiry (required), and a lifetime ({@code exp - iat})
 * no longer than configured. The subject is the identity. For deployments whose identity
 * provider issues agents OIDC-style credentials; the token is sent in place of the secret.
 */
public final class JwtTokenVerifier implements TokenVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JwtPublicKeyVerify verifier;
  private final JwtValidator validator;
  private final Duration maxLifetime;
  private final String actingForClaim;
  private final Clock clock;

  JwtTokenVerifier(KeysetHandle publicKeyset, GatewayConfig.Jwt settings, Clock clock)
      throws GeneralSecurityException {
    requireNonNull(settings, "settings is null");
    this.verifier = publicKeyset.getPrimitive(RegistryConfiguration.get(), JwtPublicKeyVerify.class);
    this.validator = JwtValidator.newBuilder()
        .expectIssuer(settings.issuer())
        .expectAudience(settings.audience())
        .setClock(clock)
        .setClockSkew(Duration.ofSeconds(30))
        .build();
    this.maxLifetime = settings.maxLifetime();
    this.actingForClaim = settings.actingForClaim();
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Loads the public keyset named in the configuration: a Tink JSON keyset holding JWT public keys,
   * or a JWK set ({@code {"keys": [...]}}) as identity providers publish them.
   *
   * @throws ConfigException when the file cannot be read or holds no JWT public keys
   */
  public static JwtTokenVerifier load(GatewayConfig.Jwt settings) {
    String text;
    try {
      JwtSignatureConfig.register();
      text = Files.readString(settings.publicKeyset(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("auth.jwt.public_keyset " + settings.publicKeyset()
          + " cannot be read (" + e.getClass().getSimpleName() + ")");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink's JWT signatures cannot be registered", e);
    }
    KeysetHandle handle;
    try {
      handle = text.contains("\"primaryKeyId\"")
          ? TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(text)
          : JwkSetConverter.toPublicKeysetHandle(text);
      return new JwtTokenVerifier(handle, settings, Clock.systemUTC());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new ConfigException("auth.jwt.public_keyset " + settings.publicKeyset() + " is neither a"
          + " Tink JSON keyset of JWT public keys nor a JWK set (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public Optional<String> verify(String token) {
    return verifyToken(token).map(VerifiedToken::subject);
  }

  @Override
  public Optional<VerifiedToken> verifyToken(String token) {
    try {
      VerifiedJwt jwt = verifier.verifyAndDecode(token, validator);
      if (!jwt.hasSubject() || !jwt.hasIssuedAt() || !jwt.hasExpiration()) {
        return Optional.empty();
      }
      Instant issued = jwt.getIssuedAt();
      if (Duration.between(issued, jwt.getExpiration()).compareTo(maxLifetime) > 0
          || issued.isAfter(clock.instant().plusSeconds(30))) {
        return Optional.empty();
      }
      String subject = jwt.getSubject();
      if (!AgentSecrets.IDENTITY.matcher(subject).matches()) {
        return Optional.empty();
      }
      return Optional.of(new VerifiedToken(subject, actingFor(jwt)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The acting-for claim: a string, or an object (RFC 8693's {@code act}) whose {@code sub} is taken;
   * a claim of another shape refuses the token, so an unreadable principal is never dropped silently.
   */
  private String actingFor(VerifiedJwt jwt) throws GeneralSecurityException {
    if (!jwt.customClaimNames().contains(actingForClaim)) {
      return null;
    }
    if (jwt.hasStringClaim(actingForClaim)) {
      return jwt.getStringClaim(actingForClaim);
    }
    if (jwt.hasJsonObjectClaim(actingForClaim)) {
      try {
        JsonNode sub = JSON.readTree(jwt.getJsonObjectClaim(actingForClaim)).get("sub");
        if (sub != null && sub.isTextual()) {
          return sub.asText();
        }
      } catch (IOException e) {
        throw new GeneralSecurityException("the " + actingForClaim + " claim is not JSON");
      }
    }
    throw new GeneralSecurityException("the " + actingForClaim + " claim is neither a string nor an object"
        + " with a sub");
  }
}
