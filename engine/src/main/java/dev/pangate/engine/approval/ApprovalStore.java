package dev.pangate.engine.approval;

import static java.util.Objects.requireNonNull;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Approval requests in PostgreSQL (schema {@code pangate_approvals}), so they survive a restart
 * and several gateways share them. Every state change is one conditional UPDATE, so two gateways
 * (or two approvers) cannot both win.
 */
public final class ApprovalStore {

  /** pangate's own schema for approval requests. */
  public static final String SCHEMA = "pangate_approvals";

  private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource pool;

  public ApprovalStore(DataSource pool) {
    this.pool = requireNonNull(pool, "pool is null");
  }

  /**
   * Creates the schema and table (idempotent) with an administrator connection and lets the
   * gateway's login read, create and decide requests (no DELETE: requests are kept).
   */
  public static void install(Connection admin, String gatewayRole) throws SQLException {
    if (!ROLE_NAME.matcher(gatewayRole).matches()) {
      throw new IllegalArgumentException("not a plain PostgreSQL role name: " + gatewayRole);
    }
    try (Statement statement = admin.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      statement.execute("""
          CREATE TABLE IF NOT EXISTS pangate_approvals.requests (
            id uuid PRIMARY KEY,
            agent text NOT NULL,
            role text NOT NULL,
            kind text NOT NULL,
            target text NOT NULL,
            sql text NOT NULL,
            parameters text NOT NULL,
            parameters_digest text NOT NULL,
            plan text NOT NULL,
            plan_digest text NOT NULL,
            estimated_rows bigint,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            status text NOT NULL CHECK (status IN
              ('PENDING', 'APPROVED', 'DENIED', 'EXECUTED', 'EXPIRED')),
            decided_by text,
            decided_at timestamptz,
            reason text,
            executed_at timestamptz,
            rows_affected bigint)""");
      statement.execute("CREATE INDEX IF NOT EXISTS requests_lookup"
          + " ON pangate_approvals.requests (agent, plan_digest, parameters_digest, status)");
      statement.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + gatewayRole);
      statement.execute("GRANT SELECT, INSERT, UPDATE ON pangate_approvals.requests TO " + gatewayRole);
    }
    if (!admin.getAutoCommit()) {
      admin.commit();
    }
  }

  /** Whether the store is installed and readable by the gateway's login. */
  public Optional<String> problem() {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT 1 FROM pangate_approvals.requests LIMIT 1").close();
      connection.rollback();
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of("the approval store (schema " + SCHEMA + ") is not usable: "
          + e.getMessage() + "; install it with an administrator (pangate approvals install)");
    }
  }

  /**
   * The open request of the agent for exactly this statement, or a new pending one. Gateways
   * sharing the store agree: the look-up and the insert run under one transaction-scoped advisory
   * lock on the statement's digests, so two nodes holding the same statement at the same moment
   * record one request, not two.
   *
   * @return the request, and whether this call created it
   */
  public Created openOrCreate(String agent, String role, String kind, String target, String sql,
      List<String> parameters, String parametersDigest, String plan, String planDigest,
      Long estimatedRows, Instant now, Instant expires) {
    try (Connection connection = pool.getConnection()) {
      try {
        try (PreparedStatement lock = connection.prepareStatement(
            "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(?))")) {
          lock.setString(1, agent + ' ' + planDigest + ' ' + parametersDigest);
          lock.executeQuery().close();
        }
        List<ApprovalRequest> open = query(connection, OPEN, agent, planDigest, parametersDigest);
        if (!open.isEmpty()) {
          connection.commit();
          return new Created(open.get(0), false);
        }
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO pangate_approvals.requests (id, agent, role, kind, target, sql,"
                + " parameters, parameters_digest, plan, plan_digest, estimated_rows, created_at,"
                + " expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING')")) {
          bind(insert, id, agent, role, kind, target, sql, String.join("\n", parameters),
              parametersDigest, plan, planDigest, estimatedRows, Timestamp.from(now),
              Timestamp.from(expires));
          insert.executeUpdate();
        }
        ApprovalRequest created = query(connection,
            "SELECT * FROM pangate_approvals.requests WHERE id = ?", id).get(0);
        connection.commit();
        return new Created(created, true);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** A request, and whether the call that returned it created it. */
  public record Created(ApprovalRequest request, boolean created) {
    public Created {
      requireNonNull(request, "request is null");
    }
  }

  /** The request, if it exists. */
  public Optional<ApprovalRequest> find(String id) {
    UUID uuid = parse(id);
    if (uuid == null) {
      return Optional.empty();
    }
    List<ApprovalRequest> found = query("SELECT * FROM pangate_approvals.requests WHERE id = ?", uuid);
    return found.stream().findFirst();
  }

  /** Requests by status (all when null), newest first. */
  public List<ApprovalRequest> list(ApprovalStatus status) {
    return status == null
        ? query("SELECT * FROM pangate_approvals.requests ORDER BY created_at DESC LIMIT 500")
        : query("SELECT * FROM pangate_approvals.requests WHERE status = ? ORDER BY created_at DESC"
            + " LIMIT 500", status.name());
  }

  /**
   * The open request of an agent for exactly this statement: an approved one first (so a pending
   * duplicate never hides an approval), else the latest pending one.
   */
  public Optional<ApprovalRequest> open(String agent, String planDigest, String parametersDigest) {
    return query(OPEN, agent, planDigest, parametersDigest).stream().findFirst();
  }

  private static final String OPEN = "SELECT * FROM pangate_approvals.requests WHERE agent = ?"
      + " AND plan_digest = ? AND parameters_digest = ? AND status IN ('PENDING', 'APPROVED')"
      + " ORDER BY status = 'APPROVED' DESC, created_at DESC LIMIT 1";

  /** The advisory-lock class of approval requests (the key's other half hashes the statement). */
  private static final int LOCK_CLASS = 0x70676170;

  /** Moves PENDING or APPROVED requests past their expiry to EXPIRED; returns those moved. */
  public List<ApprovalRequest> expire(Instant now) {
    return query("UPDATE pangate_approvals.requests SET status = 'EXPIRED'"
        + " WHERE status IN ('PENDING', 'APPROVED') AND expires_at <= ? RETURNING *",
        Timestamp.from(now));
  }

  /** Records a decision on a pending, unexpired request; empty when it was not pending. */
  public Optional<ApprovalRequest> decide(String id, ApprovalStatus decision, String approver,
      String reason, Instant now) {
    return query("UPDATE pangate_approvals.requests SET status = ?, decided_by = ?, decided_at = ?,"
        + " reason = ? WHERE id = ? AND status = 'PENDING' AND expires_at > ? RETURNING *",
        decision.name(), approver, Timestamp.from(now), reason, parse(id), Timestamp.from(now))
        .stream().findFirst();
  }

  /**
   * Claims an approval for one run, inside the write's transaction and before the write: the
   * request's row is locked and moved from APPROVED to EXECUTED, so of two runs at the same moment
   * (on one gateway or on two sharing the store) exactly one gets it and the other never writes.
   * A row locked by another run is skipped rather than waited for: that run may commit, and then
   * the approval is spent. The claim commits or rolls back with the write.
   *
   * @return {@link Claim#CLAIMED}, or why the approval cannot be used by this run
   */
  public static Claim claim(Connection connection, String id, Instant now) throws SQLException {
    UUID uuid = UUID.fromString(id);
    try (PreparedStatement lock = connection.prepareStatement(
        "SELECT status, expires_at > ? FROM pangate_approvals.requests WHERE id = ?"
            + " FOR UPDATE SKIP LOCKED")) {
      lock.setTimestamp(1, Timestamp.from(now));
      lock.setObject(2, uuid);
      try (ResultSet row = lock.executeQuery()) {
        if (!row.next()) {
          return Claim.IN_USE;
        }
        if (!"APPROVED".equals(row.getString(1)) || !row.getBoolean(2)) {
          return Claim.SPENT;
        }
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(
        "UPDATE pangate_approvals.requests SET status = 'EXECUTED', executed_at = ?"
            + " WHERE id = ? AND status = 'APPROVED'")) {
      statement.setTimestamp(1, Timestamp.from(now));
      statement.setObject(2, uuid);
      return statement.executeUpdate() == 1 ? Claim.CLAIMED : Claim.SPENT;
    }
  }

  /** The outcome of {@link #claim}. */
  public enum Claim {
    /** This run holds the approval; it is spent when the write commits. */
    CLAIMED,
    /** Another run holds it at this moment (its transaction has not ended). */
    IN_USE,
    /** It was used by another run, or expired. */
    SPENT
  }

  /** Records the rows the claimed approval's write changed, in the same transaction. */
  public static void recordRows(Connection connection, String id, long rows) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "UPDATE pangate_approvals.requests SET rows_affected = ? WHERE id = ?")) {
      statement.setLong(1, rows);
      statement.setObject(2, UUID.fromString(id));
      statement.executeUpdate();
    }
  }

  private static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }

  private List<ApprovalRequest> query(String sql, Object... values) {
    try (Connection connection = pool.getConnection()) {
      List<ApprovalRequest> requests = query(connection, sql, values);
      connection.commit();
      return requests;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static List<ApprovalRequest> query(Connection connection, String sql, Object... values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, values);
      List<ApprovalRequest> requests = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          requests.add(read(rs));
        }
      }
      return requests;
    }
  }

  private static void bind(PreparedStatement statement, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      statement.setObject(i + 1, values[i]);
    }
  }

  private static ApprovalRequest read(ResultSet rs) throws SQLException {
    long estimated = rs.getLong("estimated_rows");
    Long estimate = rs.wasNull() ? null : estimated;
    long affected = rs.getLong("rows_affected");
    Long rows = rs.wasNull() ? null : affected;
    String parameters = rs.getString("parameters");
    return new ApprovalRequest(rs.getString("id"), rs.getString("agent"), rs.getString("role"),
        rs.getString("kind"), rs.getString("target"), rs.getString("sql"),
        parameters.isEmpty() ? List.of() : List.of(parameters.split("\n", -1)),
        rs.getString("plan"), rs.getString("plan_digest"), estimate,
        instant(rs, "created_at"), instant(rs, "expires_at"),
        ApprovalStatus.valueOf(rs.getString("status")), rs.getString("decided_by"),
        instant(rs, "decided_at"), rs.getString("reason"), instant(rs, "executed_at"), rows);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp timestamp = rs.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static EngineException unavailable(SQLException e) {
    return new EngineException(ErrorCode.APPROVALS_UNAVAILABLE, "The approval store cannot be used: "
        + e.getMessage() + ". Check that schema " + SCHEMA + " is installed"
        + " (pangate approvals install) and PostgreSQL answers.", e);
  }
}
