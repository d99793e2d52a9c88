package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.Outcome;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.approval.ApprovalPreview;
import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.exec.QueryExecutor;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.exec.Transaction;
import dev.pangate.engine.plan.GatewayTable;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.StatementKind;
import dev.pangate.engine.approval.ApprovalStatus;
import dev.pangate.engine.approval.ApprovalStore;
import dev.pangate.masking.pan.PanScrubber;
import dev.pangate.masking.policy.Agent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.pangate.engine.rewrite.DerivedParameters.Derived;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Just-in-time approval of writes. A write whose rule is {@code approval} does not run: it
 * becomes a request that a person with an approving role decides. After approval the same agent
 * re-submits exactly the same statement (same plan digest, same parameters) before expiry and it
 * runs once; the approval is consumed in the write's own transaction. Every step is audited,
 * linked by the request id.
 */
public final class Approvals {

  private final Gateway gateway;
  private final ApprovalStore store;
  private final Clock clock;
  private final Duration lifetime;
  /**
   * The statements held on this gateway, by request id, with the values bound to them: what an
   * approver's preview re-reads. In memory only (the values may include PANs, which the store
   * never keeps); the request's gateway previews it, or any gateway once the agent runs the
   * statement again there.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Held> held =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** How many held statements are kept for previews; beyond this a preview says it is unavailable. */
  private static final int MAX_HELD = 10_000;

  private record Held(PreparedQuery query, List<?> parameters, Instant expiresAt) {}

  Approvals(Gateway gateway, ApprovalStore store, Clock clock, Duration lifetime) {
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.lifetime = requireNonNull(lifetime, "lifetime is null");
  }

  /** How long a request stays open (to be decided, then to be run). */
  public Duration lifetime() {
    return lifetime;
  }

  /** The digest a re-submitted statement must match: the rewritten plan and the SQL it runs. */
  static String planDigest(PreparedQuery query) {
    return sha256(query.planned().kind() + "\n" + query.planned().writeTarget() + "\n"
        + query.planned().pushedSql() + "\n" + query.planText());
  }

  /**
   * The digest a re-submitted statement's values must match: every value that reaches
   * PostgreSQL, the caller's parameters (or the values lifted out of its text) and the tokens
   * whose PANs the gateway binds at execution (a token literal left in the text becomes such a
   * hidden parameter, so it is covered here, not only by the text).
   */
  static String parametersDigest(PreparedQuery query, List<?> parameters) {
    StringBuilder text = new StringBuilder();
    for (Object parameter : parameters) {
      append(text, parameter);
    }
    for (Derived derived : query.planned().derivedParameters()) {
      text.append("derived:").append(derived.source()).append(':')
          .append(derived.mask().masking().label()).append(':');
      append(text, derived.source() < 0 ? derived.literal() : null);
    }
    return sha256(text.toString());
  }

  private static void append(StringBuilder text, Object value) {
    text.append(value == null ? "\u0000null" : value.getClass().getSimpleName() + ":" + value)
        .append('\u0001');
  }

  /**
   * The tokens among the statement's values (literals and parameters the gateway reads as
   * tokens): shown to the approver as they are, where the PAN scrubber would star part of them.
   */
  private static Set<String> tokens(PreparedQuery query, List<?> parameters) {
    Set<String> tokens = new HashSet<>();
    for (Derived derived : query.planned().derivedParameters()) {
      Object token = derived.source() < 0 ? derived.literal() : parameters.get(derived.source());
      if (token != null) {
        tokens.add(String.valueOf(token));
      }
    }
    return tokens;
  }

