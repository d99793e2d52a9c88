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

  /** Whether a presented secret is shaped like a token (agent secrets never are). */
  static boolean looksLikeToken(String secret) {
    return secret != null && secret.length() > 20 && COMPACT_JWS.matcher(secret).matches();
  }
}
