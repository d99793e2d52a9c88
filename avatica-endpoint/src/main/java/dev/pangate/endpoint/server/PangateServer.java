package dev.pangate.endpoint.server;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditLog;
import dev.pangate.audit.AuditSink;
import dev.pangate.audit.HashChainedAuditLog;
import dev.pangate.audit.file.FileAuditSink;
import dev.pangate.audit.postgres.PostgresAuditSink;
import dev.pangate.audit.postgres.PostgresSealWitness;
import dev.pangate.audit.siem.SyslogForwarder;
import dev.pangate.audit.witness.FileSealWitness;
import dev.pangate.audit.witness.SealWitness;
import dev.pangate.audit.witness.WitnessSet;
import dev.pangate.endpoint.auth.Authenticator;
import dev.pangate.endpoint.auth.JwtTokenVerifier;
import dev.pangate.endpoint.auth.TokenVerifier;
import dev.pangate.endpoint.avatica.AvaticaService;
import dev.pangate.endpoint.config.ConfigException;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.http.GatewayHttpServer;
import dev.pangate.endpoint.http.NodeState;
import dev.pangate.endpoint.http.RouteTable;
import dev.pangate.endpoint.mcp.McpEndpoint;
import dev.pangate.endpoint.metrics.GatewayMetrics;
import dev.pangate.endpoint.session.EndpointAudit;
import dev.pangate.engine.cluster.SharedLimits;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.GatewayOptions;
import dev.pangate.masking.keys.KeyEncryptionKey;
import dev.pangate.masking.keys.KeyRing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: key ring, audit log, engine, authentication and the HTTP server, started from
 * a {@link GatewayConfig} and stopped in reverse order. This is what {@code pangate serve} runs;
 * tests and benchmarks start it the same way.
 */