  /**
   * Every value bound to the SQL sent to PostgreSQL, in order, as the approver reads it: the
   * caller's values, and for a hidden parameter the token whose PAN the gateway binds.
   */
  private static String boundValues(PreparedQuery query, List<?> parameters) {
    StringBuilder text = new StringBuilder();
    List<Derived> derived = query.planned().derivedParameters();
    for (int i = 0; i < parameters.size() + derived.size(); i++) {
      text.append("\n$").append(i + 1).append(" = ");
      if (i < parameters.size()) {
        Object value = parameters.get(i);
        text.append(value == null ? "NULL" : "'" + value + "'");
      } else {
        Derived hidden = derived.get(i - parameters.size());
        Object token = hidden.source() < 0 ? hidden.literal() : parameters.get(hidden.source());
        text.append("the PAN behind token '").append(token).append("' (")
            .append(hidden.mask().masking().label()).append(')');
      }
    }
    return text.length() == 0 ? "" : "\nValues:" + text;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /**
   * The approved request this exact statement may consume, or (having recorded a new request
   * when none is open) the error that holds it.
   */
  ApprovalRequest approvedOrHold(Caller caller, String role, PreparedQuery query,
      List<?> parameters, String policyDigest) {
    expireOverdue();
    String planDigest = planDigest(query);
    String parametersDigest = parametersDigest(query, parameters);
    Optional<ApprovalRequest> open = store.open(caller.agentId(), planDigest, parametersDigest);
    if (open.isPresent() && open.get().status() == ApprovalStatus.APPROVED) {
      hold(open.get(), query, parameters);
      return open.get();
    }
    ApprovalRequest request = open.orElseGet(() -> create(caller, role, query, parameters,
        planDigest, parametersDigest, policyDigest));
    hold(request, query, parameters);
    if (request.status() == ApprovalStatus.APPROVED) {
      return request; // approved by the time another run (here or on another gateway) recorded it
    }
    throw new ApprovalRequiredException(request, "This " + query.planned().kind() + " on "
        + query.planned().writeTarget() + " needs approval by a person with an approving role."
        + " Request " + request.id() + " is " + request.status().name().toLowerCase()
        + (request.estimatedRows() == null ? "" : " (it would change about "
            + request.estimatedRows() + (request.estimatedRows() == 1 ? " row)" : " rows)"))
        + ". An approver decides it with POST /v1/approvals/" + request.id()
        + "/approve (or: pangate approvals approve " + request.id() + "); then run the same"
        + " statement again, with the same parameters, before " + request.expiresAt() + ".");
  }

  private void hold(ApprovalRequest request, PreparedQuery query, List<?> parameters) {
    if (held.size() < MAX_HELD || held.containsKey(request.id())) {
      held.put(request.id(), new Held(query, java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(parameters)), request.expiresAt()));
    }
  }

  private ApprovalRequest create(Caller caller, String role, PreparedQuery query,
      List<?> parameters, String planDigest, String parametersDigest, String policyDigest) {
    Long estimate = estimate(query, parameters);
    Instant now = clock.instant();
    Set<String> tokens = tokens(query, parameters);
    List<String> shown = shown(parameters, tokens);
    String plan = PanScrubber.scrub(query.planText() + "\nSQL: " + query.planned().pushedSql()
        + boundValues(query, parameters), tokens);
    ApprovalStore.Created recorded = store.openOrCreate(caller.agentId(), role,
        query.planned().kind().name(), query.planned().writeTarget(),
        PanScrubber.scrub(query.sql(), tokens), shown, parametersDigest, plan, planDigest, estimate,
        now, now.plus(lifetime));
    ApprovalRequest request = recorded.request();
    if (!recorded.created()) {
      return request; // another run of the same statement recorded it a moment ago
    }
    gateway.audit(AuditEvent.builder(AuditEventType.APPROVAL_REQUEST)
        .approvalId(request.id()).agent(caller.agentId()).role(role)
        .clientAddress(caller.clientAddress()).session(caller.session()).driver(caller.driver())
        .actingFor(caller.actingFor())
        .tables(List.of(query.planned().writeTarget())).sql(query.sql())
        .logicalPlan(query.planText()).pushedSql(query.planned().pushedSqlList())
        .parameters(shown).policyDigest(policyDigest)
        .details(Map.of("plan_digest", planDigest, "estimated_rows", String.valueOf(estimate),
            "expires_at", request.expiresAt().toString()))
        .outcome(Outcome.success()).build());
    return request;
  }

