package dev.pangate.endpoint.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.witness.WitnessSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the gateway's YAML configuration file into a {@link GatewayConfig}. Unknown keys,
 * missing required keys and values of the wrong kind are errors naming the file, the key, the
 * line and what to write instead. Relative paths are resolved against the file's directory.
 * Secrets may be given inline, by environment variable ({@code password_env}) or by file
 * ({@code password_file}); their values never appear in a message.
 */
public final class ConfigLoader {

  /** A DNS name or an IP address (IPv6 without brackets), as listen.host_names takes them. */
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:.]{2,45}");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path file;
  private final Path base;
  private final Map<String, String> environment;
  private final Overrides overrides;

  /**
   * What the command line sets over the file ({@code pangate serve --tls-keystore, --port,
   * --allow-plain-http}); applied before the configuration is checked, so a flag can supply
   * what the file lacks. Null fields leave the file's setting.
   */
  public record Overrides(GatewayConfig.Tls tls, Integer port, boolean allowPlainHttp) {
    public static final Overrides NONE = new Overrides(null, null, false);
  }

  private ConfigLoader(Path file, Map<String, String> environment, Overrides overrides) {
    this.file = file;
    this.overrides = overrides;
    Path parent = file.toAbsolutePath().getParent();
    this.base = parent == null ? Path.of(".").toAbsolutePath() : parent;
    this.environment = environment;
  }

  /** Loads a configuration file, reading environment variables from the process. */
  public static GatewayConfig load(Path file) {
    return load(file, System.getenv());
  }

  /** Loads a configuration file with the given environment (tests pass their own). */
  public static GatewayConfig load(Path file, Map<String, String> environment) {
    requireNonNull(file, "file is null");
    requireNonNull(environment, "environment is null");
    return new ConfigLoader(file, environment, Overrides.NONE).read();
  }

  /** Loads a configuration file with the command line's overrides applied. */
  public static GatewayConfig load(Path file, Map<String, String> environment,
      Overrides overrides) {
    requireNonNull(file, "file is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(overrides, "overrides is null");
    return new ConfigLoader(file, environment, overrides).read();
  }

  private GatewayConfig read() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("The configuration file " + file + " cannot be read ("
          + e.getClass().getSimpleName() + "); pass an existing file with --config FILE.");
    }
    ConfigFile raw;
    try {
      raw = YAML.readValue(text, ConfigFile.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(where(e.getLocation()) + "unknown key '" + e.getPropertyName() + "'"
          + inSection(e) + "; the keys allowed there are " + known(e.getKnownPropertyIds())
          + " (docs/gateway.md describes each).");
    } catch (JsonMappingException e) {
      if (syntax(e)) {
        throw invalidYaml(e.getLocation());
      }
      throw new ConfigException(where(e.getLocation()) + "the value of '" + path(e)
          + "' has the wrong kind (a number, text, list or section was expected there;"
          + " see docs/gateway.md).");
    } catch (JsonProcessingException e) {
      throw invalidYaml(e.getLocation());
    }
    if (raw == null) {
      throw new ConfigException(file + " is empty; see docs/gateway.md for an example configuration.");
    }
    return new GatewayConfig(
        file.toAbsolutePath(),
        postgres(require(raw.postgres(), "postgres")),
        path(require(raw.policy(), "policy")),
        keys(require(raw.keys(), "keys")),
        audit(require(raw.audit(), "audit")),
        overridden(listen(raw.listen())),
        overrides.tls() != null ? overrides.tls() : tls(raw.tls()),
        auth(require(raw.auth(), "auth")),
        limits(raw.limits()),
        admins(raw.admins()),
        raw.health() == null || raw.health().publicAccess() == null || raw.health().publicAccess(),
        planCache(raw.planCache()),
        cluster(raw.cluster()));
  }

  private GatewayConfig.Cluster cluster(ConfigFile.ClusterSection s) {
    if (s == null) {
      return null;
    }
    if (s.postgres() == null) {
      throw problem("cluster.postgres is required: the login that keeps the limits the gateways"
          + " share, e.g. postgres: {url: jdbc:postgresql://db:5432/payments, user: pangate_cluster,"
          + " password_env: PANGATE_CLUSTER_DB_PASSWORD}");
    }
    GatewayConfig.AuditPostgres postgres = auditPostgres("cluster.postgres", s.postgres());
    if (!postgres.url().startsWith("jdbc:postgresql:")) {
      throw problem("cluster.postgres.url must be a PostgreSQL JDBC URL");
    }
    Duration heartbeat = duration("cluster.heartbeat", s.heartbeat(), Duration.ofSeconds(2));
    Duration timeout = duration("cluster.node_timeout", s.nodeTimeout(), Duration.ofSeconds(10));
    if (heartbeat.isZero() || timeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw problem("cluster.heartbeat must be more than 0 and cluster.node_timeout at least twice"
          + " the heartbeat (defaults 2s and 10s)");
    }
    return new GatewayConfig.Cluster(postgres, heartbeat, timeout);
  }

  private GatewayConfig.Postgres postgres(ConfigFile.PostgresSection s) {
    String url = value("postgres.url", s.url(), s.urlEnv(), true);
    if (!url.startsWith("jdbc:postgresql:")) {
      throw problem("postgres.url must be a PostgreSQL JDBC URL such as"
          + " jdbc:postgresql://127.0.0.1:5432/payments");
    }
    String user = value("postgres.user", s.user(), s.userEnv(), true);
    Secret password = secret("postgres.password", s.password(), s.passwordEnv(), s.passwordFile(), false);
    List<String> schemas = s.schemas() == null ? List.of("payments") : s.schemas();
    if (schemas.isEmpty() || schemas.stream().anyMatch(name -> name == null || name.isBlank())) {
      throw problem("postgres.schemas must list at least one schema name, e.g. [payments]");
    }
    int pool = positive("postgres.pool_size", s.poolSize(), 10);
    int fetch = positive("postgres.fetch_size", s.fetchSize(), 1_000);
    Duration timeout = duration("postgres.statement_timeout", s.statementTimeout(),
        DEFAULT_STATEMENT_TIMEOUT);
    return new GatewayConfig.Postgres(url, user, password, schemas, pool, fetch, timeout);
  }

  private GatewayConfig.Keys keys(ConfigFile.KeysSection s) {
    if (s.files() == null || s.files().isEmpty()) {
      throw problem("keys.files must name the keyset files, e.g. tokenization: keys/tokenization.json,"
          + " hashing: keys/hashing.json, audit-signing: keys/audit-signing.json");
    }
    Map<String, Path> files = new TreeMap<>();
    s.files().forEach((name, value) -> {
      if (value == null || value.isBlank()) {
        throw problem("keys.files." + name + " has no file name");
      }
      files.put(name, path(value));
    });
    if (s.kekFile() != null && s.kekEnv() != null) {
      throw problem("keys: give either kek_file or kek_env, not both");
    }
    boolean cleartext = s.cleartextForDemo() != null && s.cleartextForDemo();
    if (s.kekFile() == null && s.kekEnv() == null && !cleartext) {
      throw problem("keys: name the key-encryption key with kek_file or kek_env (keysets are"
          + " encrypted under it); cleartext_for_demo: true is for the demo only");
    }
    return new GatewayConfig.Keys(files, s.kekFile() == null ? null : path(s.kekFile()), s.kekEnv(),
        cleartext);
  }

  private GatewayConfig.Audit audit(ConfigFile.AuditSection s) {
    String node = s.node() == null ? "gw-1" : s.node();
    String signing = s.signingKeyset() == null ? "audit-signing" : s.signingKeyset();
    if ((s.file() == null) == (s.postgres() == null)) {
      throw problem("audit needs exactly one sink: either file: {directory: ...} or"
          + " postgres: {url: ..., user: ...}");
    }
    GatewayConfig.Verify verify = verify(s.verify());
    if (s.file() != null) {
      String directory = require(s.file().directory(), "audit.file.directory");
      FileAuditSink.Durability durability = durability(s.file().durability());
      Path dir = path(directory);
      return new GatewayConfig.Audit(node, signing, dir, durability, null, witness(s.witness(), dir), verify,
          siem(s.siem(), dir, node));
    }
    if (s.siem() != null) {
      throw problem("audit.siem streams the audit files: it needs the file sink (audit.file), not"
          + " audit.postgres; a PostgreSQL store is read by the SIEM's own database input");
    }
    GatewayConfig.AuditPostgres postgres = auditPostgres("audit.postgres", s.postgres());
    return new GatewayConfig.Audit(node, signing, null, FileAuditSink.Durability.FSYNC_EACH_BATCH,
        postgres, witness(s.witness(), null), verify, null);
  }

  private GatewayConfig.AuditPostgres auditPostgres(String key, ConfigFile.AuditPostgresSection p) {
    return new GatewayConfig.AuditPostgres(
        value(key + ".url", p.url(), p.urlEnv(), true),
        value(key + ".user", p.user(), p.userEnv(), true),
        secret(key + ".password", p.password(), p.passwordEnv(), p.passwordFile(), false));
  }

  private GatewayConfig.Witness witness(ConfigFile.AuditWitnessSection s, Path auditDirectory) {
    if (s == null) {
      return null;
    }
    List<Path> files = new ArrayList<>();
    for (String name : s.files() == null ? List.<String>of() : s.files()) {
      if (name == null || name.isBlank()) {
        throw problem("audit.witness.files has an empty file name");
      }
      Path file = path(name);
      if (auditDirectory != null && file.startsWith(auditDirectory)) {
        throw problem("audit.witness.files: " + file + " is inside the audit directory " + auditDirectory
            + "; a witness must be on another path (another disk or host), or it witnesses nothing");
      }
      files.add(file);
    }
    GatewayConfig.AuditPostgres postgres = s.postgres() == null ? null
        : auditPostgres("audit.witness.postgres", s.postgres());
    if (files.isEmpty() && postgres == null) {
      throw problem("audit.witness needs files: [...] and/or postgres: {url: ..., user: ...}");
    }
    WitnessSet.OnFailure onFailure;
    String rule = s.onFailure() == null ? "refuse" : s.onFailure().trim().toLowerCase(Locale.ROOT);
    switch (rule) {
      case "refuse" -> onFailure = WitnessSet.OnFailure.REFUSE;
      case "alert" -> onFailure = WitnessSet.OnFailure.ALERT;
      default -> throw problem("audit.witness.on_failure must be refuse (statements are refused while a"
          + " witness cannot be written) or alert (they go on, the problem is reported)");
    }
    Duration maxLag = duration("audit.witness.max_lag", s.maxLag(), Duration.ofSeconds(10));
    Duration retry = duration("audit.witness.retry_interval", s.retryInterval(), Duration.ofSeconds(1));
    if (maxLag.isZero() || retry.isZero()) {
      throw problem("audit.witness.max_lag and retry_interval must be more than 0");
    }
    return new GatewayConfig.Witness(files, postgres, onFailure, maxLag, retry);
  }

  private GatewayConfig.Siem siem(ConfigFile.AuditSiemSection s, Path auditDirectory, String node) {
    if (s == null) {
      return null;
    }
    String host = require(s.host(), "audit.siem.host");
    int port = positive("audit.siem.port", s.port(), 6514);
    if (port > 65535) {
      throw problem("audit.siem.port must be at most 65535");
    }
    int facility = s.facility() == null ? 13 : s.facility();
    if (facility < 0 || facility > 23) {
      throw problem("audit.siem.facility must be 0..23 (13: log audit)");
    }
    String hostname;
    try {
      hostname = s.hostname() != null ? s.hostname() : java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      hostname = node;
    }
    if (!hostname.matches("[!-~]{1,255}")) {
      throw problem("audit.siem.hostname must be 1 to 255 printable ASCII characters without spaces");
    }
    Path cursor = s.cursorFile() == null ? auditDirectory.resolve("siem-cursor.json") : path(s.cursorFile());
    Duration interval = duration("audit.siem.interval", s.interval(), Duration.ofSeconds(1));
    Duration retry = duration("audit.siem.retry_interval", s.retryInterval(), Duration.ofSeconds(5));
    Duration timeout = duration("audit.siem.timeout", s.timeout(), Duration.ofSeconds(10));
    if (interval.isZero() || retry.isZero() || timeout.isZero()) {
      throw problem("audit.siem.interval, retry_interval and timeout must be more than 0");
    }
    return new GatewayConfig.Siem(host, port, s.caFile() == null ? null : path(s.caFile()), s.serverName(),
        hostname, cursor, facility, positive("audit.siem.batch", s.batch(), 1000), interval, retry, timeout,
        Boolean.TRUE.equals(s.witness()));
  }

  private GatewayConfig.Verify verify(ConfigFile.AuditVerifySection s) {
    GatewayConfig.Verify d = GatewayConfig.Verify.defaults();
    if (s == null) {
      return d;
    }
    long recheck = s.recheckBytes() == null ? d.recheckBytes() : s.recheckBytes();
    if (recheck < 0) {
      throw problem("audit.verify.recheck_bytes must be 0 or more");
    }
    return new GatewayConfig.Verify(duration("audit.verify.interval", s.interval(), d.interval()), recheck);
  }

  private FileAuditSink.Durability durability(String text) {
    if (text == null) {
      return FileAuditSink.Durability.FSYNC_EACH_BATCH;
    }
    try {
      return FileAuditSink.Durability.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw problem("audit.file.durability must be fsync_each_batch or fsync_periodic");
    }
  }

  private GatewayConfig.Listen listen(ConfigFile.ListenSection s) {
    if (s == null) {
      return new GatewayConfig.Listen("127.0.0.1", 8765, false, List.of());
    }
    int port = s.port() == null ? 8765 : s.port();
    if (port < 0 || port > 65_535) {
      throw problem("listen.port must be between 0 and 65535");
    }
    List<String> hostNames = s.hostNames() == null ? List.of() : s.hostNames();
    for (String name : hostNames) {
      if (name == null || !HOST_NAME.matcher(name).matches()) {
        throw problem("listen.host_names holds host names or addresses without scheme or port,"
            + " e.g. pangate.internal or 10.0.0.5");
      }
    }
    return new GatewayConfig.Listen(s.address() == null ? "127.0.0.1" : s.address(), port,
        s.allowPlainHttp() != null && s.allowPlainHttp(), hostNames);
  }

  private GatewayConfig.Listen overridden(GatewayConfig.Listen listen) {
    int port = overrides.port() == null ? listen.port() : overrides.port();
    if (port < 0 || port > 65_535) {
      throw new ConfigException("--port must be between 0 and 65535");
    }
    return new GatewayConfig.Listen(listen.address(), port,
        listen.allowPlainHttp() || overrides.allowPlainHttp(), listen.hostNames());
  }

  private GatewayConfig.Tls tls(ConfigFile.TlsSection s) {
    if (s == null) {
      return null;
    }
    Path keystore = path(require(s.keystore(), "tls.keystore"));
    Secret password = secret("tls.password", s.password(), s.passwordEnv(), s.passwordFile(), true);
    return new GatewayConfig.Tls(keystore, password);
  }

  private GatewayConfig.Auth auth(ConfigFile.AuthSection s) {
    Path secrets = path(require(s.secretsFile(), "auth.secrets_file"));
    GatewayConfig.Jwt jwt = null;
    if (s.jwt() != null) {
      ConfigFile.JwtSection j = s.jwt();
      jwt = new GatewayConfig.Jwt(path(require(j.publicKeyset(), "auth.jwt.public_keyset")),
          require(j.issuer(), "auth.jwt.issuer"), require(j.audience(), "auth.jwt.audience"),
          duration("auth.jwt.max_lifetime", j.maxLifetime(), Duration.ofHours(1)),
          j.actingForClaim() == null ? "act" : j.actingForClaim());
      if (!jwt.actingForClaim().matches("[A-Za-z_][A-Za-z0-9_.:-]{0,63}")) {
        throw problem("auth.jwt.acting_for_claim must be a claim name such as act or on_behalf_of");
      }
    }
    int free = s.freeFailures() == null ? 3 : s.freeFailures();
    if (free < 0) {
      throw problem("auth.free_failures must be 0 or more");
    }
    return new GatewayConfig.Auth(secrets, jwt, free,
        duration("auth.first_delay", s.firstDelay(), Duration.ofSeconds(1)),
        duration("auth.max_delay", s.maxDelay(), Duration.ofSeconds(60)),
        duration("auth.verified_cache_time", s.verifiedCacheTime(), Duration.ofMinutes(5)),
        secretMaxAge(s.secretMaxAge()));
  }

  /** The statement timeout when the file sets none (docs/gateway.md). */
  static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(60);

  private GatewayConfig.PlanCache planCache(ConfigFile.PlanCacheSection s) {
    GatewayConfig.PlanCache d = GatewayConfig.PlanCache.defaults();
    if (s == null) {
      return d;
    }
    int entries = s.entries() == null ? d.entries() : s.entries();
    long bytes = s.maxBytes() == null ? d.maxBytes() : s.maxBytes();
    if (entries < 0 || bytes < 0) {
      throw problem("plan_cache.entries and plan_cache.max_bytes must be 0 or more (0 entries: plan"
          + " every statement; 0 bytes: bound the cache by its count only)");
    }
    return new GatewayConfig.PlanCache(entries, bytes);
  }

  private GatewayConfig.Sharing sharing(ConfigFile.LimitsSection s) {
    GatewayConfig.Sharing d = GatewayConfig.Sharing.defaults();
    java.util.Map<String, GatewayConfig.RoleLimits> roles = new java.util.TreeMap<>();
    if (s.roles() != null) {
      s.roles().forEach((role, section) -> {
        if (section == null) {
          throw problem("limits.roles." + role + " is empty; give postgres_connections and/or"
              + " statement_timeout");
        }
        Integer connections = section.postgresConnections() == null ? null
            : positive("limits.roles." + role + ".postgres_connections",
                section.postgresConnections(), 1);
        Duration timeout = section.statementTimeout() == null ? null
            : duration("limits.roles." + role + ".statement_timeout", section.statementTimeout(),
                Duration.ZERO);
        roles.put(role, new GatewayConfig.RoleLimits(connections, timeout));
      });
    }
    long buffer = s.resultBufferBytes() == null ? d.resultBufferBytes() : s.resultBufferBytes();
    if (buffer < 0) {
      throw problem("limits.result_buffer_bytes must be 0 or more (0: every result streams from"
          + " its PostgreSQL connection)");
    }
    int queue = s.queueSize() == null ? d.queueSize() : s.queueSize();
    if (queue < 0) {
      throw problem("limits.queue_size must be 0 or more");
    }
    return new GatewayConfig.Sharing(
        s.postgresConnectionsPerAgent() == null ? d.connectionsPerAgent()
            : positive("limits.postgres_connections_per_agent", s.postgresConnectionsPerAgent(), 1),
        queue, duration("limits.queue_timeout", s.queueTimeout(), d.queueTimeout()), buffer, roles);
  }

  private GatewayConfig.Http http(ConfigFile.LimitsSection s) {
    GatewayConfig.Http d = GatewayConfig.Http.defaults();
    int threads = s.httpThreads() == null ? d.threads() : s.httpThreads();
    if (threads < 8) {
      throw problem("limits.http_threads must be at least 8");
    }
    long rate = s.minRequestDataRate() == null ? d.minRequestDataRate() : s.minRequestDataRate();
    if (rate < 0) {
      throw problem("limits.min_request_data_rate must be 0 (no minimum) or more bytes per second");
    }
    return new GatewayConfig.Http(threads,
        positive("limits.requests_per_identity", s.requestsPerIdentity(), d.requestsPerIdentity()),
        rate, duration("limits.header_timeout", s.headerTimeout(), d.headerTimeout()),
        duration("limits.body_timeout", s.bodyTimeout(), d.bodyTimeout()));
  }

  private GatewayConfig.Limits limits(ConfigFile.LimitsSection s) {
    GatewayConfig.Limits d = GatewayConfig.Limits.defaults();
    if (s == null) {
      return d;
    }
    long jsonMaxRows = s.jsonMaxRows() == null ? d.jsonMaxRows() : s.jsonMaxRows();
    if (jsonMaxRows < 0) {
      throw problem("limits.json_max_rows must be 0 or more");
    }
    int maxRequestBytes = s.maxRequestBytes() == null ? d.maxRequestBytes() : s.maxRequestBytes();
    if (maxRequestBytes < 1024) {
      throw problem("limits.max_request_bytes must be at least 1024");
    }
    Duration approvalLifetime = duration("limits.approval_lifetime", s.approvalLifetime(),
        d.approvalLifetime());
    if (approvalLifetime.isZero()) {
      throw problem("limits.approval_lifetime must be longer than 0 (it is how long a held write"
          + " may wait for a decision and then be run); write e.g. 1h or 15m");
    }
    return new GatewayConfig.Limits(
        positive("limits.connections_per_agent", s.connectionsPerAgent(), d.connectionsPerAgent()),
        duration("limits.idle_timeout", s.idleTimeout(), d.idleTimeout()),
        duration("limits.unused_connection_timeout", s.unusedConnectionTimeout(),
            d.unusedConnectionTimeout()),
        duration("limits.result_idle_timeout", s.resultIdleTimeout(), d.resultIdleTimeout()),
        duration("limits.streaming_result_idle_timeout", s.streamingResultIdleTimeout(),
            d.streamingResultIdleTimeout()),
        positive("limits.max_frame_rows", s.maxFrameRows(), d.maxFrameRows()),
        jsonMaxRows, maxRequestBytes,
        duration("limits.write_timeout", s.writeTimeout(), d.writeTimeout()),
        approvalLifetime, sharing(s), http(s),
        duration("limits.drain_timeout", s.drainTimeout(), d.drainTimeout()));
  }

  private static java.util.Set<String> admins(List<String> admins) {
    return admins == null ? java.util.Set.of() : new LinkedHashSet<>(admins);
  }

  private String value(String key, String inline, String env, boolean required) {
    if (inline != null && env != null) {
      throw problem(key + ": give either " + leaf(key) + " or " + leaf(key) + "_env, not both");
    }
    if (env != null) {
      String value = environment.get(env);
      if (value == null || value.isEmpty()) {
        throw problem(key + "_env names the environment variable " + env + ", which is not set;"
            + " set it or write " + leaf(key) + " directly");
      }
      return value;
    }
    if (inline == null && required) {
      throw problem(key + " is required (or " + leaf(key) + "_env naming an environment variable)");
    }
    return inline;
  }

  private Secret secret(String key, String inline, String env, String fileName, boolean required) {
    int given = (inline == null ? 0 : 1) + (env == null ? 0 : 1) + (fileName == null ? 0 : 1);
    if (given > 1) {
      throw problem(key + ": give one of " + leaf(key) + ", " + leaf(key) + "_env and "
          + leaf(key) + "_file");
    }
    if (env != null) {
      String value = environment.get(env);
      if (value == null) {
        throw problem(key + "_env names the environment variable " + env + ", which is not set");
      }
      return new Secret(value, "environment variable " + env);
    }
    if (fileName != null) {
      Path secretFile = path(fileName);
      try {
        return new Secret(Files.readString(secretFile, StandardCharsets.UTF_8).strip(),
            "file " + secretFile);
      } catch (IOException e) {
        throw problem(key + "_file " + secretFile + " cannot be read (" + e.getClass().getSimpleName()
            + "); check the path and that the gateway's user may read it");
      }
    }
    if (inline != null) {
      return new Secret(inline, key + " in " + file);
    }
    if (required) {
      throw problem(key + " is required (or " + leaf(key) + "_env / " + leaf(key) + "_file)");
    }
    return null;
  }

  private int positive(String key, Integer value, int otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (value < 1) {
      throw problem(key + " must be at least 1");
    }
    return value;
  }

  /** PCI DSS 8.3.9 names 90 days for passwords that are the only factor: the default. */
  private Duration secretMaxAge(String text) {
    Duration age = duration("auth.secret_max_age", text, Duration.ofDays(90));
    if (age.isZero()) {
      throw problem("auth.secret_max_age must be more than 0 (e.g. 90d)");
    }
    return age;
  }

  private Duration duration(String key, String text, Duration otherwise) {
    if (text == null) {
      return otherwise;
    }
    try {
      Duration d = Durations.parse(text);
      if (d.isNegative()) {
        throw problem(key + " must not be negative");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw problem(key + ": " + e.getMessage());
    }
  }

  private <T> T require(T value, String key) {
    if (value == null) {
      throw problem(key + " is required; see docs/gateway.md for an example configuration");
    }
    return value;
  }

  private Path path(String value) {
    Path p = Path.of(value);
    return p.isAbsolute() ? p : base.resolve(p).normalize();
  }

  private ConfigException problem(String message) {
    return new ConfigException(file + ": " + message + ".");
  }

  /** The parser's own message may quote the line, which could hold a password: say only where. */
  private ConfigException invalidYaml(JsonLocation location) {
    return new ConfigException(where(location) + "this is not valid YAML; check the indentation"
        + " and quoting around this place.");
  }

  /** Whether a binding failure is really the YAML parser failing underneath. */
  private static boolean syntax(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof com.fasterxml.jackson.core.exc.StreamReadException
          || t.getClass().getName().startsWith("org.yaml.snakeyaml")) {
        return true;
      }
    }
    return false;
  }

  private String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return file + ": ";
    }
    return file + " line " + location.getLineNr() + ": ";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(reference -> reference.getFieldName() != null
            ? reference.getFieldName() : "[" + reference.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String inSection(UnrecognizedPropertyException e) {
    List<String> names = new ArrayList<>();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        names.add(reference.getFieldName());
      }
    }
    if (names.size() <= 1) {
      return " at the top level";
    }
    return " in section '" + String.join(".", names.subList(0, names.size() - 1)) + "'";
  }

  private static String known(java.util.Collection<Object> ids) {
    return new TreeSet<>(ids.stream().map(String::valueOf).toList()).toString();
  }

  private static String leaf(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }
}
