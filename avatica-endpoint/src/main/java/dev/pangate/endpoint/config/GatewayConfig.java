package dev.pangate.endpoint.config;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.witness.WitnessSet;
import dev.pangate.engine.EngineConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's configuration, checked: an instance exists only when every part is usable as far
 * as can be told without connecting anywhere. Read it with {@link ConfigLoader#load}; the file
 * format is documented in {@code docs/gateway.md}.
 *
 * @param source the configuration file
 * @param postgres how to reach PostgreSQL
 * @param policyFile the policy file
 * @param keys the keyset files and how they are protected
 * @param audit where the audit log goes
 * @param listen the address and port to serve on
 * @param tls HTTPS settings, or null for plain HTTP
 * @param auth agent secrets and failure throttling
 * @param limits per-agent and per-request limits
 * @param admins identities allowed to use the {@code /admin} routes
 * @param publicHealth whether {@code /healthz} and {@code /metrics} answer without credentials
 * @param planCache how many plans to keep, in how much memory
 * @param cluster limits shared with the other gateways on the same PostgreSQL, or null when this
 *     gateway keeps its limits to itself
 */
public record GatewayConfig(
    Path source,
    Postgres postgres,
    Path policyFile,
    Keys keys,
    Audit audit,
    Listen listen,
    Tls tls,
    Auth auth,
    Limits limits,
    Set<String> admins,
    boolean publicHealth,
    PlanCache planCache,
    Cluster cluster) {

  public GatewayConfig {
    requireNonNull(source, "source is null");
    requireNonNull(postgres, "postgres is null");
    requireNonNull(policyFile, "policyFile is null");
    requireNonNull(keys, "keys is null");
    requireNonNull(audit, "audit is null");
    requireNonNull(listen, "listen is null");
    requireNonNull(auth, "auth is null");
    requireNonNull(limits, "limits is null");
    requireNonNull(planCache, "planCache is null");
    admins = Set.copyOf(requireNonNull(admins, "admins is null"));
    if (tls == null && !listen.loopback() && !listen.allowPlainHttp()) {
      throw new ConfigException(source + ": listen.address " + listen.address() + " is not a loopback"
          + " address, and plain HTTP would send agent secrets and cardholder data in the clear."
          + " Configure tls.keystore (or pass --tls-keystore), or set listen.allow_plain_http: true"
          + " if a TLS proxy in front of the gateway is the only way to reach it.");
    }
  }

  /**
   * PostgreSQL, as the gateway's own least-privilege login.
   *
   * @param url JDBC URL
   * @param user login
   * @param password its password, or null (trust or peer authentication)
   * @param schemas schemas mirrored
   * @param poolSize connections held at most
   * @param fetchSize rows per round trip from PostgreSQL
   * @param statementTimeout PostgreSQL statement_timeout for agent statements (zero: none)
   */
  public record Postgres(String url, String user, Secret password, List<String> schemas,
      int poolSize, int fetchSize, Duration statementTimeout) {

    public Postgres {
      requireNonNull(url, "url is null");
      requireNonNull(user, "user is null");
      schemas = List.copyOf(requireNonNull(schemas, "schemas is null"));
      requireNonNull(statementTimeout, "statementTimeout is null");
    }

    /** The engine's view of these settings. */
    public EngineConfig engineConfig() {
      return EngineConfig.of(url, user, password == null ? null : password.value(), schemas)
          .withPoolSize(poolSize)
          .withFetchSize(fetchSize)
          .withStatementTimeout(statementTimeout);
    }
  }

  /**
   * The key ring: keyset files by name, and the key-encryption key that protects them.
   *
   * @param files keyset name → file
   * @param kekFile a KEK keyset file, or null
   * @param kekEnvironment an environment variable holding the KEK keyset JSON, or null
   * @param cleartextForDemo whether cleartext keysets may load (demo only; said loudly)
   */
  public record Keys(Map<String, Path> files, Path kekFile, String kekEnvironment,
      boolean cleartextForDemo) {

    public Keys {
      files = Map.copyOf(requireNonNull(files, "files is null"));
    }
  }

  /**
   * The audit log.
   *
   * @param node this gateway's chain id
   * @param signingKeyset the key ring's keyset that signs seals
   * @param directory the file sink's directory, or null when the PostgreSQL sink is used
   * @param durability the file sink's durability
   * @param postgres the PostgreSQL sink, or null when the file sink is used
   * @param witness where seals are witnessed, or null for no witness
   * @param verify the gateway's own continuous verification of its log
   * @param siem the SIEM stream, or null for none
   */
  public record Audit(String node, String signingKeyset, Path directory,
      FileAuditSink.Durability durability, AuditPostgres postgres, Witness witness, Verify verify,
      Siem siem) {

    public Audit {
      requireNonNull(node, "node is null");
      requireNonNull(signingKeyset, "signingKeyset is null");
      requireNonNull(durability, "durability is null");
      requireNonNull(verify, "verify is null");
      if ((directory == null) == (postgres == null)) {
        throw new IllegalArgumentException("exactly one of directory and postgres");
      }
    }
  }

  /**
   * Witnesses of the audit seals (docs/audit.md, "Witnesses").
   *
   * @param files witness files, each on another path than the audit directory
   * @param postgres the PostgreSQL witness (a login that may only INSERT), or null
   * @param onFailure what a witness that cannot be written does to statements
   * @param maxLag how far behind a witness may fall before {@code onFailure} applies
   * @param retryInterval how often a failing witness is tried again
   */
  public record Witness(List<Path> files, AuditPostgres postgres, WitnessSet.OnFailure onFailure,
      Duration maxLag, Duration retryInterval) {

    public Witness {
      files = List.copyOf(requireNonNull(files, "files is null"));
      requireNonNull(onFailure, "onFailure is null");
      requireNonNull(maxLag, "maxLag is null");
      requireNonNull(retryInterval, "retryInterval is null");
    }
  }

  /**
   * The gateway's continuous verification of its own log (file sink).
   *
   * @param interval how often new records are verified and witnesses compared (zero: off)
   * @param recheckBytes how many bytes of records verified before are read again per run
   */
  public record Verify(Duration interval, long recheckBytes) {

    public Verify {
      requireNonNull(interval, "interval is null");
      if (recheckBytes < 0) {
        throw new IllegalArgumentException("recheckBytes must be 0 or more");
      }
    }

    public static Verify defaults() {
      return new Verify(Duration.ofSeconds(60), 8L << 20);
    }
  }

  /**
   * The stream of audit records to a SIEM as RFC 5424 syslog over TLS (docs/audit.md, "Streaming to
   * a SIEM").
   *
   * @param host the receiver's host
   * @param port its TLS syslog port (6514 by convention)
   * @param caFile PEM certificates that may sign the receiver's, or null for the JVM's trusted ones
   * @param serverName the name the receiver's certificate must carry, or null for the host
   * @param hostname the syslog HOSTNAME field
   * @param cursorFile where the forwarder keeps what the receiver confirmed
   * @param facility the syslog facility
   * @param batch records per connection
   * @param interval how often new records are looked for
   * @param retryInterval how long to wait after a failure
   * @param timeout connect and confirmation timeout
   * @param witness whether the stream counts as a witness under audit.witness.on_failure
   */
  public record Siem(String host, int port, Path caFile, String serverName, String hostname,
      Path cursorFile, int facility, int batch, Duration interval, Duration retryInterval,
      Duration timeout, boolean witness) {

    public Siem {
      requireNonNull(host, "host is null");
      requireNonNull(hostname, "hostname is null");
      requireNonNull(cursorFile, "cursorFile is null");
      requireNonNull(interval, "interval is null");
      requireNonNull(retryInterval, "retryInterval is null");
      requireNonNull(timeout, "timeout is null");
    }
  }

  /**
   * The PostgreSQL audit sink (see docs/audit.md for installing its table).
   *
   * @param url JDBC URL
   * @param user the writer login
   * @param password its password, or null
   */
  public record AuditPostgres(String url, String user, Secret password) {

    public AuditPostgres {
      requireNonNull(url, "url is null");
      requireNonNull(user, "user is null");
    }
  }

  /**
   * Where to listen.
   *
   * @param address the address to bind
   * @param port the TCP port (0: any free port)
   * @param allowPlainHttp whether plain HTTP may be served on a non-loopback address
   * @param hostNames names clients reach the gateway by (the {@code Host} header), besides the
   *     loopback names and the listen address; the MCP endpoint refuses other names (DNS
   *     rebinding protection)
   */
  public record Listen(String address, int port, boolean allowPlainHttp, List<String> hostNames) {

    public Listen {
      requireNonNull(address, "address is null");
      hostNames = List.copyOf(requireNonNull(hostNames, "hostNames is null"));
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
    }

    /** Whether the address is a loopback address (only this machine can connect). */
    public boolean loopback() {
      try {
        return InetAddress.getByName(address).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }

  /**
   * HTTPS.
   *
   * @param keystore a PKCS12 keystore with the server's key and certificate chain
   * @param password the keystore's password
   */
  public record Tls(Path keystore, Secret password) {

    public Tls {
      requireNonNull(keystore, "keystore is null");
      requireNonNull(password, "password is null");
    }
  }

  /**
   * Authentication.
   *
   * @param secretsFile the agent secrets file (salted slow hashes only)
   * @param jwt signed-token settings, or null when tokens are not accepted
   * @param freeFailures failures from one address or for one agent before delays start
   * @param firstDelay the delay after the first failure beyond the free ones; doubles after each
   * @param maxDelay the delay's cap
   * @param verifiedCacheTime how long a verified secret is remembered (so the slow hash runs once)
   * @param secretMaxAge how old a secret may be before the evidence report flags it for change
   *     (PCI DSS 8.3.9, 8.6.3)
   */
  public record Auth(Path secretsFile, Jwt jwt, int freeFailures, Duration firstDelay,
      Duration maxDelay, Duration verifiedCacheTime, Duration secretMaxAge) {

    public Auth {
      requireNonNull(secretsFile, "secretsFile is null");
      requireNonNull(firstDelay, "firstDelay is null");
      requireNonNull(maxDelay, "maxDelay is null");
      requireNonNull(verifiedCacheTime, "verifiedCacheTime is null");
      requireNonNull(secretMaxAge, "secretMaxAge is null");
      if (freeFailures < 0) {
        throw new IllegalArgumentException("freeFailures must be >= 0");
      }
    }
  }

  /**
   * Short-lived signed tokens (JWT) accepted in place of a secret.
   *
   * @param publicKeyset a Tink JWT public keyset (JSON) or a JWK set
   * @param issuer the required {@code iss}
   * @param audience the required {@code aud}
   * @param maxLifetime the longest {@code exp - iat} accepted
   * @param actingForClaim the claim naming whom the agent acts for: RFC 8693's {@code act} (an
   *     object whose {@code sub} is taken) or a claim holding a string; recorded as verified
   */
  public record Jwt(Path publicKeyset, String issuer, String audience, Duration maxLifetime,
      String actingForClaim) {

    public Jwt {
      requireNonNull(publicKeyset, "publicKeyset is null");
      requireNonNull(issuer, "issuer is null");
      requireNonNull(audience, "audience is null");
      requireNonNull(maxLifetime, "maxLifetime is null");
      requireNonNull(actingForClaim, "actingForClaim is null");
    }

    /** With the RFC 8693 {@code act} claim naming whom the agent acts for. */
    public Jwt(Path publicKeyset, String issuer, String audience, Duration maxLifetime) {
      this(publicKeyset, issuer, audience, maxLifetime, "act");
    }
  }

  /**
   * Limits.
   *
   * @param connectionsPerAgent open Avatica connections per agent
   * @param idleTimeout an Avatica connection with an open result or transaction unused this long
   *     is closed
   * @param unusedConnectionTimeout an Avatica connection with neither, unused this long, is
   *     closed (a client that vanished gives its connections back soon)
   * @param resultIdleTimeout an open result not fetched from this long is closed
   * @param streamingResultIdleTimeout the same for a result still holding a PostgreSQL connection
   *     (one too large to be read ahead): far shorter, since connections are few
   * @param maxFrameRows the most rows sent in one Avatica frame, whatever the client asks
   * @param jsonMaxRows the most rows one {@code /v1/query} returns
   * @param maxRequestBytes the largest request body accepted
   * @param writeTimeout how long a response write may block on a client that does not read
   * @param approvalLifetime how long a write held for approval stays open: to be decided, then
   *     to be run by its agent
   * @param postgres how agents share PostgreSQL
   * @param http how the HTTP server protects itself from slow and greedy clients
   * @param drainTimeout how long a stopping gateway (SIGTERM) waits for open statements, results
   *     and transactions to finish before it closes them
   */
  public record Limits(int connectionsPerAgent, Duration idleTimeout,
      Duration unusedConnectionTimeout, Duration resultIdleTimeout,
      Duration streamingResultIdleTimeout, int maxFrameRows, long jsonMaxRows, int maxRequestBytes,
      Duration writeTimeout, Duration approvalLifetime, Sharing postgres, Http http,
      Duration drainTimeout) {

    public Limits {
      requireNonNull(idleTimeout, "idleTimeout is null");
      requireNonNull(unusedConnectionTimeout, "unusedConnectionTimeout is null");
      requireNonNull(resultIdleTimeout, "resultIdleTimeout is null");
      requireNonNull(streamingResultIdleTimeout, "streamingResultIdleTimeout is null");
      requireNonNull(writeTimeout, "writeTimeout is null");
      requireNonNull(approvalLifetime, "approvalLifetime is null");
      requireNonNull(postgres, "postgres is null");
      requireNonNull(http, "http is null");
      requireNonNull(drainTimeout, "drainTimeout is null");
      if (connectionsPerAgent < 1 || maxFrameRows < 1 || jsonMaxRows < 0 || maxRequestBytes < 1024) {
        throw new IllegalArgumentException("limits out of range");
      }
      if (approvalLifetime.isNegative() || approvalLifetime.isZero()) {
        throw new IllegalArgumentException("approvalLifetime must be positive, got " + approvalLifetime);
      }
    }

    /** The defaults documented in docs/gateway.md. */
    public static Limits defaults() {
      return new Limits(8, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(2),
          Duration.ofSeconds(15), 10_000, 1_000_000, 4 * 1024 * 1024, Duration.ofSeconds(30),
          Duration.ofHours(1), Sharing.defaults(), Http.defaults(), Duration.ofSeconds(20));
    }
  }

  /**
   * How agents share PostgreSQL (the engine's {@code GatewayOptions.Resources}).
   *
   * @param connectionsPerAgent PostgreSQL connections one agent may hold; 0 for half the pool
   * @param queueSize statements that may wait for a connection at once
   * @param queueTimeout the longest one waits
   * @param resultBufferBytes memory for reading small results ahead, all results together
   * @param roles per-role settings, by role name
   */
  public record Sharing(int connectionsPerAgent, int queueSize, Duration queueTimeout,
      long resultBufferBytes, Map<String, RoleLimits> roles) {

    public Sharing {
      requireNonNull(queueTimeout, "queueTimeout is null");
      roles = Map.copyOf(requireNonNull(roles, "roles is null"));
    }

    public static Sharing defaults() {
      return new Sharing(0, 256, Duration.ofSeconds(30), 64L << 20, Map.of());
    }

    /** The engine's form of these settings. */
    public dev.pangate.engine.gateway.GatewayOptions.Resources resources() {
      Map<String, Integer> connections = new java.util.TreeMap<>();
      Map<String, Duration> timeouts = new java.util.TreeMap<>();
      roles.forEach((role, limits) -> {
        if (limits.postgresConnections() != null) {
          connections.put(role, limits.postgresConnections());
        }
        if (limits.statementTimeout() != null) {
          timeouts.put(role, limits.statementTimeout());
        }
      });
      return new dev.pangate.engine.gateway.GatewayOptions.Resources(connectionsPerAgent,
          connections, queueSize, queueTimeout, timeouts, resultBufferBytes,
          dev.pangate.engine.gateway.GatewayOptions.Resources.defaults().probeInterval());
    }
  }

  /**
   * One role's own limits; null fields keep the defaults.
   *
   * @param postgresConnections PostgreSQL connections each agent of the role may hold
   * @param statementTimeout its statement timeout (zero: none)
   */
  public record RoleLimits(Integer postgresConnections, Duration statementTimeout) {}

  /**
   * HTTP hygiene.
   *
   * @param threads the server's threads at most (requests served at once)
   * @param requestsPerIdentity requests one identity may have in progress at once
   * @param minRequestDataRate bytes per second a request body must arrive at, at least
   * @param headerTimeout the longest a connection may take to send a request's headers (and sit
   *     between requests)
   * @param bodyTimeout the longest reading a request's body may take
   */
  public record Http(int threads, int requestsPerIdentity, long minRequestDataRate,
      Duration headerTimeout, Duration bodyTimeout) {

    public Http {
      requireNonNull(headerTimeout, "headerTimeout is null");
      requireNonNull(bodyTimeout, "bodyTimeout is null");
      if (threads < 8 || requestsPerIdentity < 1 || minRequestDataRate < 0) {
        throw new IllegalArgumentException("http limits out of range");
      }
    }

    public static Http defaults() {
      return new Http(200, 64, 1024, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }
  }

  /**
   * Limits shared by the gateways that use one PostgreSQL (docs/gateway.md, "Running several
   * gateways").
   *
   * @param postgres the login that keeps them (schema {@code pangate_cluster} only)
   * @param heartbeat how often this gateway says it is alive
   * @param nodeTimeout how long a gateway may be silent before what it held stops counting
   */
  public record Cluster(AuditPostgres postgres, Duration heartbeat, Duration nodeTimeout) {
    public Cluster {
      requireNonNull(postgres, "postgres is null");
      requireNonNull(heartbeat, "heartbeat is null");
      requireNonNull(nodeTimeout, "nodeTimeout is null");
    }
  }

  /**
   * The plan cache.
   *
   * @param entries plans kept at most (0: none)
   * @param maxBytes the estimated memory they may take at most (0: no bound but the count)
   */
  public record PlanCache(int entries, long maxBytes) {
    public static PlanCache defaults() {
      return new PlanCache(10_000, 64L << 20);
    }
  }
}
