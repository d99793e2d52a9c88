package dev.pangate.endpoint.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pangate.endpoint.session.ClientRequest;
import dev.pangate.endpoint.session.GatewayRequestException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.approval.ApprovalPreview;
import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.gateway.WriteSummary;
import dev.pangate.engine.approval.ApprovalStatus;
import dev.pangate.engine.gateway.Approvals;
import dev.pangate.engine.gateway.Caller;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just-in-time approval over HTTP, for identities whose role may approve ({@code approve: true}
 * in the policy; the engine checks, and refuses an agent deciding its own request):
 *
 * <pre>
 * GET  /v1/approvals[?status=pending|approved|denied|executed|expired]   the requests
 * GET  /v1/approvals/{id}                                                one request, what it
 *                                                                       writes and a preview of
 *                                                                       its rows
 * POST /v1/approvals/{id}/approve   {"reason": "..."}                    approve it
 * POST /v1/approvals/{id}/deny      {"reason": "..."}                    deny it
 * POST /v1/approvals/{id}/wait?timeout=30s                               wait for the decision
 * </pre>
 *
 * Every decision is audited by the engine ({@code APPROVAL_DECISION}).
 */
final class ApprovalRoutes {

  private static final Pattern ONE = Pattern.compile("/v1/approvals/([0-9a-fA-F-]{36})");
  private static final Pattern DECIDE = Pattern.compile("/v1/approvals/([0-9a-fA-F-]{36})/(approve|deny|wait)");
  /** The longest a requester may wait on one call. */
  static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(120);

  private final Approvals approvals;

  ApprovalRoutes(Approvals approvals) {
    this.approvals = requireNonNull(approvals, "approvals is null");
  }

  /** Adds the routes to a table. */
  RouteTable register(RouteTable routes) {
    return routes
        .add("GET", "/v1/approvals", Access.AUTHENTICATED, "http-json", this::list)
        .addPrefix("GET", "/v1/approvals/", Access.AUTHENTICATED, "http-json", this::one)
        .addPrefix("POST", "/v1/approvals/", Access.AUTHENTICATED, "http-json", this::decide);
  }

  private void list(Exchange exchange) throws IOException {
    String status = exchange.request().getParameter("status");
    ApprovalStatus filter = null;
    if (status != null) {
      try {
        filter = ApprovalStatus.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new GatewayRequestException(ErrorCode.BAD_REQUEST, "status must be one of pending,"
            + " approved, denied, executed, expired.");
      }
    }
    List<ApprovalRequest> found = approvals.list(caller(exchange), filter);
    exchange.sendJson(200, Map.of("requests", found.stream().map(ApprovalRoutes::json).toList()));
  }

  private void one(Exchange exchange) throws IOException {
    Matcher m = ONE.matcher(exchange.request().getRequestURI());
    if (!m.matches()) {
      throw notFound();
    }
    Caller approver = caller(exchange);
    ApprovalRequest request = approvals.get(approver, m.group(1));
    Map<String, Object> json = new LinkedHashMap<>(json(request));
    json.put("write", WriteSummary.of(request).map(ApprovalRoutes::json).orElse(null));
    json.put("preview", json(approvals.preview(approver, request)));
    exchange.sendJson(200, json);
  }

