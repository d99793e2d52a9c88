package dev.pangate.engine.approval;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A write held for a person's approval: who asked, exactly what would run (the statement, its
 * parameters, the rewritten plan and its digest), how many rows it would change, and the
 * decision. Parameters and SQL are stored with PAN-like values truncated.
 *
 * @param id the request id
 * @param agent the agent that submitted the write
 * @param role its role
 * @param kind INSERT, UPDATE or DELETE
 * @param target the table written, {@code schema.table}
 * @param sql the statement as submitted
 * @param parameters its parameter values as text
 * @param plan the rewritten plan and the SQL PostgreSQL would run
 * @param planDigest SHA-256 of the plan and SQL: a re-submitted statement must match it
 * @param estimatedRows rows it would change, counted in a read-only transaction
 * @param createdAt when it was requested
 * @param expiresAt after this it can be neither approved nor run
 * @param status where it stands
 * @param decidedBy the approver, once decided
 * @param decidedAt when it was decided
 * @param reason the approver's reason
 * @param executedAt when the approved write ran
 * @param rowsAffected rows the write changed
 */
public record ApprovalRequest(String id, String agent, String role, String kind, String target,
    String sql, List<String> parameters, String plan, String planDigest, Long estimatedRows,
    Instant createdAt, Instant expiresAt, ApprovalStatus status, String decidedBy,
    Instant decidedAt, String reason, Instant executedAt, Long rowsAffected) {

  public ApprovalRequest {
    requireNonNull(id, "id is null");
    requireNonNull(agent, "agent is null");
    requireNonNull(sql, "sql is null");
    parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
    requireNonNull(planDigest, "planDigest is null");
    requireNonNull(status, "status is null");
  }
}