  private static List<String> shown(List<?> parameters, Set<String> tokens) {
    return parameters.stream()
        .map(p -> p == null ? "NULL" : PanScrubber.scrub(String.valueOf(p), tokens)).toList();
  }

  private Long estimate(PreparedQuery query, List<?> parameters) {
    if (query.planned().countRows() == null) {
      return null;
    }
    try {
      return gateway.executor().count(query.planned().countRows(), query.planned(), parameters);
    } catch (EngineException e) {
      return null; // the approver sees "unknown"; the write itself will meet the same error
    }
  }

  /**
   * Claims the approval in the write's transaction before the write runs, and records the rows it
   * changed after it, so the approval is spent exactly when the write commits. A run that cannot
   * claim it (another run holds or used it, here or on another gateway sharing the store, or it
   * expired) writes nothing.
   */
  dev.pangate.engine.exec.QueryExecutor.TransactionStep consume(ApprovalRequest request) {
    return new dev.pangate.engine.exec.QueryExecutor.TransactionStep() {
      @Override
      public void before(java.sql.Connection connection) throws java.sql.SQLException {
        switch (ApprovalStore.claim(connection, request.id(), clock.instant())) {
          case CLAIMED -> { }
          case IN_USE -> throw new EngineException(ErrorCode.APPROVAL_NOT_USABLE, "Approval "
              + request.id() + " is being used by another run of the statement at this moment"
              + " (on this gateway or another); nothing was changed. An approval runs once: if"
              + " that run does not commit, run the statement again.");
          case SPENT -> throw new EngineException(ErrorCode.APPROVAL_NOT_USABLE, "Approval "
              + request.id() + " was used by another run or expired meanwhile; nothing was"
              + " changed.");
        }
      }

      @Override
      public void run(java.sql.Connection connection, long rows) throws java.sql.SQLException {
        ApprovalStore.recordRows(connection, request.id(), rows);
      }
    };
  }

  /** Audits the approved write as it ran: its own text, plan, pushed SQL and values. */
  void executed(Caller caller, String role, ApprovalRequest request, PreparedQuery query,
      List<?> parameters, long rows, String policyDigest) {
    held.remove(request.id());
    gateway.audit(AuditEvent.builder(AuditEventType.APPROVAL_EXECUTED)
        .approvalId(request.id()).agent(caller.agentId()).role(role)
        .clientAddress(caller.clientAddress()).session(caller.session()).driver(caller.driver())
        .actingFor(caller.actingFor())
        .tables(List.of(request.target())).sql(query.sql()).logicalPlan(query.planText())
        .pushedSql(query.planned().pushedSqlList())
        .parameters(shown(parameters, tokens(query, parameters))).rows(rows)
        .details(Map.of("plan_digest", planDigest(query),
            "parameters_digest", parametersDigest(query, parameters),
            "bound_values", boundValues(query, parameters).strip()))
        .policyDigest(policyDigest).outcome(Outcome.success()).build());
  }

  // ------------------------------------------------------------------ for approvers

  /** Requests (all, or with the status), for an approver; overdue ones are expired first. */
  public List<ApprovalRequest> list(Caller approver, ApprovalStatus status) {
    requireApprover(approver);
    expireOverdue();
    return store.list(status);
  }

  /** One request, for an approver. */
  public ApprovalRequest get(Caller approver, String id) {
    requireApprover(approver);
    expireOverdue();
    return store.find(id).orElseThrow(() -> notFound(id));
  }