  /** What the write does: the table, the columns it sets with their values, its WHERE as written. */
  static Map<String, Object> json(WriteSummary summary) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("target", summary.target());
    json.put("sets", summary.sets().stream().map(set -> {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("column", set.column());
      one.put("value", set.value());
      return one;
    }).toList());
    json.put("where", summary.where());
    json.put("inserted_rows", summary.insertedRows());
    return json;
  }

  /** The rows the write would change, as the approver's role sees them, read at this moment. */
  static Map<String, Object> json(ApprovalPreview preview) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("available", preview.available());
    json.put("note", preview.note());
    json.put("rows", preview.rows());
    json.put("rows_at_request", preview.rowsAtRequest());
    json.put("changed_since_request", preview.changedSinceRequest());
    json.put("limit", preview.limit());
    json.put("truncated", preview.truncated());
    json.put("hidden", preview.hidden());
    json.put("columns", preview.columns());
    json.put("shown", preview.shown());
    json.put("read_at", text(preview.readAt()));
    return json;
  }

  private void decide(Exchange exchange) throws IOException {
    Matcher m = DECIDE.matcher(exchange.request().getRequestURI());
    if (!m.matches()) {
      throw notFound();
    }
    if (m.group(2).equals("wait")) {
      await(exchange, m.group(1));
      return;
    }
    String reason = reason(exchange.body());
    ApprovalRequest decided = m.group(2).equals("approve")
        ? approvals.approve(caller(exchange), m.group(1), reason)
        : approvals.deny(caller(exchange), m.group(1), reason);
    exchange.sendJson(200, json(decided));
  }

  /** Long poll: the requester (or an approver) waits for the decision, up to {@link #MAX_WAIT}. */
  private void await(Exchange exchange, String id) throws IOException {
    String text = exchange.request().getParameter("timeout");
    java.time.Duration timeout;
    try {
      timeout = text == null ? java.time.Duration.ofSeconds(30)
          : dev.pangate.endpoint.config.Durations.parse(text);
    } catch (RuntimeException e) {
      throw new GatewayRequestException(ErrorCode.BAD_REQUEST, "timeout is a duration such as 30s"
          + " (at most " + MAX_WAIT.toSeconds() + "s).");
    }
    if (timeout.isNegative() || timeout.compareTo(MAX_WAIT) > 0) {
      throw new GatewayRequestException(ErrorCode.BAD_REQUEST, "timeout must be between 0s and "
          + MAX_WAIT.toSeconds() + "s.");
    }
    try {
      ApprovalRequest request = approvals.awaitDecision(caller(exchange), id, timeout);
      Map<String, Object> json = new LinkedHashMap<>(json(request));
      json.put("decided", request.status() != ApprovalStatus.PENDING);
      exchange.sendJson(200, json);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayRequestException(ErrorCode.GATEWAY_STOPPING, "The gateway is stopping; wait again.");
    }
  }

  /** The decision's reason; null when there is none (the engine refuses it, and audits that). */
  private static String reason(byte[] body) {
    try {
      JsonNode root = body.length == 0 ? null : Exchange.JSON.readTree(body);
      JsonNode reason = root == null ? null : root.get("reason");
      return reason == null || !reason.isTextual() ? null : reason.asText();
    } catch (IOException e) {
      throw new GatewayRequestException(ErrorCode.BAD_REQUEST, "The request body is not valid JSON;"
          + " send {\"reason\": \"...\"}.");
    }
  }

  private static Caller caller(Exchange exchange) {
    ClientRequest client = exchange.client();
    return client.caller("http-" + UUID.randomUUID(), client.protocol());
  }

  private static GatewayRequestException notFound() {
    return new GatewayRequestException(ErrorCode.NOT_FOUND, "Approval routes are /v1/approvals,"
        + " /v1/approvals/{id}, and POST /v1/approvals/{id}/approve or /deny.");
  }

  static Map<String, Object> json(ApprovalRequest request) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", request.id());
    json.put("status", request.status().name().toLowerCase(Locale.ROOT));
    json.put("agent", request.agent());
    json.put("role", request.role());
    json.put("kind", request.kind());
    json.put("target", request.target());
    json.put("sql", request.sql());
    json.put("parameters", request.parameters());
    json.put("plan", request.plan());
    json.put("plan_digest", request.planDigest());
    json.put("estimated_rows", request.estimatedRows());
    json.put("created_at", text(request.createdAt()));
    json.put("expires_at", text(request.expiresAt()));
    json.put("decided_by", request.decidedBy());
    json.put("decided_at", text(request.decidedAt()));
    json.put("reason", request.reason());
    json.put("executed_at", text(request.executedAt()));
    json.put("rows_affected", request.rowsAffected());
    return json;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
