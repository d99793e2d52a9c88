package dev.pangate.engine.cluster;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits that several gateways sharing one PostgreSQL enforce together, kept in pangate's own
 * schema {@code pangate_cluster} and written by a login that may do nothing else: failed-login
 * counters per identity (or address), and what each agent holds across every node (Avatica
 * connections, PostgreSQL connections held by unfinished results and open transactions), so that
 * N gateways do not allow N times the guesses or the connections; and the MCP sessions, so that
 * any node serves a session another node opened.
 *
 * <p>Each node registers under its audit node id and renews a heartbeat; what a node holds counts
 * only while its heartbeat is fresh, so the holdings of a node killed with {@code kill -9} stop
 * counting after {@code nodeTimeout} and are swept away. Every time is PostgreSQL's clock, so the
 * nodes' clocks need not agree. A node keeps its own holdings in memory as well: when the store
 * could not be written (PostgreSQL unreachable for a moment), or a peer swept the node as gone
 * (a long pause), the node writes them again at its next heartbeat.
 *
 * <p>Counting and taking a place is one transaction under an advisory lock on the agent and the
 * kind, so two nodes cannot both take the last place. While the store cannot be reached, callers
 * enforce their own node's limits only (say so: {@link #problem()}).
 */
public final class SharedLimits implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SharedLimits.class);

  /** pangate's own schema for limits shared by nodes. */
  public static final String SCHEMA = "pangate_cluster";

  /** An Avatica connection. */
  public static final String AVATICA_CONNECTION = "avatica";

  /** A PostgreSQL connection held past its statement: an unfinished result, an open transaction. */
  public static final String POSTGRES_CONNECTION = "postgres";

  private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** The advisory-lock class of shared limits (the key's other half hashes kind and agent). */
  private static final int LOCK_CLASS = 0x70676c6d;

  /**
   * Where the shared state lives and how nodes keep in touch.
   *
   * @param url the PostgreSQL JDBC URL
   * @param user a login that may only read and write schema {@code pangate_cluster}
   * @param password its password, or null
   * @param node this node's id (its audit chain's)
   * @param heartbeat how often the node renews its heartbeat
   * @param nodeTimeout how long a node's heartbeat may be old before its holdings stop counting
   */
  public record Settings(String url, String user, String password, String node,
      Duration heartbeat, Duration nodeTimeout) {

    public Settings {
      requireNonNull(url, "url is null");
      requireNonNull(user, "user is null");
      requireNonNull(node, "node is null");
      requireNonNull(heartbeat, "heartbeat is null");
      requireNonNull(nodeTimeout, "nodeTimeout is null");
      if (heartbeat.isZero() || heartbeat.isNegative()
          || nodeTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("heartbeat must be positive and nodeTimeout at least"
            + " twice the heartbeat, got " + heartbeat + " and " + nodeTimeout);
      }
    }
  }

  /** What a node holds in the store, for re-writing it. */
  private record Holding(String kind, String agent) {}

  /** The outcome of {@link #hold}. */
  public record Hold(boolean taken, int heldAcrossNodes, boolean shared) {}

  private final Settings settings;
  private final HikariDataSource pool;
  private final UUID instance = UUID.randomUUID();
  private final Map<String, Holding> holdings = new ConcurrentHashMap<>();
  /** Holding and releasing take it shared; re-writing every holding takes it alone. */
  private final ReentrantReadWriteLock rewriting = new ReentrantReadWriteLock();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicInteger liveNodes = new AtomicInteger(1);
  private final ScheduledExecutorService heartbeats;
  private volatile String problem;
  private volatile boolean closed;

  private SharedLimits(Settings settings, HikariDataSource pool) {
    this.settings = settings;
    this.pool = pool;
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pangate-cluster-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Creates the schema and its tables (idempotent) with an administrator connection, and lets
   * {@code writerRole} read and write them and nothing more.
   */
  public static void install(Connection admin, String writerRole) throws SQLException {
    if (!ROLE_NAME.matcher(writerRole).matches()) {
      throw new IllegalArgumentException("not a plain PostgreSQL role name: " + writerRole);
    }
    try (Statement statement = admin.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      statement.execute("""
          CREATE TABLE IF NOT EXISTS pangate_cluster.nodes (
            node text PRIMARY KEY,
            instance uuid NOT NULL,
            started_at timestamptz NOT NULL,
            seen_at timestamptz NOT NULL)""");
      statement.execute("""
          CREATE TABLE IF NOT EXISTS pangate_cluster.holdings (
            node text NOT NULL,
            kind text NOT NULL,
            agent text NOT NULL,
            id text NOT NULL,
            since timestamptz NOT NULL,
            PRIMARY KEY (node, kind, id))""");
      statement.execute("CREATE INDEX IF NOT EXISTS holdings_by_agent"
          + " ON pangate_cluster.holdings (kind, agent)");
      statement.execute("""
          CREATE TABLE IF NOT EXISTS pangate_cluster.auth_failures (
            key text PRIMARY KEY,
            failures integer NOT NULL,
            last_failure timestamptz NOT NULL,
            blocked_until timestamptz NOT NULL)""");
      statement.execute("""
          CREATE TABLE IF NOT EXISTS pangate_cluster.mcp_sessions (
            id text PRIMARY KEY,
            identity text NOT NULL,
            initialize text NOT NULL,
            created_at timestamptz NOT NULL,
            last_used timestamptz NOT NULL)""");
      statement.execute("CREATE INDEX IF NOT EXISTS mcp_sessions_by_identity"
          + " ON pangate_cluster.mcp_sessions (identity, last_used)");
      statement.execute("REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC");
      statement.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + writerRole);
      statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON pangate_cluster.nodes,"
          + " pangate_cluster.holdings, pangate_cluster.auth_failures, pangate_cluster.mcp_sessions"
          + " TO " + writerRole);
    }
    if (!admin.getAutoCommit()) {
      admin.commit();
    }
  }

  /**
   * Connects, checks that the login may do no more than this, registers the node (waiting up to
   * one node timeout for a previous run of the same node id, killed without a goodbye, to go
   * quiet) and starts the heartbeat.
   *
   * @param mirroredSchemas the schemas of cardholder data, which the login must not read
   * @throws IllegalStateException when the store is not installed, the login may read cardholder
   *     data or is a superuser, or another running gateway has the same node id
   */
  public static SharedLimits start(Settings settings, List<String> mirroredSchemas)
      throws InterruptedException {
    requireNonNull(settings, "settings is null");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setPoolName("pangate-cluster");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "10");
    config.addDataSourceProperty("ApplicationName", "pangate-cluster " + settings.node());
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("The shared-limits store (cluster.postgres) cannot be"
          + " reached as " + settings.user() + ": " + rootMessage(e) + ". Check cluster.postgres"
          + " and that PostgreSQL answers.", e);
    }
    SharedLimits limits = new SharedLimits(settings, pool);
    try {
      limits.checkLogin(mirroredSchemas);
      limits.register();
    } catch (RuntimeException | InterruptedException e) {
      pool.close();
      throw e;
    }
    long period = settings.heartbeat().toMillis();
    limits.heartbeats.scheduleWithFixedDelay(limits::beatSafely, period, period,
        TimeUnit.MILLISECONDS);
    return limits;
  }

  private void checkLogin(List<String> mirroredSchemas) {
    try (Connection connection = pool.getConnection()) {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT rolsuper FROM pg_roles"
              + " WHERE rolname = current_user")) {
        if (rows.next() && rows.getBoolean(1)) {
          throw new IllegalStateException("cluster.postgres.user " + settings.user() + " is a"
              + " superuser; the shared limits are written by a login that may only use schema "
              + SCHEMA + " (pangate cluster install creates it).");
        }
      }
      try (PreparedStatement readable = connection.prepareStatement("SELECT n.nspname || '.' ||"
          + " c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')"
          + " AND (has_table_privilege(c.oid, 'SELECT') OR has_table_privilege(c.oid, 'UPDATE'))"
          + " ORDER BY 1 LIMIT 3")) {
        readable.setArray(1, connection.createArrayOf("text", mirroredSchemas.toArray()));
        try (ResultSet rows = readable.executeQuery()) {
          List<String> tables = new ArrayList<>();
          while (rows.next()) {
            tables.add(rows.getString(1));
          }
          if (!tables.isEmpty()) {
            throw new IllegalStateException("cluster.postgres.user " + settings.user()
                + " may read or change cardholder data (e.g. " + String.join(", ", tables)
                + "); the shared limits are written by a login that may only use schema "
                + SCHEMA + ". Give cluster.postgres a login of its own (pangate cluster"
                + " install grants it what it needs).");
          }
        }
      }
      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT 1 FROM pangate_cluster.nodes LIMIT 1").close();
        statement.executeQuery("SELECT 1 FROM pangate_cluster.holdings LIMIT 1").close();
        statement.executeQuery("SELECT 1 FROM pangate_cluster.auth_failures LIMIT 1").close();
        statement.executeQuery("SELECT 1 FROM pangate_cluster.mcp_sessions LIMIT 1").close();
      } catch (SQLException e) {
        throw new IllegalStateException("The shared-limits store (schema " + SCHEMA + ") is not"
            + " usable by " + settings.user() + ": " + e.getMessage() + "; install it with an"
            + " administrator (pangate cluster install --config FILE).", e);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("The shared-limits store cannot be used: " + e.getMessage(), e);
    }
  }

  /** Takes the node id; waits out a previous instance of it that stopped renewing. */
  private void register() throws InterruptedException {
    long deadline = System.nanoTime() + settings.nodeTimeout().plus(settings.heartbeat()).toNanos();
    boolean said = false;
    while (true) {
      try (Connection connection = pool.getConnection();
          PreparedStatement claim = connection.prepareStatement(
              "INSERT INTO pangate_cluster.nodes AS n (node, instance, started_at, seen_at)"
                  + " VALUES (?, ?, now(), now()) ON CONFLICT (node) DO UPDATE"
                  + " SET instance = EXCLUDED.instance, started_at = now(), seen_at = now()"
                  + " WHERE n.seen_at < now() - ? * interval '1 millisecond'"
                  + " RETURNING extract(epoch FROM now() - n.started_at)")) {
        claim.setString(1, settings.node());
        claim.setObject(2, instance);
        claim.setLong(3, settings.nodeTimeout().toMillis());
        try (ResultSet taken = claim.executeQuery()) {
          if (taken.next()) {
            try (PreparedStatement leftovers = connection.prepareStatement(
                "DELETE FROM pangate_cluster.holdings WHERE node = ?")) {
              leftovers.setString(1, settings.node());
              int removed = leftovers.executeUpdate();
              if (removed > 0) {
                LOG.info("node {}: removed {} holdings left by its previous run", settings.node(),
                    removed);
              }
            }
            return;
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("The shared-limits store cannot be written: "
            + e.getMessage(), e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Another gateway with node id '" + settings.node()
            + "' is running against this database (its heartbeat is recent). Each gateway needs"
            + " its own audit.node; if the other one was stopped, start again in "
            + settings.nodeTimeout().toSeconds() + " s.");
      }
      if (!said) {
        LOG.info("node id {} was in use until moments ago; waiting up to {} s for it to go quiet",
            settings.node(), settings.nodeTimeout().plus(settings.heartbeat()).toSeconds());
        said = true;
      }
      Thread.sleep(Math.min(500, settings.heartbeat().toMillis()));
    }
  }

  // ------------------------------------------------------------------ holdings

  /**
   * Takes one of the agent's places of this kind across every live node, if fewer than
   * {@code limit} are taken. While the store cannot be reached, the place is granted (the caller's
   * own node limit still applies) and written to the store once it answers again.
   *
   * @param id the holding's id, unique on this node (a connection id, a random id)
   */
  public Hold hold(String kind, String agent, String id, int limit) {
    requireNonNull(kind, "kind is null");
    requireNonNull(agent, "agent is null");
    requireNonNull(id, "id is null");
    rewriting.readLock().lock();
    try {
      try (Connection connection = pool.getConnection()) {
        connection.setAutoCommit(false);
        try {
          try (PreparedStatement lock = connection.prepareStatement(
              "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(?))")) {
            lock.setString(1, kind + ' ' + agent);
            lock.executeQuery().close();
          }
          int held;
          try (PreparedStatement count = connection.prepareStatement(
              "SELECT count(*) FROM pangate_cluster.holdings h JOIN pangate_cluster.nodes n"
                  + " ON n.node = h.node WHERE h.kind = ? AND h.agent = ?"
                  + " AND n.seen_at > now() - ? * interval '1 millisecond'")) {
            count.setString(1, kind);
            count.setString(2, agent);
            count.setLong(3, settings.nodeTimeout().toMillis());
            try (ResultSet rows = count.executeQuery()) {
              rows.next();
              held = rows.getInt(1);
            }
          }
          if (held >= limit) {
            connection.rollback();
            return new Hold(false, held, true);
          }
          try (PreparedStatement insert = connection.prepareStatement(
              "INSERT INTO pangate_cluster.holdings (node, kind, agent, id, since)"
                  + " VALUES (?, ?, ?, ?, now()) ON CONFLICT DO NOTHING")) {
            insert.setString(1, settings.node());
            insert.setString(2, kind);
            insert.setString(3, agent);
            insert.setString(4, id);
            insert.executeUpdate();
          }
          connection.commit();
          holdings.put(key(kind, id), new Holding(kind, agent));
          answered();
          return new Hold(true, held + 1, true);
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        failed("taking a place for " + agent, e);
        holdings.put(key(kind, id), new Holding(kind, agent));
        dirty.set(true);
        return new Hold(true, -1, false);
      }
    } finally {
      rewriting.readLock().unlock();
    }
  }

  /** Gives back a place taken with {@link #hold}; nothing when it was not held. */
  public void release(String kind, String id) {
    rewriting.readLock().lock();
    try {
      if (holdings.remove(key(kind, id)) == null) {
        return;
      }
      try (Connection connection = pool.getConnection();
          PreparedStatement delete = connection.prepareStatement(
              "DELETE FROM pangate_cluster.holdings WHERE node = ? AND kind = ? AND id = ?")) {
        delete.setString(1, settings.node());
        delete.setString(2, kind);
        delete.setString(3, id);
        delete.executeUpdate();
        answered();
      } catch (SQLException e) {
        failed("giving back a place", e);
        dirty.set(true); // written again whole at the next heartbeat
      }
    } finally {
      rewriting.readLock().unlock();
    }
  }

  /** Places of this kind the agent holds across every live node (-1 when the store is unreachable). */
  public int held(String kind, String agent) {
    try (Connection connection = pool.getConnection();
        PreparedStatement count = connection.prepareStatement(
            "SELECT count(*) FROM pangate_cluster.holdings h JOIN pangate_cluster.nodes n"
                + " ON n.node = h.node WHERE h.kind = ? AND h.agent = ?"
                + " AND n.seen_at > now() - ? * interval '1 millisecond'")) {
      count.setString(1, kind);
      count.setString(2, agent);
      count.setLong(3, settings.nodeTimeout().toMillis());
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      failed("counting places", e);
      return -1;
    }
  }

  /**
   * PostgreSQL connections held past their statements, counted across the nodes: for the engine
   * ({@code Gateway.sharePinnedConnections}).
   */
  public dev.pangate.engine.exec.PinnedConnections pinnedConnections() {
    return (agent, limit) -> {
      String id = UUID.randomUUID().toString();
      Hold hold = hold(POSTGRES_CONNECTION, agent, id, limit);
      return hold.taken() ? Optional.of(() -> release(POSTGRES_CONNECTION, id)) : Optional.empty();
    };
  }

  private static String key(String kind, String id) {
    return kind + ' ' + id;
  }

  // ------------------------------------------------------------------ failed logins

  /**
   * How long the key (an identity or an address) must still wait before an attempt is checked,
   * counting every node's failures: zero when it may try now; empty when no failure of it is
   * recorded, or the store cannot be reached (the node's own throttle still applies).
   */
  public Optional<Duration> authenticationWait(String key) {
    try (Connection connection = pool.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT ceil(extract(epoch FROM blocked_until - clock_timestamp()) * 1000)"
                + " FROM pangate_cluster.auth_failures WHERE key = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        answered();
        if (!row.next()) {
          return Optional.empty();
        }
        long millis = row.getLong(1);
        return Optional.of(millis > 0 ? Duration.ofMillis(millis) : Duration.ZERO);
      }
    } catch (SQLException e) {
      failed("reading failed logins", e);
      return Optional.empty();
    }
  }

  /**
   * Counts a failed attempt for the key over every node and returns the wait now imposed on it.
   *
   * @param delayAfter the wait after this many failures in a row (zero while they are free)
   * @param forgiveAfter a quiet spell after which earlier failures are forgotten
   * @return the wait, or empty when the store cannot be reached
   */
  public Optional<Duration> authenticationFailed(String key, IntFunction<Duration> delayAfter,
      Duration forgiveAfter) {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO pangate_cluster.auth_failures (key, failures, last_failure, blocked_until)"
                + " VALUES (?, 0, clock_timestamp(), 'epoch') ON CONFLICT DO NOTHING")) {
          insert.setString(1, key);
          insert.executeUpdate();
        }
        int failures;
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT failures, last_failure < clock_timestamp() - ? * interval '1 millisecond'"
                + " FROM pangate_cluster.auth_failures WHERE key = ? FOR UPDATE")) {
          select.setLong(1, forgiveAfter.toMillis());
          select.setString(2, key);
          try (ResultSet row = select.executeQuery()) {
            row.next();
            failures = row.getBoolean(2) ? 1 : row.getInt(1) + 1;
          }
        }
        Duration delay = delayAfter.apply(failures);
        try (PreparedStatement update = connection.prepareStatement(
            "UPDATE pangate_cluster.auth_failures SET failures = ?, last_failure = clock_timestamp(),"
                + " blocked_until = CASE WHEN ? > 0 THEN clock_timestamp() + ? * interval"
                + " '1 millisecond' ELSE blocked_until END WHERE key = ?")) {
          update.setInt(1, failures);
          update.setLong(2, delay.toMillis());
          update.setLong(3, delay.toMillis());
          update.setString(4, key);
          update.executeUpdate();
        }
        connection.commit();
        answered();
        return Optional.of(delay);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      failed("counting a failed login", e);
      return Optional.empty();
    }
  }

  /** Forgets the key's failures on every node (after a success). */
  public void authenticationSucceeded(String key) {
    try (Connection connection = pool.getConnection();
        PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM pangate_cluster.auth_failures WHERE key = ?")) {
      delete.setString(1, key);
      delete.executeUpdate();
      answered();
    } catch (SQLException e) {
      failed("clearing failed logins", e);
    }
  }

  // ------------------------------------------------------------------ MCP sessions

  /** What the store says of an MCP session. */
  public record McpSession(Status status, String initialize) {
    /** Found (and its use recorded), gone (ended, expired, another identity's), or unknown. */
    public enum Status { FOUND, GONE, UNREACHABLE }
  }

  /**
   * Records a new MCP session, so that any node can serve its later requests; the identity's
   * sessions beyond {@code perIdentity}, least recently used first, are ended.
   *
   * @param initialize the client's initialize request (JSON), to start the session again elsewhere
   */
  public void mcpSessionOpened(String id, String identity, String initialize, int perIdentity) {
    try (Connection connection = pool.getConnection()) {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO pangate_cluster.mcp_sessions (id, identity, initialize, created_at, last_used)"
              + " VALUES (?, ?, ?, now(), now()) ON CONFLICT (id) DO NOTHING")) {
        insert.setString(1, id);
        insert.setString(2, identity);
        insert.setString(3, initialize);
        insert.executeUpdate();
      }
      try (PreparedStatement trim = connection.prepareStatement(
          "DELETE FROM pangate_cluster.mcp_sessions WHERE id IN (SELECT id FROM"
              + " pangate_cluster.mcp_sessions WHERE identity = ? ORDER BY last_used DESC OFFSET ?)")) {
        trim.setString(1, identity);
        trim.setInt(2, perIdentity);
        trim.executeUpdate();
      }
      answered();
    } catch (SQLException e) {
      failed("recording an MCP session", e);
    }
  }

  /**
   * Looks an MCP session up for a request of {@code identity} and records its use: found when it
   * is that identity's and was used within {@code idle}.
   */
  public McpSession mcpSessionUsed(String id, String identity, Duration idle) {
    try (Connection connection = pool.getConnection();
        PreparedStatement touch = connection.prepareStatement(
            "UPDATE pangate_cluster.mcp_sessions SET last_used = now() WHERE id = ? AND identity = ?"
                + " AND last_used > now() - ? * interval '1 millisecond' RETURNING initialize")) {
      touch.setString(1, id);
      touch.setString(2, identity);
      touch.setLong(3, idle.toMillis());
      try (ResultSet row = touch.executeQuery()) {
        answered();
        return row.next() ? new McpSession(McpSession.Status.FOUND, row.getString(1))
            : new McpSession(McpSession.Status.GONE, null);
      }
    } catch (SQLException e) {
      failed("looking an MCP session up", e);
      return new McpSession(McpSession.Status.UNREACHABLE, null);
    }
  }

  /** Ends an MCP session on every node. */
  public void mcpSessionEnded(String id) {
    try (Connection connection = pool.getConnection();
        PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM pangate_cluster.mcp_sessions WHERE id = ?")) {
      delete.setString(1, id);
      delete.executeUpdate();
      answered();
    } catch (SQLException e) {
      failed("ending an MCP session", e);
    }
  }

  // ------------------------------------------------------------------ heartbeat

  private void beatSafely() {
    try {
      beat();
    } catch (RuntimeException e) {
      failed("the heartbeat", new SQLException(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  /** Renews this node's heartbeat, sweeps nodes gone quiet, and re-writes holdings when needed. */
  void beat() {
    if (closed) {
      return;
    }
    try (Connection connection = pool.getConnection()) {
      boolean registered;
      try (PreparedStatement renew = connection.prepareStatement(
          "UPDATE pangate_cluster.nodes SET seen_at = now() WHERE node = ? AND instance = ?")) {
        renew.setString(1, settings.node());
        renew.setObject(2, instance);
        registered = renew.executeUpdate() == 1;
      }
      if (!registered) {
        // swept as gone (a pause longer than the node timeout), or the row was lost: take it again
        try (PreparedStatement claim = connection.prepareStatement(
            "INSERT INTO pangate_cluster.nodes AS n (node, instance, started_at, seen_at)"
                + " VALUES (?, ?, now(), now()) ON CONFLICT (node) DO UPDATE"
                + " SET instance = EXCLUDED.instance, seen_at = now()"
                + " WHERE n.instance = EXCLUDED.instance"
                + " OR n.seen_at < now() - ? * interval '1 millisecond'")) {
          claim.setString(1, settings.node());
          claim.setObject(2, instance);
          claim.setLong(3, settings.nodeTimeout().toMillis());
          if (claim.executeUpdate() == 0) {
            problem = "another gateway now runs with node id '" + settings.node() + "'; each"
                + " gateway needs its own audit.node";
            LOG.error("shared limits: {}", problem);
            return;
          }
        }
        LOG.warn("shared limits: node {} had been taken for gone; its holdings are written again",
            settings.node());
        dirty.set(true);
      }
      try (PreparedStatement sweep = connection.prepareStatement(
          "DELETE FROM pangate_cluster.holdings h WHERE NOT EXISTS (SELECT 1 FROM"
              + " pangate_cluster.nodes n WHERE n.node = h.node"
              + " AND n.seen_at > now() - ? * interval '1 millisecond')")) {
        sweep.setLong(1, settings.nodeTimeout().toMillis());
        sweep.executeUpdate();
      }
      try (PreparedStatement gone = connection.prepareStatement(
          "DELETE FROM pangate_cluster.nodes WHERE seen_at < now() - ? * interval '1 millisecond'")) {
        gone.setLong(1, settings.nodeTimeout().toMillis());
        gone.executeUpdate();
      }
      try (Statement forget = connection.createStatement()) {
        // failures forgiven long ago (an hour without one) are of no use any more
        forget.executeUpdate("DELETE FROM pangate_cluster.auth_failures"
            + " WHERE last_failure < clock_timestamp() - interval '1 hour'"
            + " AND blocked_until < clock_timestamp()");
        // sessions expire by idle time at every use; rows a day old are of no use to anyone
        forget.executeUpdate("DELETE FROM pangate_cluster.mcp_sessions"
            + " WHERE last_used < now() - interval '1 day'");
      }
      try (PreparedStatement live = connection.prepareStatement(
          "SELECT count(*) FROM pangate_cluster.nodes"
              + " WHERE seen_at > now() - ? * interval '1 millisecond'")) {
        live.setLong(1, settings.nodeTimeout().toMillis());
        try (ResultSet rows = live.executeQuery()) {
          rows.next();
          liveNodes.set(rows.getInt(1));
        }
      }
      if (dirty.get()) {
        rewrite(connection);
      }
      answered();
    } catch (SQLException e) {
      failed("the heartbeat", e);
    }
  }

  /** Writes this node's holdings again as the node holds them (after the store missed some). */
  private void rewrite(Connection connection) throws SQLException {
    rewriting.writeLock().lock();
    try {
      dirty.set(false);
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM pangate_cluster.holdings WHERE node = ?")) {
          delete.setString(1, settings.node());
          delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO pangate_cluster.holdings (node, kind, agent, id, since)"
                + " VALUES (?, ?, ?, ?, now()) ON CONFLICT DO NOTHING")) {
          for (Map.Entry<String, Holding> held : holdings.entrySet()) {
            insert.setString(1, settings.node());
            insert.setString(2, held.getValue().kind());
            insert.setString(3, held.getValue().agent());
            insert.setString(4, held.getKey().substring(held.getValue().kind().length() + 1));
            insert.addBatch();
          }
          insert.executeBatch();
        }
        connection.commit();
        LOG.info("shared limits: wrote this node's {} holdings again", holdings.size());
      } catch (SQLException | RuntimeException e) {
        dirty.set(true);
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } finally {
      rewriting.writeLock().unlock();
    }
  }

  private void answered() {
    if (problem != null && !problem.startsWith("another gateway")) {
      LOG.info("shared limits: the store answers again; limits are shared with the other nodes");
      problem = null;
    }
  }

  private void failed(String what, SQLException e) {
    failures.incrementAndGet();
    if (problem == null) {
      problem = "the shared-limits store cannot be reached (" + what + ": " + e.getMessage()
          + "); each node enforces its own limits until it answers again";
      LOG.warn("shared limits: {}", problem);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  // ------------------------------------------------------------------ state

  /** Why limits are not shared right now, if they are not. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Live nodes at the last heartbeat, this one included. */
  public int liveNodes() {
    return liveNodes.get();
  }

  /** Times the store could not be used, since start. */
  public long failures() {
    return failures.get();
  }

  /** This node's id. */
  public String node() {
    return settings.node();
  }

  /** The settings in force. */
  public Settings settings() {
    return settings;
  }

  /** Stops as {@code kill -9} would: no more heartbeats, nothing given back (tests). */
  void vanish() {
    closed = true;
    heartbeats.shutdownNow();
    pool.close();
  }

  /** Ends the heartbeat and gives back everything this node holds (a clean stop). */
  @Override
  public void close() {
    closed = true;
    heartbeats.shutdownNow();
    try (Connection connection = pool.getConnection()) {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM pangate_cluster.holdings WHERE node = ?")) {
        delete.setString(1, settings.node());
        delete.executeUpdate();
      }
      try (PreparedStatement leave = connection.prepareStatement(
          "DELETE FROM pangate_cluster.nodes WHERE node = ? AND instance = ?")) {
        leave.setString(1, settings.node());
        leave.setObject(2, instance);
        leave.executeUpdate();
      }
    } catch (SQLException e) {
      LOG.warn("shared limits: this node's holdings could not be given back at stop ({}); they"
          + " stop counting {} s after its last heartbeat", e.getMessage(),
          settings.nodeTimeout().toSeconds());
    } finally {
      holdings.clear();
      pool.close();
    }
  }
}