  /**
   * The rows a pending or approved request's write would change, read now in one read-only
   * snapshot and shown through the approver's own policy: the write's selection (within the
   * requester's row filter) counted, its first {@link PlannedStatement#PREVIEW_ROWS} rows read by
   * key through the approver's view (its masks, hidden columns and row filter; a row it does not
   * show is counted as hidden). An INSERT's new rows are masked with the approver's masks; where
   * the approver's role filters the table's rows they are counted, not shown, since a filter is
   * checked against stored rows. The approver's read is audited as the approver's statement,
   * linked to the request by its id.
   */
  public ApprovalPreview preview(Caller approver, ApprovalRequest request) {
    requireApprover(approver);
    requireNonNull(request, "request is null");
    Long atRequest = request.estimatedRows();
    if (request.status() != ApprovalStatus.PENDING && request.status() != ApprovalStatus.APPROVED) {
      return ApprovalPreview.unavailable("The request is " + request.status().name()
          .toLowerCase() + "; nothing is waiting to run.", atRequest);
    }
    Held statement = held.get(request.id());
    if (statement == null && (statement = replanned(request)) != null) {
      held.putIfAbsent(request.id(), statement);
    }
    if (statement == null) {
      return ApprovalPreview.unavailable("This gateway does not hold the statement's values (the"
          + " request was made on another gateway, or before a restart, with parameters or values"
          + " its stored text does not keep): ask the gateway that received it, or have the agent"
          + " run the statement again, which holds it here.", atRequest);
    }
    PlannedStatement planned = statement.query().planned();
    if (planned.countRows() == null || planned.previewRows() == null) {
      return ApprovalPreview.unavailable("The rows of this write cannot be previewed (its table"
          + " has no primary key to name them by, or its form cannot be read back); the SQL and"
          + " --plan show what it does.", atRequest);
    }
    try (Session session = gateway.oneShot(approver)) {
      session.previewing(request.id());
      Transaction snapshot = session.beginReadOnly();
      try {
        QueryExecutor executor = gateway.executor();
        long now = executor.count(planned.countRows(), planned, statement.parameters(), snapshot);
        QueryExecutor.RawRows selected = executor.rows(planned.previewRows(), planned,
            statement.parameters(), snapshot);
        return planned.kind() == StatementKind.INSERT
            ? insertedRows(session, planned.writeTarget(), selected, now, atRequest)
            : selectedRows(session, planned.writeTarget(), selected, now, atRequest);
      } finally {
        session.rollback();
      }
    } catch (EngineException e) {
      if (e.errorCode() == ErrorCode.AUDIT_UNAVAILABLE) {
        throw e; // the approver's read cannot be recorded: it does not happen
      }
      return ApprovalPreview.unavailable("The rows could not be read: " + e.getMessage(), atRequest);
    }
  }

