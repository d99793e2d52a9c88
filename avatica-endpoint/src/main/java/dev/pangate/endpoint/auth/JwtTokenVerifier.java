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

/**
 * Short-lived signed tokens (JWT), checked with Tink against a configured public keyset: the
 * signature, the issuer, the audience, the expiry (required), and a lifetime ({@code exp - iat})
 * no longer than configured. The subject is the identity. For deployments whose identity
 * provider issues agents OIDC-style credentials; the token is sent in place of the secret.
 */
public final class JwtTokenVerifier implements TokenVerifier {

  private final JwtPublicKeyVerify verifier;
  private final JwtValidator validator;
  private final Duration maxLifetime;
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
      return AgentSecrets.IDENTITY.matcher(subject).matches() ? Optional.of(subject) : Optional.empty();
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
