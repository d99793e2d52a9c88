package dev.pangate.endpoint.auth;

import java.util.Optional;
import java.util.regex.Pattern;

/** Checks a short-lived signed token and says whom it was issued to. */
public interface TokenVerifier {

  /** A compact JWS: three base64url parts separated by dots. */
  Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /**
   * The token's subject when its signature, issuer, audience and lifetime are valid; empty
   * otherwise (never an exception, never the reason: the caller refuses with a bare 401).
   */
  Optional<String> verify(String token);

  /**
   * A token's subject and whom it says the agent acts for.
   *
   * @param subject the identity
   * @param actingFor the value of the configured acting-for claim, or null when the token has none
   */
  record VerifiedToken(String subject, String actingFor) {}

  /** As {@link #verify}, with the acting-for claim (none, for verifiers that do not read one). */
  default Optional<VerifiedToken> verifyToken(String token) {
    return verify(token).map(subject -> new VerifiedToken(subject, null));
  }

  /** Whether a presented secret is shaped like a token (agent secrets never are). */
  static boolean looksLikeToken(String secret) {
    return secret != null && secret.length() > 20 && COMPACT_JWS.matcher(secret).matches();
  }
}