  /**
   * The held statement planned again from the request's stored text, as its agent under the
   * policy in force, for a request another gateway (or this one before a restart) received: only
   * a statement without {@code ?} parameters whose text the store kept whole, and only when its
   * plan and values digest to exactly the request's (so the preview reads what was approved, or
   * nothing); null otherwise.
   */
  private Held replanned(ApprovalRequest request) {
    if (held.size() >= MAX_HELD) {
      return null;
    }
    Caller requester = new Caller(request.agent(), "gateway", "approval-preview-" + request.id(),
        "gateway");
    try (Session session = gateway.oneShot(requester)) {
      PreparedQuery query = session.prepare(request.sql());
      if (!query.parameterTypes().isEmpty() || !query.writes()) {
        return null;
      }
      List<?> values = query.bind(List.of());
      Optional<ApprovalRequest> same = store.open(request.agent(), planDigest(query),
          parametersDigest(query, values));
      if (same.isEmpty() || !same.get().id().equals(request.id())) {
        return null; // another statement than the one held: no preview rather than a wrong one
      }
      return new Held(query, java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values)),
          request.expiresAt());
    } catch (EngineException e) {
      return null; // the agent or its view is gone, or the text no longer plans
    }
  }

  /** An UPDATE's or DELETE's rows, read by primary key through the approver's view. */
  private ApprovalPreview selectedRows(Session session, String target,
      QueryExecutor.RawRows keys, long now, Long atRequest) {
    int limit = PlannedStatement.PREVIEW_ROWS;
    GatewayTable table = approverTable(session, target);
    String blind = table == null ? "Your role does not see " + target + ": its rows are counted,"
        + " not shown." : null;
    for (String key : keys.columns()) {
      if (blind == null && (!visibleColumns(table).contains(key)
          || !"clear".equals(table.maskLabel(key)))) {
        blind = "Your role does not see " + target + "." + key + " (the primary key) in clear:"
            + " the rows are counted, not shown.";
      }
    }
    if (blind != null || keys.rows().isEmpty()) {
      return new ApprovalPreview(true, blind, now, atRequest, List.of(), List.of(),
          keys.rows().size(), limit, clock.instant());
    }
    StringBuilder sql = new StringBuilder("select * from ").append(quoted(target)).append(" where ");
    List<Object> values = new java.util.ArrayList<>();
    for (int r = 0; r < keys.rows().size(); r++) {
      sql.append(r == 0 ? "(" : " or (");
      for (int k = 0; k < keys.columns().size(); k++) {
        sql.append(k == 0 ? "" : " and ").append(quoted(keys.columns().get(k))).append(" = ?");
        values.add(keys.rows().get(r)[k]);
      }
      sql.append(')');
    }
    sql.append(" order by ");
    sql.append(String.join(", ", keys.columns().stream().map(Approvals::quoted).toList()));
    List<String> columns = new java.util.ArrayList<>();
    List<List<String>> shown = new java.util.ArrayList<>();
    try (ResultCursor rows = session.execute(session.prepare(sql.toString()), values)) {
      rows.columns().forEach(column -> columns.add(column.name()));
      while (rows.next()) {
        shown.add(texts(rows.row()));
      }
    }
    int hidden = keys.rows().size() - shown.size();
    return new ApprovalPreview(true, hidden == 0 ? null : hidden + (hidden == 1 ? " row is" : " rows are")
        + " outside what your role sees of " + target + ": counted, not shown.", now, atRequest,
        columns, shown, hidden, limit, clock.instant());
  }

  /** An INSERT's new rows, raw as they would be written, through the approver's masks. */
  private ApprovalPreview insertedRows(Session session, String target,
      QueryExecutor.RawRows inserted, long now, Long atRequest) {
    int limit = PlannedStatement.PREVIEW_ROWS;
    GatewayTable table = approverTable(session, target);
    String blind = null;
    if (table == null) {
      blind = "Your role does not see " + target + ": the new rows are counted, not shown.";
    } else if (table.expansion().rowFilterCheck().isPresent()) {
      blind = "Your role sees only some rows of " + target + " (a row filter), which is checked"
          + " against stored rows: the new rows are counted, not shown.";
    }
    if (blind != null) {
      return new ApprovalPreview(true, blind, now, atRequest, List.of(), List.of(),
          inserted.rows().size(), limit, clock.instant());
    }
    List<String> columns = visibleColumns(table);
    java.util.Map<String, dev.pangate.engine.rewrite.MaskOperator> masks =
        table.expansion().columnMasks();
    List<List<String>> shown = new java.util.ArrayList<>();
    for (Object[] row : inserted.rows()) {
      List<String> values = new java.util.ArrayList<>();
      for (String column : columns) {
        int at = inserted.columns().indexOf(column);
        if (at < 0) {
          values.add("(default)");
          continue;
        }
        var mask = masks.get(column);
        values.add(text(mask == null ? row[at] : mask.transform().apply(row[at])));
      }
      shown.add(values);
    }
    return new ApprovalPreview(true, null, now, atRequest, columns, shown, 0, limit,
        clock.instant());
  }

  private static GatewayTable approverTable(Session session, String target) {
    int dot = target.indexOf('.');
    return session.catalog().tables().getOrDefault(target.substring(0, dot), java.util.Map.of())
        .get(target.substring(dot + 1));
  }

  private static List<String> visibleColumns(GatewayTable table) {
    return table.getRowType(dev.pangate.engine.plan.QueryPlanner.TYPE_FACTORY).getFieldNames();
  }

  private static String quoted(String name) {
    StringBuilder quoted = new StringBuilder();
    for (String part : name.split("\\.")) {
      quoted.append(quoted.length() == 0 ? "" : ".").append('"').append(part.replace("\"", "\"\""))
          .append('"');
    }
    return quoted.toString();
  }

  private static List<String> texts(Object[] row) {
    List<String> values = new java.util.ArrayList<>();
    for (Object value : row) {
      values.add(text(value));
    }
    return values;
  }

  private static String text(Object value) {
    return value == null ? null : value instanceof byte[] bytes
        ? "\\x" + HexFormat.of().formatHex(bytes) : String.valueOf(value);
  }

  /**
   * Waits (long poll) until a request is decided or expires, or the timeout passes, and returns
   * it as it then stands. Only the agent that submitted it and approvers may wait on a request;
   * to anyone else it does not exist (the same answer as for an unknown id).
   */
  public ApprovalRequest awaitDecision(Caller caller, String id, Duration timeout)
      throws InterruptedException {
    requireNonNull(timeout, "timeout is null");
    boolean approver = gateway.policy().agent(caller.agentId())
        .map(agent -> gateway.policy().role(agent.role()).mayApprove()).orElse(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      expireOverdue();
      ApprovalRequest request = store.find(id).orElseThrow(() -> notFound(id));
      if (!approver && !request.agent().equals(caller.agentId())) {
        throw notFound(id);
      }
      if (request.status() != ApprovalStatus.PENDING || System.nanoTime() >= deadline) {
        return request;
      }
      Thread.sleep(Math.min(250, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Approves a pending request; the approver must not be the requester. */
  public ApprovalRequest approve(Caller approver, String id, String reason) {
    return decide(approver, id, ApprovalStatus.APPROVED, reason);
  }

  /** Denies a pending request. */
  public ApprovalRequest deny(Caller approver, String id, String reason) {
    return decide(approver, id, ApprovalStatus.DENIED, reason);
  }

  /**
   * Records a decision. A refused attempt is audited too (PCI DSS 10.2.1): by someone whose role
   * may not decide ({@code ACCESS_DENIED}), or a decision that cannot stand (the requester's own,
   * no reason, no such request, not pending: {@code APPROVAL_DECISION} with a failure outcome).
   */
  private ApprovalRequest decide(Caller approver, String id, ApprovalStatus decision, String reason) {
    String role;
    try {
      role = requireApprover(approver);
    } catch (EngineException e) {
      auditRefusedDecision(AuditEventType.ACCESS_DENIED, approver, roleOf(approver), id, null,
          decision, reason, e);
      throw e;
    }
    ApprovalRequest request = null;
    try {
      if (reason == null || reason.isBlank()) {
        throw new EngineException(ErrorCode.REASON_REQUIRED, "A decision needs a reason (it is"
            + " audited); over HTTP send {\"reason\": \"...\"}.");
      }
      expireOverdue();
      request = store.find(id).orElseThrow(() -> notFound(id));
      if (request.agent().equals(approver.agentId())) {
        throw new EngineException(ErrorCode.SELF_APPROVAL, "Agent '" + approver.agentId()
            + "' submitted request " + id + " and so may not decide it; another approver must.");
      }
      Optional<ApprovalRequest> decided = store.decide(id, decision, approver.agentId(), reason,
          clock.instant());
      if (decided.isEmpty()) {
        throw new EngineException(ErrorCode.NOT_PENDING, "Request " + id + " is "
            + request.status().name().toLowerCase() + ", not pending; it cannot be decided.");
      }
      if (decision == ApprovalStatus.DENIED) {
        held.remove(id);
      }
      auditDecision(approver, role, decided.get(), decision, reason, Outcome.success());
      return decided.get();
    } catch (EngineException e) {
      if (e.errorCode() != ErrorCode.AUDIT_UNAVAILABLE) {
        auditRefusedDecision(AuditEventType.APPROVAL_DECISION, approver, role, id, request,
            decision, reason, e);
      }
      throw e;
    }
  }

  private String roleOf(Caller caller) {
    return gateway.policy().agent(caller.agentId()).map(Agent::role).orElse(null);
  }

  /** A refused decision, audited as well as the log allows (the refusal stands either way). */
  private void auditRefusedDecision(AuditEventType type, Caller approver, String role, String id,
      ApprovalRequest request, ApprovalStatus decision, String reason, EngineException refusal) {
    Map<String, String> details = new java.util.LinkedHashMap<>();
    details.put("decision", decision.name());
    details.put("reason", reason == null ? "" : reason);
    details.put("request_id", String.valueOf(id));
    if (request != null) {
      details.put("requested_by", request.agent());
    }
    try {
      gateway.audit(AuditEvent.builder(type)
          .approvalId(request == null ? null : request.id())
          .agent(approver.agentId()).role(role)
          .clientAddress(approver.clientAddress()).session(approver.session())
          .driver(approver.driver())
          .tables(request == null ? List.of() : List.of(request.target()))
          .policyDigest(gateway.policy().digest())
          .details(details)
          .outcome(Outcome.failure(refusal.code(), refusal.getMessage())).build());
    } catch (EngineException auditFailure) {
      refusal.addSuppressed(auditFailure);
    }
  }

  private void auditDecision(Caller approver, String role, ApprovalRequest request,
      ApprovalStatus decision, String reason, Outcome outcome) {
    gateway.audit(AuditEvent.builder(AuditEventType.APPROVAL_DECISION)
        .approvalId(request.id()).agent(approver.agentId()).role(role)
        .clientAddress(approver.clientAddress()).session(approver.session())
        .driver(approver.driver()).actingFor(approver.actingFor()).tables(List.of(request.target())).sql(request.sql())
        .policyDigest(gateway.policy().digest())
        .details(Map.of("decision", decision.name(), "reason", reason,
            "requested_by", request.agent()))
        .outcome(outcome).build());
  }

  private String requireApprover(Caller caller) {
    Agent agent = gateway.policy().agent(caller.agentId()).orElseThrow(() ->
        new EngineException(ErrorCode.UNKNOWN_AGENT, "Agent '" + caller.agentId()
            + "' is not named in the policy in force."));
    if (!gateway.policy().role(agent.role()).mayApprove()) {
      throw new EngineException(ErrorCode.NOT_AN_APPROVER, "Role '" + agent.role()
          + "' may not see or decide approval requests (approve: true in the policy).");
    }
    return agent.role();
  }

  private void expireOverdue() {
    Instant now = clock.instant();
    // Held values of requests past their expiry go, wherever they were decided or used.
    held.values().removeIf(statement -> !statement.expiresAt().isAfter(now));
    for (ApprovalRequest expired : store.expire(clock.instant())) {
      held.remove(expired.id());
      gateway.audit(AuditEvent.builder(AuditEventType.APPROVAL_EXPIRED)
          .approvalId(expired.id()).agent(expired.agent()).role(expired.role())
          .tables(List.of(expired.target())).sql(expired.sql())
          .policyDigest(gateway.policy().digest())
          .details(Map.of("expired_at", expired.expiresAt().toString(),
              "status_before", expired.decidedBy() == null ? "PENDING" : "APPROVED"))
          .outcome(Outcome.success()).build());
    }
  }

  private static EngineException notFound(String id) {
    return new EngineException(ErrorCode.APPROVAL_NOT_FOUND, "There is no approval request " + id + ".");
  }
}
