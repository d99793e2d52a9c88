package dev.pangate.endpoint.avatica;

import static java.util.Objects.requireNonNull;

import dev.pangate.endpoint.config.Durations;
import dev.pangate.endpoint.config.GatewayConfig;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.EndpointAudit;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.gateway.Caller;
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
  private final ScheduledExecutorService reaper;

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
    long period = Math.max(50, Math.min(5_000,
        Math.min(limits.idleTimeout().toMillis(), limits.resultIdleTimeout().toMillis()) / 4));
    reaper.scheduleWithFixedDelay(this::reapSafely, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a connection for the request's identity.
   *
   * @throws GatewayRequestException for a malformed id, an id in use by another identity, a
   *     refused property or the per-agent limit
   */
  AgentConnection open(String id, ClientRequest request, Map<String, String> info) {
    checkId(id, request);
    checkProperties(id, request, info == null ? Map.of() : info);
    synchronized (perIdentity) {
      AgentConnection existing = connections.get(id);
      if (existing != null) {
        if (!existing.owner().equals(request.identity())) {
          throw foreign(id, request, "open");
        }
        return existing; // the same client opening again (e.g. a retried request)
      }
      int open = perIdentity.getOrDefault(request.identity(), 0);
      if (open >= limits.connectionsPerAgent()) {
        throw audit.refuse(request, id, new GatewayRequestException(ErrorCode.CONNECTION_LIMIT,
            "Identity '" + request.identity() + "' already has " + open + " open connections, the"
                + " most allowed (limits.connections_per_agent). Close connections you no longer"
                + " use; idle ones close by themselves after "
                + Durations.format(limits.idleTimeout()) + "."), Map.of());
      }
      Session session = gateway.open(new Caller(request.identity(), request.clientAddress(), id,
          request.protocol()));
      AgentConnection connection = new AgentConnection(id, request, session, defaultSchema);
      connections.put(id, connection);
      perIdentity.merge(request.identity(), 1, Integer::sum);
      return connection;
    }
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
    synchronized (perIdentity) {
      if (connections.remove(connection.id, connection)) {
        perIdentity.computeIfPresent(connection.owner(), (k, n) -> n <= 1 ? null : n - 1);
      }
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

  /** Closes idle connections and idle results. */
  void reap() {
    long now = System.nanoTime();
    long idle = limits.idleTimeout().toNanos();
    long resultIdle = limits.resultIdleTimeout().toNanos();
    for (AgentConnection connection : new ArrayList<>(connections.values())) {
      if (!connection.lock.tryLock()) {
        continue; // in use now, so not idle
      }
      boolean expired;
      try {
        expired = idle > 0 && now - connection.lastUsedNanos() > idle;
        if (!expired && resultIdle > 0) {
          for (StatementState statement : connection.statements.values()) {
            if (statement.result != null && now - statement.result.lastUsedNanos() > resultIdle) {
              statement.abandonResult(ErrorCode.RESULT_EXPIRED.name(), "the client fetched nothing for "
                  + Durations.format(limits.resultIdleTimeout())
                  + " (limits.result_idle_timeout), so the result was closed");
              statement.resultExpired = true;
            }
          }
        }
      } finally {
        connection.lock.unlock();
      }
      if (expired) {
        LOG.info("closing connection of {} after {} idle", connection.owner(),
            Durations.format(limits.idleTimeout()));
        discard(connection, "CONNECTION_EXPIRED", "the connection was unused for "
            + Durations.format(limits.idleTimeout()) + " (limits.idle_timeout), so it was closed");
      }
    }
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

  /** How long a result may sit unread, for messages. */
  Duration resultIdleTimeout() {
    return limits.resultIdleTimeout();
  }

  @Override
  public void close() {
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
