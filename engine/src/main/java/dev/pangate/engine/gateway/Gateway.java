package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.AuditHealth;
import dev.pangate.audit.AuditLog;
import dev.pangate.audit.AuditUnavailableException;
import dev.pangate.audit.Outcome;
import dev.pangate.engine.Engine;
import dev.pangate.engine.EngineConfig;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.catalog.PostgresCatalog;
import dev.pangate.engine.exec.CancelToken;
import dev.pangate.engine.exec.ConnectionGate;
import dev.pangate.engine.exec.PostgresReachability;
import dev.pangate.engine.exec.QueryExecutor;
import dev.pangate.engine.exec.ResultBuffers;
import dev.pangate.engine.exec.ResultTypes;
import dev.pangate.engine.exec.StatementContext;
import dev.pangate.engine.plan.CatalogView;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.QueryPlanner;
import dev.pangate.engine.policy.PolicyViews;
import dev.pangate.engine.privilege.PrivilegeReport;
import dev.pangate.engine.privilege.QualifiedTable;
import dev.pangate.engine.rewrite.PolicyPlanRewriter;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.mask.MaskFactory;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pangate's engine with its policy and audit log: the one entry point the endpoints use. Agents
 * reach data only through a {@link Session} opened for an authenticated {@link Caller}; the
 * caller's role, tables, masks and row filters come from the policy in force, never from the
 * caller. Every statement is audited before its first row is returned; when the audit log cannot
 * take an entry, statements are refused (fail closed).
 *
 * <p>The policy can be replaced while serving ({@link #reloadPolicy}): the new one is compiled
 * and checked against the database first and swapped in atomically; a bad one leaves the old one
 * in force.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Engine engine;
  private final KeyRing keys;
  private final AuditLog audit;
  private final QueryPlanner planner;
  private final QueryExecutor executor;
  private final ResultTypes resultTypes;
  private final AtomicReference<PolicyState> state = new AtomicReference<>();
  private final PlanCache.Stats planStats = new PlanCache.Stats();
  private final AtomicLong generations = new AtomicLong();
  private final PrivilegeReport privileges;
  private final GatewayOptions options;
  private final Approvals approvals;
  private final ConnectionGate gate;
  private final PostgresReachability reachability;
  private final ResultBuffers buffers;
  private final java.time.Duration defaultTimeout;

  /** The policy in force, compiled; replaced whole on reload. */
  record PolicyState(long generation, Policy policy, MaskFactory masks, PolicyViews views,
      PlanCache<PreparedQuery> cache, PlanCache<java.util.Optional<PreparedQuery>> liftedCache) {}

  private Gateway(Engine engine, KeyRing keys, AuditLog audit, GatewayOptions options,
      java.time.Duration defaultTimeout) {
    this.engine = engine;
    this.keys = keys;
    this.audit = audit;
    this.options = options;
    this.defaultTimeout = defaultTimeout;
    this.planner = new QueryPlanner(new PolicyPlanRewriter(), engine.functions(),
        engine.catalog()::textOrder);
    EngineConfig config = engine.catalog().config();
    GatewayOptions.Resources resources = options.resources();
    this.gate = new ConnectionGate(new ConnectionGate.Settings(config.poolSize(),
        resources.connectionsPerAgent(config.poolSize()), resources.connectionsPerRole(),
        resources.queueSize(), resources.queueTimeout()));
    this.reachability = new PostgresReachability(engine.catalog()::probe, resources.probeInterval());
    this.buffers = new ResultBuffers(resources.resultBufferBytes() == 0 ? 0 : config.fetchSize(),
        resources.resultBufferBytes());
    this.executor = new QueryExecutor(engine.catalog().dataSource(), config.fetchSize(), gate,
        reachability, buffers);
    this.resultTypes = new ResultTypes(engine.catalog().dataSource());
    this.privileges = inspectPrivileges(engine.catalog());
    this.approvals = new Approvals(this,
        new dev.pangate.engine.approval.ApprovalStore(engine.catalog().dataSource()),
        options.clock(), options.approvalLifetime());
  }

  /**
   * Counts PostgreSQL connections agents hold past their statements (streaming results, open
   * transactions) across the gateways sharing limits too; null: this gateway's only.
   */
  public void sharePinnedConnections(dev.pangate.engine.exec.PinnedConnections shared) {
    executor.sharePinnedConnections(shared);
  }

  /** Just-in-time approval of writes: for the endpoints' approval routes and commands. */
  public Approvals approvals() {
    return approvals;
  }

  /**
   * Starts the gateway: connects to PostgreSQL, loads and compiles the policy, reports the
   * gateway login's privileges, and records the policy load in the audit log.
   *
   * @throws EngineException when PostgreSQL, the policy or the audit log is not usable; the
   *     message says what to fix
   */
  public static Gateway start(EngineConfig config, Path policyFile, KeyRing keys, AuditLog audit,
      GatewayOptions options) {
    requireNonNull(policyFile, "policyFile is null");
    requireNonNull(keys, "keys is null");
    requireNonNull(audit, "audit is null");
    requireNonNull(options, "options is null");
    requireNonNull(config, "config is null");
    // The gateway stops statements at their timeout itself; PostgreSQL's own statement_timeout is
    // a backstop a second beyond the longest one (none when some role has none).
    Engine engine = Engine.start(config.withStatementTimeout(backstop(config.statementTimeout(),
        options.resources().statementTimeoutPerRole().values())));
    try {
      Gateway gateway = new Gateway(engine, keys, audit, options, config.statementTimeout());
      PolicyState compiled = gateway.compile(loadPolicy(policyFile));
      gateway.checkPrivileges(compiled.policy());
      gateway.state.set(compiled);
      gateway.auditPolicy(AuditEventType.POLICY_LOAD, compiled.policy(),
          keyIds(compiled.masks()));
      return gateway;
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  private static java.time.Duration backstop(java.time.Duration standard,
      java.util.Collection<java.time.Duration> perRole) {
    java.time.Duration longest = standard;
    for (java.time.Duration timeout : perRole) {
      if (timeout.isZero() || longest.isZero()) {
        return java.time.Duration.ZERO;
      }
      longest = timeout.compareTo(longest) > 0 ? timeout : longest;
    }
    return longest.isZero() ? longest : longest.plusSeconds(1);
  }

  /**
   * What running a statement of this agent (under this role) may use: its share of the PostgreSQL
   * pool, its role's statement timeout (or the caller's, when shorter), and the caller's token.
   */
  StatementContext context(String agent, String role, CancelToken token) {
    java.time.Duration timeout = options.resources().statementTimeoutPerRole()
        .getOrDefault(role, defaultTimeout);
    java.time.Duration asked = token.timeout();
    if (!asked.isZero() && (timeout.isZero() || asked.compareTo(timeout) < 0)) {
      timeout = asked;
    }
    return new StatementContext(gate.share(agent, role), timeout, token);
  }

  /** The statement timeout of a role's agents (zero: none). */
  public java.time.Duration statementTimeout(String role) {
    return options.resources().statementTimeoutPerRole().getOrDefault(role, defaultTimeout);
  }

  /** How the PostgreSQL pool is shared now, for metrics and health. */
  public ConnectionGate connectionGate() {
    return gate;
  }

  /** Whether PostgreSQL can be reached, as last found out. */
  public PostgresReachability reachability() {
    return reachability;
  }

  /** Memory held by results read ahead. */
  public ResultBuffers resultBuffers() {
    return buffers;
  }

  private static Policy loadPolicy(Path file) {
    try {
      return PolicyLoader.load(file);
    } catch (PolicyException e) {
      throw new EngineException(ErrorCode.POLICY_INVALID, e.getMessage(), e);
    }
  }

  private PolicyState compile(Policy policy) {
    MaskFactory masks = new MaskFactory(policy, keys);
    PolicyViews views = PolicyViews.build(policy, masks, engine.catalog(), planner, engine.view());
    PlanCache<PreparedQuery> exact = new PlanCache<>(options.planCacheSize(),
        options.planCacheBytes(), planStats);
    PlanCache<java.util.Optional<PreparedQuery>> lifted = new PlanCache<>(options.planCacheSize(),
        options.planCacheBytes(), planStats);
    PlanCache.shareBounds(exact, lifted); // plan_cache.entries and max_bytes bound both together
    return new PolicyState(generations.incrementAndGet(), policy, masks, views, exact, lifted);
  }

  private static PrivilegeReport inspectPrivileges(PostgresCatalog catalog) {
    try (Connection connection = catalog.dataSource().getConnection()) {
      PrivilegeReport report = PrivilegeReport.inspect(connection, catalog.config().schemas());
      connection.rollback();
      return report;
    } catch (SQLException e) {
      throw new EngineException(ErrorCode.POSTGRES_ERROR,
          "Could not read the gateway login's privileges: " + e.getMessage(), e);
    }
  }

  /** Reports the login's privileges; refuses to start on findings when so configured. */
  private void checkPrivileges(Policy policy) {
    Set<QualifiedTable> writable = PrivilegeReport.writableBy(policy);
    String report = privileges.render(writable);
    boolean findings = !privileges.findings(writable).isEmpty();
    if (findings && options.refuseExcessPrivileges()) {
      throw new EngineException(ErrorCode.EXCESS_PRIVILEGES, "The gateway's PostgreSQL login has more"
          + " privileges than the policy needs, and the configuration refuses to start that way:\n"
          + report);
    }
    if (findings) {
      LOG.warn("{}", report);
    } else {
      LOG.info("{}", report);
    }
  }

  /** The privilege report of the gateway's PostgreSQL login, as found at start-up. */
  public PrivilegeReport privileges() {
    return privileges;
  }

  /**
   * Opens a session for an authenticated caller; the caller must be an agent of the policy.
   *
   * @throws EngineException {@code UNKNOWN_AGENT} when the policy does not name the agent
   */
  public Session open(Caller caller) {
    requireNonNull(caller, "caller is null");
    PolicyState current = state.get();
    PolicyViews.AgentView view = current.views().agent(caller.agentId()).orElseThrow(() ->
        new EngineException(ErrorCode.UNKNOWN_AGENT, "Agent '" + caller.agentId()
            + "' is not named in the policy in force."));
    audit(AuditEvent.builder(AuditEventType.SESSION_OPEN)
        .agent(caller.agentId()).role(view.role().name()).clientAddress(caller.clientAddress())
        .session(caller.session()).driver(caller.driver()).actingFor(caller.actingFor())
        .policyDigest(current.policy().digest()).outcome(Outcome.success()).build());
    return new Session(this, caller, true);
  }

  /**
   * A session for one statement (one HTTP request): its statement's entries carry the caller's
   * identity, role, address and request id, so no session entries are written around it.
   *
   * @throws EngineException {@code UNKNOWN_AGENT} when the policy does not name the agent
   */
  public Session oneShot(Caller caller) {
    requireNonNull(caller, "caller is null");
    if (state.get().views().agent(caller.agentId()).isEmpty()) {
      throw new EngineException(ErrorCode.UNKNOWN_AGENT, "Agent '" + caller.agentId()
          + "' is not named in the policy in force.");
    }
    return new Session(this, caller, false);
  }

  /**
   * Replaces the policy: reads the mirrored schemas again (so a schema change takes effect),
   * loads, validates and compiles the new file against them, then swaps it in atomically with
   * empty plan caches. A bad policy is rejected (and audited) and the old one stays.
   *
   * @return the new policy's digest
   * @throws EngineException naming what is wrong with the new policy
   */
  public synchronized String reloadPolicy(Path policyFile, String requestedBy) {
    Policy old = state.get().policy();
    PolicyState compiled;
    boolean schemaChanged;
    try {
      schemaChanged = engine.refreshSchema();
      compiled = compile(loadPolicy(policyFile));
    } catch (RuntimeException e) {
      auditPolicyFailure(old, requestedBy, e);
      throw e;
    }
    state.set(compiled);
    Map<String, String> details = new java.util.TreeMap<>(keyIds(compiled.masks()));
    details.put("previous_digest", old.digest());
    details.put("requested_by", requestedBy);
    details.put("schema", schemaChanged ? "changed, read again" : "unchanged");
    auditPolicy(AuditEventType.POLICY_RELOAD, compiled.policy(), details);
    LOG.info("policy reloaded from {} (sha256:{}); schema {}", policyFile,
        compiled.policy().digest(), schemaChanged ? "changed, read again" : "unchanged");
    return compiled.policy().digest();
  }

  /** The key id behind each token family, so the log shows which key made which tokens. */
  private static Map<String, String> keyIds(MaskFactory masks) {
    Map<String, String> ids = new java.util.TreeMap<>();
    masks.tokenFamilyKeyIds().forEach((family, id) -> ids.put("token_family." + family + ".key_id", id));
    return ids;
  }

  private void auditPolicy(AuditEventType type, Policy policy, Map<String, String> details) {
    audit(AuditEvent.builder(type).policyDigest(policy.digest())
        .details(details == null ? Map.of("source", policy.source())
            : merge(details, Map.of("source", policy.source())))
        .outcome(Outcome.success()).build());
  }

  private void auditPolicyFailure(Policy old, String requestedBy, RuntimeException e) {
    String code = e instanceof EngineException engineException ? engineException.code() : ErrorCode.POLICY_INVALID.name();
    try {
      audit(AuditEvent.builder(AuditEventType.POLICY_RELOAD).policyDigest(old.digest())
          .details(Map.of("requested_by", requestedBy))
          .outcome(Outcome.failure(code, e.getMessage())).build());
    } catch (EngineException auditFailure) {
      e.addSuppressed(auditFailure);
    }
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> merged = new java.util.TreeMap<>(a);
    merged.putAll(b);
    return merged;
  }

  /**
   * Writes the owed completion entries (see {@link #owed}) off the caller's thread, in order; when
   * its queue is full, or the gateway is stopping, the caller writes them itself.
   */
  private final java.util.concurrent.ThreadPoolExecutor auditTail =
      new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
          new java.util.concurrent.ArrayBlockingQueue<>(10_000), runnable -> {
            Thread thread = new Thread(runnable, "pangate-audit-tail");
            thread.setDaemon(true);
            return thread;
          }, (entry, pool) -> entry.run()); // full, or shut down: the caller writes it (never dropped)

  /** Waits until every completion entry queued so far is written (tests, orderly shutdown). */
  public void flushAudit() {
    try {
      auditTail.submit(() -> { }).get(30, java.util.concurrent.TimeUnit.SECONDS);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (laterInFlight.get() > 0) {
        if (System.nanoTime() > deadline) {
          throw new java.util.concurrent.TimeoutException();
        }
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new EngineException(ErrorCode.AUDIT_UNAVAILABLE, "queued completion entries were not written"
          + " within 30 s");
    }
  }

  /**
   * Appends a read's completion entry without making the caller wait: it is not needed before rows
   * are returned, and waiting for a second durable, sealed append would double a point query's
   * audit cost. Handed to the log on the caller's thread (queuing it there does not wait), not
   * through another thread, which cost every statement a thread hand-off.
   */
  void auditLater(AuditEvent event) {
    writeOrOwe(event, java.time.Instant.now());
  }

  /**
   * Completion entries that could not be written when their statements ended (the sink failed
   * after the rows went out): kept in order and written as soon as the sink takes entries again,
   * each saying when its statement really ended. Beyond {@link #MAX_OWED} they are counted, and an
   * {@code AUDIT_GAP} entry records how many are missing, so an assessor sees the gap.
   */
  private final java.util.ArrayDeque<Owed> owed = new java.util.ArrayDeque<>();
  private long owedDropped; // guarded by owed
  private java.time.Instant droppedFrom; // guarded by owed
  private java.time.Instant droppedTo; // guarded by owed
  private final java.util.concurrent.ScheduledExecutorService owedRetry =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pangate-audit-retry");
        thread.setDaemon(true);
        return thread;
      });

  /** Completion entries owed at most; beyond them, only their number is kept. */
  static final int MAX_OWED = 100_000;

  private record Owed(AuditEvent event, java.time.Instant endedAt) {}

  private final java.util.concurrent.atomic.AtomicBoolean retrying =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Tries the owed entries every half second, from the first one owed on. */
  private void retryOwed() {
    if (!retrying.compareAndSet(false, true)) {
      return;
    }
    try {
      owedRetry.scheduleWithFixedDelay(() -> {
        if (owedCount() > 0) {
          try {
            auditTail.execute(this::payOwed);
          } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // close() writes what it can
          }
        }
      }, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // stopping: close() writes what it can
    }
  }

  /**
   * Hands a completion entry to the audit log without waiting for it (a lazy entry: it shares the
   * seal and fsync of the next statement's entry); one the log cannot take is owed.
   */
  private void writeOrOwe(AuditEvent event, java.time.Instant endedAt) {
    synchronized (owed) {
      if (!owed.isEmpty() || owedDropped > 0) {
        owe(event, endedAt); // behind those still owed, to keep the order
        return;
      }
    }
    laterInFlight.incrementAndGet();
    audit.appendAsync(event, true).whenComplete((receipt, failure) -> {
      if (failure != null) {
        LOG.error("a STATEMENT_END entry could not be written ({}); it is kept and written when the"
            + " audit sink takes entries again", ErrorCode.AUDIT_UNAVAILABLE);
        synchronized (owed) {
          owe(event, endedAt);
        }
      }
      laterInFlight.decrementAndGet(); // owed (above) before it stops counting as in flight
    });
  }

  /** Completion entries handed to the log and not yet durable (nor owed). */
  private final java.util.concurrent.atomic.AtomicLong laterInFlight =
      new java.util.concurrent.atomic.AtomicLong();

  private void owe(AuditEvent event, java.time.Instant endedAt) { // under owed's lock
    retryOwed();
    if (owed.size() < MAX_OWED) {
      owed.addLast(new Owed(event, endedAt));
      return;
    }
    owedDropped++;
    droppedFrom = droppedFrom == null ? endedAt : droppedFrom;
    droppedTo = endedAt;
  }

  /** Writes owed entries, oldest first, until one fails (the sink is still down) or none is left. */
  private void payOwed() {
    while (true) {
      Owed next;
      synchronized (owed) {
        next = owed.peekFirst();
        if (next == null) {
          break;
        }
      }
      try {
        audit(late(next));
      } catch (EngineException stillDown) {
        return;
      }
      synchronized (owed) {
        owed.pollFirst();
      }
    }
    long dropped;
    java.time.Instant from;
    java.time.Instant to;
    synchronized (owed) {
      dropped = owedDropped;
      from = droppedFrom;
      to = droppedTo;
    }
    if (dropped == 0) {
      return;
    }
    try {
      audit(AuditEvent.builder(AuditEventType.AUDIT_GAP)
          .policyDigest(state.get().policy().digest())
          .outcome(Outcome.failure(ErrorCode.AUDIT_UNAVAILABLE.name(), dropped + " STATEMENT_END"
              + " entries of statements that ended between " + from + " and " + to + " could not"
              + " be written: the audit sink failed for longer than the gateway could keep them ("
              + MAX_OWED + " entries)"))
          .details(Map.of("missing_type", "STATEMENT_END", "missing_count", String.valueOf(dropped),
              "first_ended_at", String.valueOf(from), "last_ended_at", String.valueOf(to)))
          .build());
      synchronized (owed) {
        owedDropped -= dropped;
        if (owedDropped == 0) {
          droppedFrom = null;
          droppedTo = null;
        }
      }
    } catch (EngineException stillDown) {
      // next round
    }
  }

  /** An owed entry as written late: it says when its statement ended and why it comes late. */
  private static AuditEvent late(Owed owedEntry) {
    AuditEvent event = owedEntry.event();
    Map<String, String> details = new java.util.TreeMap<>(event.details());
    details.put("ended_at", owedEntry.endedAt().toString());
    details.put("written_late", "the audit sink failed when the statement ended; written once it"
        + " took entries again");
    return event.withDetails(details);
  }

  /** Completion entries waiting for the audit sink to take entries again (and those dropped). */
  public long owedCount() {
    synchronized (owed) {
      return owed.size() + owedDropped;
    }
  }

  /** Appends to the audit log; a log that cannot take the entry refuses the operation. */
  void audit(AuditEvent event) {
    try {
      audit.append(event);
    } catch (AuditUnavailableException e) {
      throw refused(e);
    }
  }

  /**
   * Starts an append without waiting, so that the caller can do other work (e.g. start the
   * statement in PostgreSQL) while the entry becomes durable; {@link #awaitAudit} before anything
   * leaves the gateway.
   */
  java.util.concurrent.CompletableFuture<dev.pangate.audit.AuditReceipt> auditSoon(AuditEvent event) {
    return audit.appendAsync(event, false);
  }

  /** Waits until an entry started with {@link #auditSoon} is durable; refuses the operation when it cannot be. */
  void awaitAudit(java.util.concurrent.CompletableFuture<dev.pangate.audit.AuditReceipt> entry) {
    try {
      entry.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw refused(e.getCause() instanceof AuditUnavailableException unavailable ? unavailable
          : new AuditUnavailableException("the audit writer failed", e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refused(new AuditUnavailableException(
          "interrupted while waiting for the audit entry to become durable: the statement is refused"));
    }
  }

  private static EngineException refused(AuditUnavailableException e) {
    return new EngineException(ErrorCode.AUDIT_UNAVAILABLE, "The audit log cannot record this statement,"
        + " so pangate refuses it (fail closed): " + e.getMessage()
        + ". Operators: check /healthz and the audit sink.", e);
  }

  /**
   * Whether each part the gateway needs answers now. PostgreSQL is asked over a connection of its
   * own (never one from the pool, which may be busy), at most every few seconds; a busy pool is
   * reported as saturated, not as PostgreSQL being down.
   */
  public GatewayHealth health() {
    PostgresReachability.State postgres = reachability.confirm();
    AuditHealth auditHealth = audit.health();
    PolicyState current = state.get();
    return new GatewayHealth(postgres.up() ? null : "PostgreSQL: " + postgres.reason(),
        auditHealth, current.policy().digest(), current.policy().source(),
        current.masks().tokenFamilyKeyIds(), gate.saturated(), gate.waiting());
  }

  PolicyState state() {
    return state.get();
  }

  QueryPlanner planner() {
    return planner;
  }

  QueryExecutor executor() {
    return executor;
  }

  /** Plans a statement for a view, its result types reconciled with PostgreSQL's. */
  PlannedStatement plan(String sql, CatalogView view) {
    return resultTypes.reconcile(planner.plan(sql, view));
  }

  GatewayOptions options() {
    return options;
  }

  /** The pool's current use, for metrics. */
  public PoolUse poolUse() {
    var pool = (com.zaxxer.hikari.HikariDataSource) engine.catalog().dataSource();
    var bean = pool.getHikariPoolMXBean();
    return bean == null ? new PoolUse(0, 0, 0, pool.getMaximumPoolSize())
        : new PoolUse(bean.getActiveConnections(), bean.getIdleConnections(),
            bean.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
  }

  /**
   * PostgreSQL connection pool use.
   *
   * @param active connections in use
   * @param idle connections idle in the pool
   * @param waiting threads waiting for a connection
   * @param maximum the pool's size
   */
  public record PoolUse(int active, int idle, int waiting, int maximum) {}

  /** Plan cache use since start: hits, misses, evictions, and what the current caches hold. */
  public PlanCacheUse planCacheUse() {
    PolicyState current = state.get();
    return new PlanCacheUse(planStats.hits(), planStats.misses(), planStats.evictions(),
        current.cache().size() + current.liftedCache().size(),
        current.cache().bytes() + current.liftedCache().bytes());
  }

  /**
   * Plan cache counters.
   *
   * @param hits statements served a cached plan
   * @param misses statements planned
   * @param evictions plans dropped to stay within the count or the memory bound
   * @param entries plans held now
   * @param bytes their estimated size
   */
  public record PlanCacheUse(long hits, long misses, long evictions, int entries, long bytes) {}

  /** The policy in force. */
  public Policy policy() {
    return state.get().policy();
  }

  /** The raw engine, for tools run by operators (never reachable by agents). */
  public Engine engine() {
    return engine;
  }

  @Override
  public void close() {
    executor.close();
    reachability.close();
    owedRetry.shutdownNow();
    try {
      auditTail.execute(this::payOwed); // a last try for entries still owed
    } catch (java.util.concurrent.RejectedExecutionException alreadyStopped) {
      // closed twice
    }
    auditTail.shutdown();
    try {
      if (!auditTail.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.error("completion entries still queued after 30 s at shutdown");
      }
      if (owedCount() > 0) {
        LOG.error("{} completion entries could not be written before the gateway stopped: the"
            + " audit sink does not take entries", owedCount());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.close();
  }

  List<String> mirroredSchemas() {
    return engine.catalog().config().schemas();
  }
}
