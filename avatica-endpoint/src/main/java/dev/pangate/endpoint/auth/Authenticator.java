package dev.pangate.endpoint.auth;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.AuditLog;
import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.Outcome;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.audit.ActingFor;
import dev.pangate.engine.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who sent a request, from its {@code Authorization} header: HTTP Basic as the Avatica
 * driver sends it ({@code authentication=BASIC;avatica_user=...;avatica_password=...}) or curl
 * ({@code -u id:secret}), or a signed token (a JWT as the Basic password, or {@code Bearer}) when
 * tokens are configured.
 *
 * <p>Secrets are checked against salted slow hashes ({@link SecretHash}); the comparison is
 * constant-time, and an unknown identity costs the same hash computation as a known one. Once a
 * secret has been verified, a keyed MAC of it (key random per process, never stored) is
 * remembered for a while, so the slow hash runs once per agent and not once per request.
 *
 * <p>Every refused credential is counted, audited ({@code AUTH_FAILURE}) and throttled
 * ({@link FailureThrottle}): per identity for an identity that exists (so agents sharing a host or
 * NAT do not lock each other out), per client address for identities nobody has and credentials
 * without one. A refused credential gets a bare 401; a throttled one, which is not checked at
 * all, is told so ({@link AuthResult.Throttled}: 429 with Retry-After, or SQLSTATE 28000).
 */
