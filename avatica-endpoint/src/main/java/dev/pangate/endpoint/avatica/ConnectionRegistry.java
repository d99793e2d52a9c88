package dev.pangate.endpoint.avatica;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.config.Durations;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.EndpointAudit;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.endpoint.session.OpenResult;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.gateway.Gateway;
import dev.pangate.engine.gateway.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open Avatica connections. Each is bound to the identity that opened it: a request from any
 * other identity that names its id is refused and audited. Connection properties sent by the
 * client configure nothing; those that would configure a Calcite server ({@code model},
 * {@code schemaFactory}, {@code jdbcUrl}, ...) or claim another identity or role are refused.
 * Connections idle for longer than the idle timeout are closed, and results not read for longer
 * than the result idle timeout are closed, releasing their PostgreSQL connections. A result
 * dropped before the client read it whole (expiry, its connection closed, the gateway stopping)
 * is audited as a failure with a code that says why.
 */
final class ConnectionRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionRegistry.class);

  /** Client-chosen connection ids (UUIDs from the driver) must look like ids. */
  private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /**
   * Properties a client might send to take over a Calcite server (Calcite's threat model) or to
   * choose a role; sending one is refused outright, so an attempt is visible and audited.
   */
  static final Set<String> REFUSED_PROPERTIES = Set.of("model", "schemafactory", "schema",
      "schematype", "jdbcurl", "jdbcuser", "jdbcpassword", "jdbcdriver", "jdbcschema",
      "jdbccatalog", "role", "parserfactory", "typesystem", "fun", "lex", "conformance", "url");

  private final Gateway gateway;
  private final GatewayConfig.Limits limits;
  private final EndpointAudit audit;
  private final String defaultSchema;
  private final Map<String, AgentConnection> connections = new ConcurrentHashMap<>();
  private final Map<String, Integer> perIdentity = new HashMap<>();
  /** Ids being opened (a place reserved, the shared place not yet taken); under perIdentity's lock. */
  private final Set<String> opening = new java.util.HashSet<>();
  private volatile dev.pangate.engine.cluster.SharedLimits shared;
  private final ScheduledExecutorService reaper;
  private final java.util.concurrent.atomic.AtomicBoolean bufferScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** How long an unused connection must have sat before an identity at its limit reclaims it. */
  static final Duration RECLAIM_AFTER = Duration.ofSeconds(10);

  ConnectionRegistry(Gateway gateway, GatewayConfig.Limits limits, EndpointAudit audit,
      String defaultSchema) {
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.audit = requireNonNull(audit, "audit is null");
    this.defaultSchema = defaultSchema;
    this.reaper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pangate-idle-reaper");
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(50, Math.min(5_000, shortest(limits.idleTimeout(),
        limits.unusedConnectionTimeout(), limits.resultIdleTimeout(),
        limits.streamingResultIdleTimeout()).toMillis() / 4));
    reaper.scheduleWithFixedDelay(this::reapSafely, period, period, TimeUnit.MILLISECONDS);
    gateway.connectionGate().whenWaiting(this::bufferSoon);
  }

  /**
   * A statement is about to wait for a PostgreSQL connection: soon, on the reaper's thread, the
   * results nobody is fetching that hold one are read into memory, so that they give it back. Left
   * holding their connections, they could keep the waiting statements waiting until they expire:
   * a client whose HTTP connections (the stock driver shares 25 per server in a JVM) are all taken
   * by statements waiting at the gate cannot send the fetch that would finish its result.
   */
  private void bufferSoon() {
    if (bufferScheduled.compareAndSet(false, true)) {
      try {
        reaper.execute(this::bufferIdleResultsSafely);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        bufferScheduled.set(false); // the registry is closing
      }
    }
  }

  /**
   * Reads each streaming result whose connection is not serving a request now into memory, at
   * most a sixteenth of {@code limits.result_buffer_bytes} each (a result larger than that keeps
   * its connection, and still expires after {@code streaming_result_idle_timeout} unread).
   */
  void bufferIdleResults() {
    bufferScheduled.set(false); // statements that start waiting from now on ask for another pass
    long maxBytes = limits.postgres().resultBufferBytes() / 16;
    if (maxBytes <= 0) {
      return;
    }
    for (AgentConnection connection : new ArrayList<>(connections.values())) {
      if (!connection.lock.tryLock()) {
        continue; // serving a request: its result is being read now
      }
      try {
        for (StatementState statement : List.copyOf(connection.statements.values())) {
          statement.bufferRest(maxBytes);
        }
      } finally {
        connection.lock.unlock();
      }
    }
  }

  private void bufferIdleResultsSafely() {
    try {
      bufferIdleResults();
    } catch (RuntimeException e) {
      LOG.error("reading idle results into memory failed: {}", e.getClass().getSimpleName());
    }
  }

  /** How long a connection with no result and no transaction may sit: never longer than idle_timeout. */
  private Duration unusedTimeout() {
    Duration unused = limits.unusedConnectionTimeout();
    Duration idle = limits.idleTimeout();
    if (unused.isZero()) {
      return idle;
    }
    return idle.isZero() || unused.compareTo(idle) < 0 ? unused : idle;
  }

  private static Duration shortest(Duration... timeouts) {
    Duration shortest = Duration.ofMinutes(1);
    for (Duration timeout : timeouts) {
      if (!timeout.isZero() && timeout.compareTo(shortest) < 0) {
        shortest = timeout;
      }
    }
    return shortest;
  }

  /**
   * Opens a connection for the request's identity.
   *
   * @throws GatewayRequestException for a malformed id, an id in use by another identity, a
   *     refused property or the per-agent limit
   */
  AgentConnection open(String id, ClientRequest request, Map<String, String> info) {
    checkId(id, request);
    Map<String, String> properties = info == null ? Map.of() : info;
    checkProperties(id, request, properties);
    Duration timeout = statementTimeout(id, request, properties);
    dev.pangate.engine.cluster.SharedLimits sharedLimits = shared;
    synchronized (perIdentity) {
      AgentConnection existing = connections.get(id);
      if (existing != null) {
        if (!existing.owner().equals(request.identity())) {
          throw foreign(id, request, "open");
        }
        return existing; // the same client opening again (e.g. a retried request)
      }
      if (opening.contains(id)) {
        throw new GatewayRequestException(ErrorCode.BAD_CONNECTION_ID, "A connection with this id"
            + " is being opened right now; open each connection once, with an id of its own.");
      }
      int open = perIdentity.getOrDefault(request.identity(), 0);
      if (open >= limits.connectionsPerAgent() && reclaimUnused(request.identity())) {
        open = perIdentity.getOrDefault(request.identity(), 0);
      }
      if (open >= limits.connectionsPerAgent()) {
        throw audit.refuse(request, id, new GatewayRequestException(ErrorCode.CONNECTION_LIMIT,
            "Identity '" + request.identity() + "' already has " + open + " open connections, the"
                + " most allowed (limits.connections_per_agent). " + nextFree(request.identity())
                + " Close connections you no longer use."), Map.of());
      }
      if (sharedLimits == null) {
        Session session = gateway.open(request.caller(id, request.protocol()));
        AgentConnection connection = new AgentConnection(id, request, session, defaultSchema,
            timeout);
        connections.put(id, connection);
        perIdentity.merge(request.identity(), 1, Integer::sum);
        return connection;
      }
      // A place here is reserved; the place across the gateways is taken outside the lock.
      perIdentity.merge(request.identity(), 1, Integer::sum);
      opening.add(id);
    }
    boolean placed = false;
    try {
      dev.pangate.engine.cluster.SharedLimits.Hold hold = sharedLimits.hold(
          dev.pangate.engine.cluster.SharedLimits.AVATICA_CONNECTION, request.identity(), id,
          limits.connectionsPerAgent());
      if (!hold.taken()) {
        throw audit.refuse(request, id, new GatewayRequestException(ErrorCode.CONNECTION_LIMIT,
            "Identity '" + request.identity() + "' already has " + hold.heldAcrossNodes()
                + " open connections across the gateways sharing limits, the most allowed"
                + " (limits.connections_per_agent; " + (perIdentity(request.identity()) - 1)
                + " of them on this gateway). Close connections you no longer use; those of a"
                + " client that went away close after " + Durations.format(unusedTimeout())
                + " unused (limits.unused_connection_timeout)."), Map.of());
      }
      Session session = gateway.open(request.caller(id, request.protocol()));
      AgentConnection connection = new AgentConnection(id, request, session, defaultSchema,
          timeout);
      synchronized (perIdentity) {
        connections.put(id, connection);
        opening.remove(id);
      }
      placed = true;
      return connection;
    } finally {
      if (!placed) {
        synchronized (perIdentity) {
          opening.remove(id);
          perIdentity.computeIfPresent(request.identity(), (k, n) -> n <= 1 ? null : n - 1);
        }
        sharedLimits.release(dev.pangate.engine.cluster.SharedLimits.AVATICA_CONNECTION, id);
      }
    }
  }

  private int perIdentity(String identity) {
    synchronized (perIdentity) {
      return perIdentity.getOrDefault(identity, 0);
    }
  }

  /**
   * Counts connections per identity together with the other gateways sharing these limits (null:
   * this gateway's own only).
   */
  void share(dev.pangate.engine.cluster.SharedLimits limits) {
    this.shared = limits;
  }

  /**
   * The timeout a client asks for with the connection property {@code statement_timeout} (the
   * stock driver sends none of JDBC's own setQueryTimeout to the server); zero when not given.
   */
  private Duration statementTimeout(String id, ClientRequest request, Map<String, String> info) {
    for (Map.Entry<String, String> property : info.entrySet()) {
      if (property.getKey() != null
          && property.getKey().toLowerCase(Locale.ROOT).replace("-", "_").equals("statement_timeout")) {
        try {
          Duration timeout = Durations.parse(String.valueOf(property.getValue()).trim());
          if (!timeout.isNegative()) {
            return timeout;
          }
        } catch (IllegalArgumentException e) {
          // refused below
        }
        throw audit.refuse(request, id, new GatewayRequestException(ErrorCode.CONNECTION_PROPERTY_REFUSED,
            "Connection property 'statement_timeout' must be a duration such as 500ms, 30s or 5m"
                + " (it can only shorten your role's statement timeout)."),
            Map.of("property", "statement_timeout"));
      }
    }
    return Duration.ZERO;
  }

  /**
   * At its limit, an identity's connections that hold no result and no transaction and were not
   * used for {@link #RECLAIM_AFTER} are taken back (oldest first) to make room: they belong, most
   * likely, to a client that went away without closing them. Under the registry's lock.
   *
   * @return whether one was closed
   */
  private boolean reclaimUnused(String identity) {
    long now = System.nanoTime();
    AgentConnection oldest = null;
    for (AgentConnection connection : connections.values()) {
      if (!connection.owner().equals(identity)
          || now - connection.lastUsedNanos() < RECLAIM_AFTER.toNanos()
          || !connection.lock.tryLock()) {
        continue;
      }
      try {
        if (!connection.inUse() && (oldest == null
            || connection.lastUsedNanos() < oldest.lastUsedNanos())) {
          oldest = connection;
        }
      } finally {
        connection.lock.unlock();
      }
    }
    if (oldest == null) {
      return false;
    }
    LOG.info("closing an unused connection of {} (idle {} s) to make room for a new one", identity,
        TimeUnit.NANOSECONDS.toSeconds(now - oldest.lastUsedNanos()));
    discard(oldest, "CONNECTION_EXPIRED", "the connection was unused while its identity needed a"
        + " new one");
    return true;
  }

  /** When the identity's next connection frees by itself, for the CONNECTION_LIMIT message. */
  private String nextFree(String identity) {
    long now = System.nanoTime();
    long soonest = Long.MAX_VALUE;
    for (AgentConnection connection : connections.values()) {
      if (!connection.owner().equals(identity)) {
        continue;
      }
      boolean unused = connection.lock.tryLock();
      try {
        Duration timeout = unused && !connection.inUse() ? unusedTimeout() : limits.idleTimeout();
        if (!timeout.isZero()) {
          soonest = Math.min(soonest, connection.lastUsedNanos() + timeout.toNanos() - now);
        }
      } finally {
        if (unused) {
          connection.lock.unlock();
        }
      }
    }
    if (soonest == Long.MAX_VALUE) {
      return "None of them closes by itself.";
    }
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(Math.max(0, soonest)) + 1);
    return "The next one closes by itself in about " + seconds + " s (at "
        + java.time.Instant.now().plusSeconds(seconds).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + ") unless it is used: connections with no open result or transaction close after "
        + Durations.format(unusedTimeout()) + " unused (limits.unused_connection_timeout),"
        + " others after " + Durations.format(limits.idleTimeout()) + " (limits.idle_timeout).";
  }

  /**
   * Runs work on the caller's own connection, under its lock.
   *
   * @throws GatewayRequestException {@code NO_SUCH_CONNECTION} or {@code CONNECTION_NOT_OWNED}
   */
  <T> T use(String id, ClientRequest request, Function<AgentConnection, T> work) {
    AgentConnection connection = connections.get(id);
    if (connection == null) {
      throw new GatewayRequestException(ErrorCode.NO_SUCH_CONNECTION, "No open connection has this id"
          + " (it was closed, or expired after " + Durations.format(limits.idleTimeout())
          + " idle); open a new connection.");
    }
    if (!connection.owner().equals(request.identity())) {
      throw foreign(id, request, "use");
    }
    connection.lock.lock();
    try {
      if (connection.isClosed()) {
        throw new GatewayRequestException(ErrorCode.NO_SUCH_CONNECTION, "The connection was closed;"
            + " open a new connection.");
      }
      connection.touch();
      try {
        return work.apply(connection);
      } finally {
        connection.touch();
      }
    } finally {
      connection.lock.unlock();
    }
  }

  /**
   * Closes the caller's own connection; closing an unknown id does nothing. A result the client
   * left unfinished is audited as failed ({@code CONNECTION_CLOSED}).
   */
  void close(String id, ClientRequest request) {
    AgentConnection connection = connections.get(id);
    if (connection == null) {
      return;
    }
    if (!connection.owner().equals(request.identity())) {
      throw foreign(id, request, "close");
    }
    discard(connection, "CONNECTION_CLOSED",
        "the client closed its connection before reading the whole result");
  }

  private void discard(AgentConnection connection, String code, String reason) {
    boolean removed;
    synchronized (perIdentity) {
      removed = connections.remove(connection.id, connection);
      if (removed) {
        perIdentity.computeIfPresent(connection.owner(), (k, n) -> n <= 1 ? null : n - 1);
      }
    }
    dev.pangate.engine.cluster.SharedLimits sharedLimits = shared;
    if (removed && sharedLimits != null) {
      sharedLimits.release(dev.pangate.engine.cluster.SharedLimits.AVATICA_CONNECTION,
          connection.id);
    }
    connection.lock.lock();
    try {
      connection.close(code, reason);
    } finally {
      connection.lock.unlock();
    }
  }

  private GatewayRequestException foreign(String id, ClientRequest request, String action) {
    LOG.warn("identity {} from {} tried to {} a connection opened by another identity",
        request.identity(), request.clientAddress(), action);
    return audit.refuse(request, id, new GatewayRequestException(ErrorCode.CONNECTION_NOT_OWNED,
        "This connection id belongs to another identity; a connection can only be used by the"
            + " identity that opened it. Open your own connection."), Map.of("action", action));
  }

  private void checkId(String id, ClientRequest request) {
    if (id == null || !CONNECTION_ID.matcher(id).matches()) {
      throw audit.refuse(request, null, new GatewayRequestException(ErrorCode.BAD_CONNECTION_ID,
          "A connection id must be 1 to 128 letters, digits, '.', '_', ':' or '-' (the Avatica"
              + " driver sends a UUID)."), Map.of());
    }
  }

  private void checkProperties(String id, ClientRequest request, Map<String, String> info) {
    for (Map.Entry<String, String> property : info.entrySet()) {
      String key = property.getKey() == null ? "" : property.getKey();
      String normalized = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
      if (REFUSED_PROPERTIES.contains(normalized)) {
        throw audit.refuse(request, id, new GatewayRequestException(ErrorCode.CONNECTION_PROPERTY_REFUSED,
            "Connection property '" + safeKey(key) + "' is refused: pangate builds every connection"
                + " from its own configuration, and your role comes from your authenticated identity."
                + " Remove the property from the JDBC URL or connection properties."),
            Map.of("property", safeKey(key)));
      }
      if (normalized.equals("user") && property.getValue() != null && !property.getValue().isEmpty()
          && !property.getValue().equals(request.identity())) {
        throw audit.refuse(request, id, new GatewayRequestException(ErrorCode.USER_MISMATCH,
            "Connection property 'user' names another identity than the one you authenticated as"
                + " ('" + request.identity() + "'). Leave 'user' out, or set it to your own identity;"
                + " the identity is always the authenticated one."), Map.of());
      }
    }
  }

  private static String safeKey(String key) {
    String printable = key.replaceAll("[^A-Za-z0-9._-]", "?");
    return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
  }

  /**
   * Closes idle connections (sooner when they hold no result and no transaction) and idle results
   * (sooner when they still hold a PostgreSQL connection).
   */
  void reap() {
    if (gateway.connectionGate().saturated()) {
      bufferIdleResults(); // statements wait: results that sat since the last pass give theirs back
    }
    long now = System.nanoTime();
    long idle = limits.idleTimeout().toNanos();
    long unusedIdle = unusedTimeout().toNanos();
    long resultIdle = limits.resultIdleTimeout().toNanos();
    long streamingIdle = limits.streamingResultIdleTimeout().toNanos();
    for (AgentConnection connection : new ArrayList<>(connections.values())) {
      if (!connection.lock.tryLock()) {
        continue; // in use now, so not idle
      }
      boolean expired;
      Duration after = limits.idleTimeout();
      try {
        long quiet = now - connection.lastUsedNanos();
        boolean inUse = connection.inUse();
        expired = inUse ? idle > 0 && quiet > idle : unusedIdle > 0 && quiet > unusedIdle;
        after = inUse ? limits.idleTimeout() : unusedTimeout();
        if (!expired) {
          for (StatementState statement : connection.statements.values()) {
            OpenResult result = statement.result;
            if (result == null) {
              continue;
            }
            long unread = now - result.lastUsedNanos();
            if (streamingIdle > 0 && unread > streamingIdle && result.holdsConnection()) {
              expire(statement, "it held a PostgreSQL connection (too large to be read ahead) and"
                  + " the client fetched nothing for " + Durations.format(limits.streamingResultIdleTimeout())
                  + " (limits.streaming_result_idle_timeout)");
            } else if (resultIdle > 0 && unread > resultIdle) {
              expire(statement, "the client fetched nothing for "
                  + Durations.format(limits.resultIdleTimeout()) + " (limits.result_idle_timeout)");
            }
          }
        }
      } finally {
        connection.lock.unlock();
      }
      if (expired) {
        LOG.info("closing connection of {} after {} idle", connection.owner(),
            Durations.format(after));
        discard(connection, "CONNECTION_EXPIRED", "the connection was unused for "
            + Durations.format(after) + " (limits." + (after.equals(limits.idleTimeout())
                ? "idle_timeout" : "unused_connection_timeout") + "), so it was closed");
      }
    }
  }

  private static void expire(StatementState statement, String why) {
    statement.abandonResult(ErrorCode.RESULT_EXPIRED.name(), "the result was closed because " + why);
    statement.resultExpired = why;
  }

  private void reapSafely() {
    try {
      reap();
    } catch (RuntimeException e) {
      LOG.error("closing idle connections failed: {}", e.getClass().getSimpleName());
    }
  }

  /** Connections open now. */
  int size() {
    return connections.size();
  }

  /** Results open now (each holds a PostgreSQL connection). */
  int openResults() {
    int count = 0;
    for (AgentConnection connection : connections.values()) {
      for (StatementState statement : List.copyOf(connection.statements.values())) {
        if (statement.result != null) {
          count++;
        }
      }
    }
    return count;
  }

  /** Whether the connection exists and is inside a transaction. */
  boolean inTransaction(String id) {
    AgentConnection connection = connections.get(id);
    return connection != null && connection.session.inTransaction();
  }

  /** Connections inside a transaction now. */
  int openTransactions() {
    int count = 0;
    for (AgentConnection connection : connections.values()) {
      if (connection.session.inTransaction()) {
        count++;
      }
    }
    return count;
  }

  /** How long a result may sit unread, for messages. */
  Duration resultIdleTimeout() {
    return limits.resultIdleTimeout();
  }

  @Override
  public void close() {
    gateway.connectionGate().whenWaiting(null);
    reaper.shutdownNow();
    for (AgentConnection connection : new ArrayList<>(connections.values())) {
      try {
        discard(connection, ErrorCode.GATEWAY_STOPPING.name(), "the gateway stopped before the client read the"
            + " whole result");
      } catch (RuntimeException e) {
        LOG.warn("closing a connection at shutdown failed: {}", e.getClass().getSimpleName());
      }
    }
  }
}
