package dev.pangate.endpoint.auth;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted slow hash of an agent secret: PBKDF2-HMAC-SHA256 from the JDK with a per-agent random
 * salt. Written as {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}. The secret
 * itself is never stored; checking a presented secret recomputes the hash and compares in constant
 * time.
 *
 * @param iterations PBKDF2 iterations
 * @param salt the per-agent salt
 * @param hash the derived bytes
 */
public record SecretHash(int iterations, byte[] salt, byte[] hash) {

  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet). */
  public static final int DEFAULT_ITERATIONS = 600_000;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  public SecretHash {
    requireNonNull(salt, "salt is null");
    requireNonNull(hash, "hash is null");
    if (iterations < 10_000) {
      throw new IllegalArgumentException("at least 10,000 PBKDF2 iterations, got " + iterations);
    }
    if (salt.length < 16 || hash.length != HASH_BYTES) {
      throw new IllegalArgumentException("a salt of at least 16 bytes and a 32-byte hash");
    }
    salt = salt.clone();
    hash = hash.clone();
  }

  /** Hashes a new secret with a fresh salt. */
  public static SecretHash create(String secret, int iterations, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return new SecretHash(iterations, salt, derive(secret, salt, iterations));
  }

  /** Whether the presented secret is the one hashed; constant time in the secret's content. */
  public boolean matches(String presented) {
    return MessageDigest.isEqual(derive(presented, salt, iterations), hash);
  }

  /** Parses the stored form. */
  public static SecretHash parse(String text) {
    String[] parts = text.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("expected " + SCHEME + "$<iterations>$<salt>$<hash>");
    }
    try {
      return new SecretHash(Integer.parseInt(parts[1]), Base64.getDecoder().decode(parts[2]),
          Base64.getDecoder().decode(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected " + SCHEME + "$<iterations>$<salt>$<hash> with"
          + " a decimal iteration count and base64 salt and hash");
    }
  }

  /** The stored form. */
  public String format() {
    return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
        + Base64.getEncoder().encodeToString(hash);
  }

  static byte[] derive(String secret, byte[] salt, int iterations) {
    char[] chars = secret.toCharArray();
    KeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SecretHash that && iterations == that.iterations
        && Arrays.equals(salt, that.salt) && Arrays.equals(hash, that.hash);
  }

  @Override
  public int hashCode() {
    return 31 * iterations + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "SecretHash[" + SCHEME + ", " + iterations + " iterations]";
  }
}