public final class Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  /** How often the secrets file is checked for changes. */
  private static final Duration RELOAD_CHECK = Duration.ofSeconds(1);

  private record Verified(byte[] mac, SecretHash stored, Instant expires) {}

  private record Loaded(AgentSecrets secrets, FileTime modified, long size, Instant checked) {}

  private final Path secretsFile;
  private final GatewayConfig.Auth config;
  private final AuditLog audit;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final FailureThrottle throttle;
  private final TokenVerifier tokens;
  private final SecretHash decoy;
  /** Keys the login cache's MACs; one MAC per thread, made once (a request is on this path). */
  private final ThreadLocal<Mac> cacheMac;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  /**
   * Slow-hash checks in progress, by identity and the secret's MAC: requests sending the same
   * credential at once (a client pool starting, many clients of one agent after a restart) wait
   * for the one check instead of each running the slow hash, which on two cores made dozens of
   * concurrent first logins take tens of seconds.
   */
  private final Map<String, java.util.concurrent.CompletableFuture<Boolean>> checking =
      new ConcurrentHashMap<>();
  private volatile Loaded loaded;
  /** Failed-login counters shared with the other gateways, or null (this gateway's own only). */
  private volatile dev.pangate.engine.cluster.SharedLimits shared;

  /**
   * @param tokens verifies signed tokens, or null when tokens are not accepted
   * @throws IOException when the secrets file cannot be read
   */
  public Authenticator(GatewayConfig.Auth config, TokenVerifier tokens, AuditLog audit,
      GatewayMetrics metrics, Clock clock) throws IOException {
    this.config = requireNonNull(config, "config is null");
    this.secretsFile = config.secretsFile();
    this.tokens = tokens;
    this.audit = requireNonNull(audit, "audit is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.throttle = new FailureThrottle(config.freeFailures(), config.firstDelay(), config.maxDelay(), clock);
    SecureRandom random = new SecureRandom();
    byte[] cacheKey = new byte[32];
    random.nextBytes(cacheKey);
    SecretKeySpec macKey = new SecretKeySpec(cacheKey, "HmacSHA256");
    this.cacheMac = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(macKey);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
      }
    });
    this.decoy = SecretHash.create("decoy", SecretHash.DEFAULT_ITERATIONS, random);
    this.loaded = read(clock.instant());
  }

  /**
   * Counts failed logins together with the other gateways sharing these limits: a node asks the
   * shared store before every check it cannot answer from its memory of verified secrets, so N
   * gateways do not allow N times the guesses.
   */
  public void share(dev.pangate.engine.cluster.SharedLimits limits) {
    this.shared = limits;
  }

  /**
   * Authenticates one request.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param clientAddress the client's IP address (throttling and audit)
   * @param route what was asked for, e.g. {@code avatica-protobuf} (audit)
   */
  public AuthResult authenticate(String authorization, String clientAddress, String route) {
    if (authorization == null || authorization.isBlank()) {
      return new AuthResult.Missing();
    }
    String addressKey = "address " + clientAddress;
    Credential credential = Credential.parse(authorization);
    if (credential == null) {
      return refuse(null, clientAddress, route, addressKey, ErrorCode.MALFORMED_CREDENTIALS,
          "the Authorization header is neither valid Basic nor Bearer");
    }
    String identity = credential.identity();
    // An identity that exists is throttled on its own; anything else by the address it came from.
    boolean known = identity != null
        && (credential.isToken() || secrets().hash(identity).isPresent());
    String key = known ? "agent " + identity : addressKey;
    Duration wait = throttle.waitFor(key);
    dev.pangate.engine.cluster.SharedLimits sharedLimits = shared;
    boolean recorded = false;
    if (wait.isZero() && sharedLimits != null && !remembered(credential)) {
      // Another gateway may have counted failures for this key: ask before any check.
      Optional<Duration> shared = sharedLimits.authenticationWait(key);
      recorded = shared.isPresent();
      wait = shared.orElse(Duration.ZERO);
      throttle.blockFor(key, wait);
    }
    if (!wait.isZero()) {
      // Refused unchecked: guessing gets no faster by sending more requests.
      refuse(identity, clientAddress, route, null, ErrorCode.THROTTLED,
          "too many failed attempts recently for this " + (known ? "identity" : "address")
              + "; this attempt was not checked");
      return new AuthResult.Throttled(known ? identity : null, wait);
    }
    AuthResult result = credential.isToken() ? checkToken(credential) : checkSecret(credential);
    if (result instanceof AuthResult.Authenticated) {
      throttle.succeeded(key);
      if (recorded) {
        sharedLimits.authenticationSucceeded(key);
      }
      return result;
    }
    ErrorCode reason = ((AuthResult.Refused) result).reason();
    return refuse(identity, clientAddress, route, key, reason, describe(reason));
  }

  /** Whether a secret is one this gateway verified a moment ago (no check, no store needed). */
  private boolean remembered(Credential credential) {
    if (credential.isToken()) {
      return false;
    }
    Verified remembered = verified.get(credential.identity());
    if (remembered == null || !remembered.expires().isAfter(clock.instant())) {
      return false;
    }
    Optional<SecretHash> stored = secrets().hash(credential.identity());
    return stored.isPresent() && remembered.stored().equals(stored.get())
        && MessageDigest.isEqual(remembered.mac(), mac(credential.identity(), credential.secret()));
  }

  private AuthResult checkSecret(Credential credential) {
    String identity = credential.identity();
    String secret = credential.secret();
    Optional<SecretHash> stored = secrets().hash(identity);
    byte[] mac = mac(identity, secret);
    if (stored.isPresent()) {
      Verified remembered = verified.get(identity);
      if (remembered != null && remembered.stored().equals(stored.get())
          && remembered.expires().isAfter(clock.instant())
          && MessageDigest.isEqual(remembered.mac(), mac)) {
        return new AuthResult.Authenticated(identity, "secret");
      }
    }
    // The same slow hash runs for unknown identities, so timing does not tell them apart.
    boolean matches = slowCheck(identity, mac, () -> !secret.isEmpty()
        && stored.orElse(decoy).matches(secret) && stored.isPresent());
    if (!matches) {
      return new AuthResult.Refused(stored.isPresent() ? ErrorCode.BAD_SECRET : ErrorCode.UNKNOWN_IDENTITY);
    }
    verified.put(identity, new Verified(mac, stored.get(), clock.instant().plus(config.verifiedCacheTime())));
    return new AuthResult.Authenticated(identity, "secret");
  }

  /** Runs the slow check once for concurrent requests with the same identity and secret. */
  private boolean slowCheck(String identity, byte[] mac,
      java.util.function.BooleanSupplier check) {
    String key = identity + '\u0000' + java.util.HexFormat.of().formatHex(mac);
    java.util.concurrent.CompletableFuture<Boolean> mine = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Boolean> running = checking.putIfAbsent(key, mine);
    if (running != null) {
      return running.join();
    }
    try {
      boolean matches = check.getAsBoolean();
      mine.complete(matches);
      return matches;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      checking.remove(key, mine);
    }
  }

  private AuthResult checkToken(Credential credential) {
    if (tokens == null) {
      return new AuthResult.Refused(ErrorCode.TOKENS_NOT_ACCEPTED);
    }
    Optional<TokenVerifier.VerifiedToken> verified = tokens.verifyToken(credential.token());
    if (verified.isEmpty()) {
      return new AuthResult.Refused(ErrorCode.BAD_TOKEN);
    }
    String subject = verified.get().subject();
    if (credential.identity() != null && !credential.identity().equals(subject)) {
      return new AuthResult.Refused(ErrorCode.TOKEN_SUBJECT_MISMATCH);
    }
    ActingFor actingFor = null;
    if (verified.get().actingFor() != null) {
      try {
        actingFor = new ActingFor(verified.get().actingFor(), ActingFor.Assurance.VERIFIED,
            "jwt claim " + (config.jwt() == null ? "act" : config.jwt().actingForClaim()));
      } catch (IllegalArgumentException e) {
        return new AuthResult.Refused(ErrorCode.BAD_TOKEN); // a principal that cannot be recorded
      }
    }
    return new AuthResult.Authenticated(subject, "jwt", actingFor);
  }

  /** Counts, throttles (under {@code throttleKey}, when not null) and audits a refusal. */
  private AuthResult refuse(String identity, String clientAddress, String route, String throttleKey,
      ErrorCode reason, String message) {
    metrics.authFailure(reason.name());
    if (throttleKey != null) {
      throttle.failed(throttleKey);
      dev.pangate.engine.cluster.SharedLimits sharedLimits = shared;
      if (sharedLimits != null) {
        // counted over every gateway: the wait follows the failures of all of them
        sharedLimits.authenticationFailed(throttleKey, throttle::delayAfter, throttle.forgiveAfter())
            .ifPresent(wait -> throttle.blockFor(throttleKey, wait));
      }
    }
    try {
      audit.append(AuditEvent.builder(AuditEventType.AUTH_FAILURE)
          .agent(identity)
          .clientAddress(clientAddress)
          .driver(route)
          .outcome(Outcome.failure(reason.name(), message))
          .build());
    } catch (AuditUnavailableException e) {
      // Refused either way; the audit log's health reports that it cannot write.
      LOG.warn("an authentication failure could not be audited: the audit log is unavailable");
    }
    return new AuthResult.Refused(reason);
  }

  private static String describe(ErrorCode reason) {
    return reason.meaning();
  }

  /** The secrets in force; the file is re-read when it changes (agents added while running). */
  AgentSecrets secrets() {
    Loaded current = loaded;
    Instant now = clock.instant();
    if (Duration.between(current.checked(), now).compareTo(RELOAD_CHECK) < 0) {
      return current.secrets();
    }
    synchronized (this) {
      current = loaded;
      try {
        FileTime modified = Files.getLastModifiedTime(secretsFile);
        long size = Files.size(secretsFile);
        if (!modified.equals(current.modified()) || size != current.size()) {
          loaded = read(now);
          auditChanges(current.secrets(), loaded.secrets());
        } else {
          loaded = new Loaded(current.secrets(), current.modified(), current.size(), now);
        }
      } catch (IOException | IllegalArgumentException e) {
        LOG.error("the agent secrets file {} could not be re-read; the secrets loaded before stay"
            + " in force: {}", secretsFile, e.getMessage());
        loaded = new Loaded(current.secrets(), current.modified(), current.size(), now);
      }
      return loaded.secrets();
    }
  }

  /**
   * Records each identity whose secret was issued, replaced or removed between two readings of the
   * secrets file (PCI DSS 10.2.1.5), with the time the file gives for the change.
   */
  private void auditChanges(AgentSecrets before, AgentSecrets after) {
    java.util.Set<String> identities = new java.util.TreeSet<>(before.identities());
    identities.addAll(after.identities());
    for (String identity : identities) {
      Optional<SecretHash> old = before.hash(identity);
      Optional<SecretHash> now = after.hash(identity);
      String change;
      if (old.isEmpty()) {
        change = "issued";
      } else if (now.isEmpty()) {
        change = "removed";
      } else if (!old.get().format().equals(now.get().format())) {
        change = "replaced";
      } else {
        continue;
      }
      Map<String, String> details = new java.util.TreeMap<>();
      details.put("change", change);
      after.changedAt(identity).ifPresent(at -> details.put("changed_at", at.toString()));
      details.put("secrets_file", secretsFile.toString());
      verified.remove(identity);
      try {
        audit.append(AuditEvent.builder(AuditEventType.SECRET_CHANGED)
            .agent(identity)
            .details(details)
            .outcome(Outcome.success())
            .build());
      } catch (AuditUnavailableException e) {
        // The new secrets are in force either way; the file keeps the date of the change.
        LOG.warn("the change of {}'s secret could not be audited: the audit log is unavailable", identity);
      }
    }
  }

  private Loaded read(Instant now) throws IOException {
    FileTime modified = Files.getLastModifiedTime(secretsFile);
    long size = Files.size(secretsFile);
    return new Loaded(AgentSecrets.load(secretsFile), modified, size, now);
  }

  private byte[] mac(String identity, String secret) {
    Mac mac = cacheMac.get(); // doFinal leaves it reset for the next use
    mac.update(identity.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** A credential as sent: Basic identity and secret, or a bearer token. */
  private record Credential(String identity, String secret, String token) {

    boolean isToken() {
      return token != null;
    }

    static Credential parse(String header) {
      String trimmed = header.trim();
      int space = trimmed.indexOf(' ');
      if (space < 0) {
        return null;
      }
      String scheme = trimmed.substring(0, space);
      String value = trimmed.substring(space + 1).trim();
      if (scheme.equalsIgnoreCase("Bearer")) {
        return value.isEmpty() ? null : new Credential(null, null, value);
      }
      if (!scheme.equalsIgnoreCase("Basic")) {
        return null;
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 1) {
        return null;
      }
      String identity = decoded.substring(0, colon);
      if (!AgentSecrets.IDENTITY.matcher(identity).matches()) {
        return null;
      }
      String secret = decoded.substring(colon + 1);
      if (TokenVerifier.looksLikeToken(secret)) {
        return new Credential(identity, secret, secret);
      }
      return new Credential(identity, secret, null);
    }
  }
}