public final class PangateServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PangateServer.class);

  /** The hold on the audit directory; null for an audit log in PostgreSQL. */
  private final InstanceLock lock;
  private final GatewayConfig config;
  private final AuditLog audit;
  private final AuditChecks auditChecks;
  private final Gateway gateway;
  private final GatewayMetrics metrics;
  private final AvaticaService avatica;
  private final McpEndpoint mcp;
  private final GatewayHttpServer http;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final NodeState node;
  /** Limits shared with the other nodes; null when this gateway keeps its own. */
  private final SharedLimits shared;

  private PangateServer(GatewayConfig config, InstanceLock lock, AuditLog audit,
      AuditChecks auditChecks, Gateway gateway, GatewayMetrics metrics, AvaticaService avatica,
      McpEndpoint mcp, GatewayHttpServer http, NodeState node, SharedLimits shared) {
    this.node = node;
    this.shared = shared;
    this.config = config;
    this.lock = lock;
    this.audit = audit;
    this.auditChecks = auditChecks;
    this.gateway = gateway;
    this.metrics = metrics;
    this.avatica = avatica;
    this.mcp = mcp;
    this.http = http;
  }

  /**
   * Starts the gateway. Each failure says what to fix: the configuration ({@link ConfigException}),
   * the keys ({@code KeyRingException}), the audit sink ({@code AuditUnavailableException}), or
   * PostgreSQL and the policy ({@code EngineException}).
   */
  public static PangateServer start(GatewayConfig config) {
    requireNonNull(config, "config is null");
    List<AutoCloseable> started = new ArrayList<>();
    // Before anything is read or written: the port, then this gateway's hold on its audit log.
    InstanceLock.requireFreePort(config.listen().address(), config.listen().port());
    InstanceLock lock = config.audit().directory() == null ? null
        : InstanceLock.acquireBeside(config.audit().directory(), "audit directory");
    if (lock != null) {
      started.add(lock);
    }
    try {
      KeyRing keys = loadKeys(config.keys());
      SyslogForwarder siem = AuditChecks.siemForwarder(config.audit());
      if (siem != null) {
        started.add(siem);
      }
      HashChainedAuditLog audit = openAudit(config.audit(), keys, siem);
      started.add(audit);
      AuditChecks auditChecks = AuditChecks.start(config.audit(), audit,
          keys.signingKeyset(config.audit().signingKeyset()), witnessReaders(config.audit()), siem);
      started.add(auditChecks);
      Gateway gateway = Gateway.start(config.postgres().engineConfig(), config.policyFile(), keys,
          audit, GatewayOptions.defaults()
              .withApprovalLifetime(config.limits().approvalLifetime())
              .withPlanCache(config.planCache().entries(), config.planCache().maxBytes())
              .withResources(config.limits().postgres().resources()));
      started.add(gateway);
      GatewayMetrics metrics = new GatewayMetrics();
      registerGauges(metrics, gateway);
      auditChecks.register(metrics);
      EndpointAudit endpointAudit = new EndpointAudit(audit, metrics);
      TokenVerifier tokens = config.auth().jwt() == null ? null : JwtTokenVerifier.load(config.auth().jwt());
      Authenticator authenticator = new Authenticator(config.auth(), tokens, audit, metrics,
          Clock.systemUTC());
      NodeState node = new NodeState(config.audit().node());
      AvaticaService avatica = new AvaticaService(gateway, config.limits(), endpointAudit, metrics,
          node);
      started.add(avatica);
      SharedLimits shared = startSharedLimits(config);
      if (shared != null) {
        started.add(shared);
        node.share(shared);
        authenticator.share(shared);
        avatica.share(shared);
        gateway.sharePinnedConnections(shared.pinnedConnections());
        registerClusterGauges(metrics, shared);
      }
      McpEndpoint mcp = new McpEndpoint(gateway, metrics, config);
      if (shared != null) {
        mcp.share(shared);
      }
      started.add(mcp);
      RouteTable routes = GatewayHttpServer.routes(config, gateway, avatica, mcp, metrics,
          new ArrayList<>(keys.names()), auditChecks,
          requester -> gateway.reloadPolicy(config.policyFile(), requester), node);
      GatewayHttpServer http = GatewayHttpServer.start(config, routes, authenticator, node);
      avatica.serverAddress(http.baseUri().getHost() + ":" + http.port());
      PangateServer server = new PangateServer(config, lock, audit, auditChecks, gateway, metrics,
          avatica, mcp, http, node, shared);
      LOG.info("pangate serving on {} (Avatica protobuf at /, Avatica JSON at /avatica/json,"
          + " SQL over JSON at /v1/query, MCP at /mcp, /healthz, /metrics)", http.baseUri());
      return server;
    } catch (IOException e) {
      closeAll(lastFirst(started));
      if (e instanceof NoSuchFileException) {
        throw new ConfigException(config.source() + ": auth.secrets_file " + config.auth().secretsFile()
            + " does not exist; create it with: pangate agents add <identity> --secrets "
            + config.auth().secretsFile());
      }
      throw new ConfigException(config.source() + ": auth.secrets_file "
          + config.auth().secretsFile() + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
    } catch (IllegalArgumentException e) {
      closeAll(lastFirst(started));
      throw new ConfigException(e.getMessage(), e);
    } catch (RuntimeException e) {
      closeAll(lastFirst(started));
      throw e;
    }
  }

  /** The shared-limits store of {@code cluster}, or null when the section is absent. */
  private static SharedLimits startSharedLimits(GatewayConfig config) {
    GatewayConfig.Cluster cluster = config.cluster();
    if (cluster == null) {
      return null;
    }
    try {
      return SharedLimits.start(new SharedLimits.Settings(cluster.postgres().url(),
          cluster.postgres().user(), cluster.postgres().password() == null ? null
              : cluster.postgres().password().value(), config.audit().node(),
          cluster.heartbeat(), cluster.nodeTimeout()), config.postgres().schemas());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering with the shared limits", e);
    } catch (IllegalStateException e) {
      throw new ConfigException(config.source() + ": cluster: " + e.getMessage(), e);
    }
  }

  private static void registerClusterGauges(GatewayMetrics metrics, SharedLimits shared) {
    metrics.gauge("pangate_cluster_nodes", "Gateways sharing limits whose heartbeat is fresh, this"
        + " one included.", shared::liveNodes);
    metrics.gauge("pangate_cluster_store_up", "1 while the shared-limits store answers, 0 while"
        + " each node enforces its own limits only.", () -> shared.problem().isEmpty() ? 1 : 0);
    metrics.counter("pangate_cluster_store_failures_total", "Times the shared-limits store could"
        + " not be used.", shared::failures);
  }

  /** The key ring as the gateway loads it (the KEK from its file or environment variable). */
  public static KeyRing loadKeys(GatewayConfig.Keys keys) {
    Optional<KeyEncryptionKey> kek = Optional.empty();
    if (keys.kekFile() != null) {
      kek = Optional.of(KeyEncryptionKey.fromFile(keys.kekFile()));
    } else if (keys.kekEnvironment() != null) {
      kek = Optional.of(KeyEncryptionKey.fromEnvironment(keys.kekEnvironment()));
    }
    return KeyRing.load(keys.files(), kek,
        keys.cleartextForDemo() ? KeyRing.Cleartext.ALLOW_FOR_DEMO : KeyRing.Cleartext.REFUSE);
  }

  private static HashChainedAuditLog openAudit(GatewayConfig.Audit settings, KeyRing keys,
      SyslogForwarder siem) {
    AuditSink sink;
    if (settings.directory() != null) {
      sink = FileAuditSink.create(settings.directory(),
          FileAuditSink.Options.defaults().withDurability(settings.durability()));
    } else {
      sink = PostgresAuditSink.create(settings.postgres().url(), login(settings.postgres()), settings.node());
    }
    HashChainedAuditLog.Builder builder = HashChainedAuditLog.builder()
        .node(settings.node())
        .signingKeyset(keys.signingKeyset(settings.signingKeyset()))
        .sink(sink);
    WitnessSet witnesses = null;
    if (settings.witness() != null) {
      witnesses = witnesses(settings.witness(), settings.node());
    }
    if (siem != null && settings.siem().witness()) {
      if (witnesses == null) {
        witnesses = WitnessSet.of(List.of(), WitnessSet.OnFailure.REFUSE, Duration.ofSeconds(10),
            Duration.ofSeconds(1));
      }
      witnesses.watch(siem::witnessStatus);
    }
    if (witnesses != null) {
      builder.witnesses(witnesses);
    }
    return builder.open();
  }

  private static WitnessSet witnesses(GatewayConfig.Witness settings, String node) {
    return WitnessSet.of(sealWitnesses(settings, node), settings.onFailure(), settings.maxLag(),
        settings.retryInterval());
  }

  /** The witnesses once more, each with a connection of its own, for the continuous verification. */
  private static List<SealWitness> witnessReaders(GatewayConfig.Audit settings) {
    return settings.witness() == null ? List.of() : sealWitnesses(settings.witness(), settings.node());
  }

  private static List<SealWitness> sealWitnesses(GatewayConfig.Witness settings, String node) {
    List<SealWitness> witnesses = new ArrayList<>();
    for (java.nio.file.Path file : settings.files()) {
      witnesses.add(FileSealWitness.create(file));
    }
    if (settings.postgres() != null) {
      witnesses.add(PostgresSealWitness.create(settings.postgres().url(), login(settings.postgres()), node));
    }
    return witnesses;
  }

  /** The login properties of a PostgreSQL audit store or witness. */
  public static Properties login(GatewayConfig.AuditPostgres postgres) {
    Properties login = new Properties();
    login.setProperty("user", postgres.user());
    if (postgres.password() != null) {
      login.setProperty("password", postgres.password().value());
    }
    return login;
  }

  private static void registerGauges(GatewayMetrics metrics, Gateway gateway) {
    metrics.gauge("pangate_postgres_pool_active", "PostgreSQL connections in use.",
        () -> gateway.poolUse().active());
    metrics.gauge("pangate_postgres_pool_idle", "PostgreSQL connections idle in the pool.",
        () -> gateway.poolUse().idle());
    metrics.gauge("pangate_postgres_pool_waiting", "Threads waiting for a PostgreSQL connection.",
        () -> gateway.poolUse().waiting());
    metrics.gauge("pangate_postgres_pool_max", "The PostgreSQL pool's size.",
        () -> gateway.poolUse().maximum());
    metrics.gauge("pangate_jvm_heap_used_bytes", "Heap in use by the gateway's JVM.",
        () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    metrics.gauge("pangate_jvm_heap_max_bytes", "The most heap the gateway's JVM may use.",
        () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
    var gate = gateway.connectionGate();
    metrics.gauge("pangate_postgres_up", "1 while PostgreSQL can be reached, 0 while statements are"
        + " refused with POSTGRES_UNREACHABLE.", () -> gateway.reachability().up() ? 1 : 0);
    metrics.gauge("pangate_saturated", "1 while statements wait for a PostgreSQL connection (busy,"
        + " not down).", () -> gate.saturated() ? 1 : 0);
    metrics.gauge("pangate_postgres_connections_reserved", "PostgreSQL connections agents'"
        + " statements hold now (at most postgres.pool_size).", gate::inUse);
    metrics.gauge("pangate_postgres_queue_waiting", "Statements waiting for a PostgreSQL connection.",
        gate::waiting);
    metrics.counter("pangate_postgres_queued_total", "Statements that had to wait for a PostgreSQL"
        + " connection.", gate::queuedTotal);
    metrics.counter("pangate_busy_queue_full_total", "Statements refused with GATEWAY_BUSY because"
        + " the wait queue was full.", gate::refusedFull);
    metrics.counter("pangate_busy_queue_timeout_total", "Statements refused with GATEWAY_BUSY after"
        + " waiting limits.queue_timeout.", gate::refusedTimeout);
    metrics.gauge("pangate_audit_owed", "Completion entries waiting for the audit sink to take"
        + " entries again.", gateway::owedCount);
    metrics.gauge("pangate_result_buffer_bytes", "Memory held by results read ahead (estimated).",
        () -> gateway.resultBuffers().usedBytes());
    metrics.counter("pangate_plan_cache_hits_total", "Statements served a cached plan.",
        () -> gateway.planCacheUse().hits());
    metrics.counter("pangate_plan_cache_misses_total", "Statements planned (not in the cache).",
        () -> gateway.planCacheUse().misses());
    metrics.counter("pangate_plan_cache_evictions_total", "Plans dropped to stay within"
        + " plan_cache.entries or plan_cache.max_bytes.", () -> gateway.planCacheUse().evictions());
    metrics.gauge("pangate_plan_cache_entries", "Plans held now.",
        () -> gateway.planCacheUse().entries());
    metrics.gauge("pangate_plan_cache_bytes", "Estimated memory of the plans held.",
        () -> gateway.planCacheUse().bytes());
  }

  /**
   * Reloads the configured policy file: validated first, swapped atomically and audited by the
   * engine; a bad policy is refused with what is wrong and the old one stays.
   *
   * @return the new policy's digest
   */
  public String reloadPolicy(String requestedBy) {
    return gateway.reloadPolicy(config.policyFile(), requestedBy);
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8765}. */
  public URI baseUri() {
    return http.baseUri();
  }

  public int port() {
    return http.port();
  }

  public Gateway gateway() {
    return gateway;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** Blocks until {@link #close()} has run (for {@code pangate serve}). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops as a node of a service stops (SIGTERM): first it drains — {@code /healthz} answers 503
   * {@code draining}, new connections and requests are refused with {@code GATEWAY_STOPPING},
   * statements running finish, open results may be read to their end and open transactions
   * committed or rolled back — until nothing is open or {@code timeout} passes; then it stops
   * ({@link #close()}), closing what is still open.
   *
   * @return whether everything open had finished before the timeout
   */
  public boolean drainAndClose(Duration timeout) {
    node.drain();
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean drained = false;
    LOG.info("draining: {} requests in progress, {} open results, {} open transactions; waiting at"
        + " most {} s", node.inFlight(), avatica.openResults(), avatica.openTransactions(),
        timeout.toSeconds());
    try {
      while (System.nanoTime() < deadline) {
        if (node.inFlight() == 0 && avatica.openResults() == 0 && avatica.openTransactions() == 0) {
          drained = true;
          break;
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (drained) {
      LOG.info("drained: nothing open; stopping");
    } else {
      LOG.warn("stopping after {} s of draining with {} requests in progress, {} open results and"
          + " {} open transactions; they are closed now (GATEWAY_STOPPING)", timeout.toSeconds(),
          node.inFlight(), avatica.openResults(), avatica.openTransactions());
    }
    close();
    return drained;
  }

  /** The configuration it runs with. */
  public GatewayConfig config() {
    return config;
  }

  /** This gateway as a node of a service (draining, shared limits). */
  public NodeState node() {
    return node;
  }

  /** Stops serving, closes every client connection and result, the engine and the audit log. */
  @Override
  public void close() {
    try {
      List<AutoCloseable> resources = new ArrayList<>(
          List.of(http, mcp, avatica, gateway));
      if (shared != null) {
        resources.add(shared); // after the connections it counts are closed
      }
      resources.addAll(List.of(auditChecks, audit));
      if (lock != null) {
        resources.add(lock); // released last, once the audit log is closed
      }
      closeAll(resources);
    } finally {
      stopped.countDown();
    }
  }

  private static List<AutoCloseable> lastFirst(List<AutoCloseable> started) {
    List<AutoCloseable> reversed = new ArrayList<>(started);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  /** Closes each in turn; a failure is logged and the others are still closed. */
  private static void closeAll(List<? extends AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.getClass().getSimpleName());
      }
    }
  }
}
