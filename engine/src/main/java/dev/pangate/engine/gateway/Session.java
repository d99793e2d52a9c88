package dev.pangate.engine.gateway;

import static java.util.Objects.requireNonNull;

import dev.pangate.audit.AuditEvent;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.Outcome;
import dev.pangate.engine.EngineException;
import dev.pangate.engine.ErrorCode;
import dev.pangate.engine.exec.ListCursor;
import dev.pangate.engine.exec.ResultCursor;
import dev.pangate.engine.plan.CatalogView;
import dev.pangate.engine.plan.GatewayTable;
import dev.pangate.engine.plan.OutputColumn;
import dev.pangate.engine.plan.PlannedStatement;
import dev.pangate.engine.plan.QueryPlanner;
import dev.pangate.engine.approval.ApprovalRequest;
import dev.pangate.engine.catalog.ReflectedTable;
import dev.pangate.engine.exec.CancelToken;
import dev.pangate.engine.exec.QueryExecutor;
import dev.pangate.engine.exec.StatementContext;
import dev.pangate.engine.exec.Transaction;
import dev.pangate.engine.policy.PolicyViews;
import dev.pangate.masking.policy.DmlRule;
import dev.pangate.masking.policy.TableName;
import dev.pangate.masking.policy.TablePolicy;
import dev.pangate.engine.sql.LiteralLifter;
import dev.pangate.engine.sql.PostgresTypeSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * One authenticated caller's conversation with the gateway. Every statement is planned against
 * the caller's view under the policy in force at that moment (so a reload applies to open
 * sessions from their next statement), audited before it runs, and audited again when its
 * result is exhausted or closed. Not thread-safe; one per client connection.
 *
 * <p>With autocommit on (the default) every write commits on its own. With it off, the first
 * write opens a transaction on one PostgreSQL connection; later statements (reads too, so they
 * see the writes) run on it until {@link #commit} or {@link #rollback}, and closing the session
 * rolls it back.
 */
public final class Session implements AutoCloseable {

  private final Gateway gateway;
  private final Caller caller;
  private boolean closed;
  private boolean autoCommit = true;
  private Transaction transaction;
  private final boolean audited;
  /** Where the session reads the policy in force: the gateway's, swapped whole on reload. */
  private final java.util.function.Supplier<Gateway.PolicyState> states;

  /** @param audited whether its end is audited (SESSION_CLOSE); not for one-statement sessions */
  Session(Gateway gateway, Caller caller, boolean audited) {
    this(gateway, caller, audited, gateway::state);
  }

  /**
   * A session reading the policy in force from {@code states} (tests hand one that changes
   * between reads, as a reload can at any moment).
   */
  Session(Gateway gateway, Caller caller, boolean audited,
      java.util.function.Supplier<Gateway.PolicyState> states) {
    this.gateway = requireNonNull(gateway, "gateway is null");
    this.caller = requireNonNull(caller, "caller is null");
    this.audited = audited;
    this.states = requireNonNull(states, "states is null");
  }

  public Caller caller() {
    return caller;
  }

  /** The caller's role under the policy in force. */
  public String role() {
    return view().role().name();
  }

  private PolicyViews.AgentView view() {
    return view(states.get());
  }

  /**
   * The caller's view under one policy state. A statement reads the state once and uses that
   * snapshot throughout (plan, DML rule, audit digest), so a reload meanwhile cannot mix policies.
   */
  private PolicyViews.AgentView view(Gateway.PolicyState state) {
    return state.views().agent(caller.agentId()).orElseThrow(() -> new EngineException(
        ErrorCode.UNKNOWN_AGENT, "Agent '" + caller.agentId()
            + "' is no longer named in the policy in force."));
  }

  /** The caller's view under the policy in force, if the policy still names the caller. */
  private Optional<PolicyViews.AgentView> currentView() {
    return states.get().views().agent(caller.agentId());
  }

  /**
   * Plans a statement for this caller (served from the plan cache when the same agent sent the
   * same text under the same policy). Failures are audited.
   */
  public PreparedQuery prepare(String sql) {
    checkOpen();
    requireNonNull(sql, "sql is null");
    return prepare(sql, states.get());
  }

  private PreparedQuery prepare(String sql, Gateway.PolicyState state) {
    PolicyViews.AgentView view = view(state);
    try {
      PreparedQuery shared = prepareLifted(sql, view, state);
      if (shared != null) {
        return shared;
      }
      return state.cache().get(new PlanCache.Key(caller.agentId(), sql),
          key -> plan(sql, sql, view, state.generation()));
    } catch (EngineException e) {
      auditRefusal(sql, view, state, e);
      throw e;
    }
  }

  /**
   * The shared plan of the statement with its compared values lifted out, bound to this
   * statement's values; null when nothing can be lifted, or the lifted form does not plan (its
   * values then stay in the text and the statement gets its own plan).
   */
  private PreparedQuery prepareLifted(String sql, PolicyViews.AgentView view,
      Gateway.PolicyState state) {
    LiteralLifter.Lifted lifted = LiteralLifter.lift(sql);
    if (lifted == null) {
      return null;
    }
    Optional<PreparedQuery> shared = state.liftedCache().get(
        new PlanCache.Key(caller.agentId(), lifted.text()), key -> {
          try {
            return Optional.of(plan(lifted.text(), lifted.text(), view, state.generation()));
          } catch (RuntimeException e) {
            // e.g. a parameter Calcite cannot type; the statement's own plan reports real errors
            return Optional.empty();
          }
        });
    if (shared.isEmpty()) {
      return null;
    }
    List<Object> values = LiftedValues.convert(lifted.literals(),
        shared.get().planned().parameterTypes());
    return values == null ? null : shared.get().withLiftedValues(sql, values);
  }

  private PreparedQuery plan(String sql, String text, PolicyViews.AgentView view, long generation) {
    PlannedStatement planned = gateway.plan(text, view.view());
    List<String> names = planned.columns().stream().map(OutputColumn::name).toList();
    return new PreparedQuery(sql, planned, StatementFacts.of(planned, names),
        planned.planText(), generation, null);
  }

  /**
   * Runs a prepared statement. The audit entry is durable before this returns (and so before
   * the first row reaches the caller); the completion entry is written when the cursor is
   * exhausted or closed.
   *
   * @throws EngineException {@code AUDIT_UNAVAILABLE} when the audit log cannot take the entry
   */
  public ResultCursor execute(PreparedQuery query, List<?> parameters) {
    return execute(query, parameters, CancelToken.NONE);
  }

  /**
   * Runs a prepared statement with the caller's token: its timeout (never longer than the role's)
   * and its cancel (e.g. the client went away) stop the statement in PostgreSQL.
   */
  public ResultCursor execute(PreparedQuery query, List<?> parameters, CancelToken token) {
    checkOpen();
    requireNonNull(token, "token is null");
    requireNonNull(query, "query is null");
    requireNonNull(parameters, "parameters is null");
    Gateway.PolicyState state = states.get(); // this statement's one snapshot
    if (query.generation() != state.generation()) {
      query = prepare(query.sql(), state); // the policy changed since it was prepared: plan again
    }
    if (parameters.size() != query.parameterTypes().size()) {
      throw new EngineException(ErrorCode.PARAMETER_COUNT, "The statement has "
          + query.parameterTypes().size() + " parameter(s) (?) but " + parameters.size()
          + " value(s) were given.");
    }
    PolicyViews.AgentView view = view(state);
    PlannedStatement planned = query.planned();
    if (transaction != null && transaction.failure() != null) {
      EngineException aborted = transaction.aborted(false);
      auditRefusal(query.sql(), view, state, aborted);
      throw aborted;
    }
    StatementContext context = gateway.context(caller.agentId(), view.role().name(), token);
    if (query.writes()) {
      return executeWrite(query, view, state, query.bind(parameters), context);
    }
    String statementId = UUID.randomUUID().toString();
    long started = System.nanoTime();
    List<?> bound = query.bind(parameters);
    AuditEvent start = startEvent(statementId, query, view, state, bound);
    if (planned.explain()) {
      gateway.audit(start);
      ResultCursor explain = explainCursor(query);
      return new AuditedCursor(explain, this, statementId, query, view, state, started);
    }
    // A read starts in PostgreSQL while its entry becomes durable; no row leaves before it is.
    var entry = gateway.auditSoon(start);
    ResultCursor cursor;
    try {
      cursor = gateway.executor().query(planned, bound, transaction, context);
    } catch (EngineException e) {
      gateway.awaitAudit(entry); // an entry that cannot be written refuses the statement instead
      end(statementId, query, view, state, started, 0, Outcome.failure(e.code(), e.getMessage()));
      throw e;
    }
    try {
      gateway.awaitAudit(entry);
    } catch (EngineException auditDown) {
      cursor.close(); // refused: none of its rows goes out
      throw auditDown;
    }
    return new AuditedCursor(cursor, this, statementId, query, view, state, started);
  }

  /**
   * A write, as the role's rule for the table says: refused ({@code deny}), run ({@code allow}),
   * or held until a person approves it ({@code approval}), then run once.
   */
  private ResultCursor executeWrite(PreparedQuery query, PolicyViews.AgentView view,
      Gateway.PolicyState state, List<?> parameters, StatementContext context) {
    PlannedStatement planned = query.planned();
    DmlRule rule = view.role().table(TableName.parse(planned.writeTarget()))
        .map(TablePolicy::dml).orElse(DmlRule.DENY);
    if (rule == DmlRule.DENY) {
      EngineException refused = new EngineException(ErrorCode.WRITE_NOT_ALLOWED, "Role '"
          + view.role().name() + "' may not " + planned.kind() + " " + planned.writeTarget()
          + " (its rule for the table is dml: deny).");
      auditRefusal(query.sql(), view, state, refused);
      throw refused;
    }
    ApprovalRequest approval = null;
    QueryExecutor.TransactionStep step = QueryExecutor.TransactionStep.NONE;
    if (rule == DmlRule.APPROVAL) {
      Approvals approvals = gateway.approvals();
      approval = approvals.approvedOrHold(caller, view.role().name(), query, parameters,
          state.policy().digest());
      step = approvals.consume(approval);
    }
    if (!autoCommit && transaction == null) {
      transaction = gateway.executor().begin(context);
    }
    String statementId = UUID.randomUUID().toString();
    long started = System.nanoTime();
    AuditEvent start = startEvent(statementId, query, view, state, parameters);
    gateway.audit(approval == null ? start : withApproval(start, approval.id()));
    long rows;
    try {
      rows = transaction == null
          ? gateway.executor().update(planned, parameters, step, context)
          : gateway.executor().update(planned, parameters, step, transaction, context);
    } catch (EngineException e) {
      end(statementId, query, view, state, started, 0, Outcome.failure(e.code(), e.getMessage()));
      throw e;
    }
    end(statementId, query, view, state, started, rows, Outcome.success());
    if (approval != null) {
      ApprovalRequest used = approval;
      String digest = state.policy().digest();
      String role = view.role().name();
      PreparedQuery ran = query;
      if (transaction == null) {
        gateway.approvals().executed(caller, role, used, ran, parameters, rows, digest);
      } else { // used only if the transaction commits; a rollback leaves it approved
        transaction.afterCommit(
            () -> gateway.approvals().executed(caller, role, used, ran, parameters, rows, digest));
      }
    }
    return new ListCursor(planned.columns(), List.<Object[]>of(new Object[] {rows}));
  }

  private static AuditEvent withApproval(AuditEvent event, String approvalId) {
    return event.withApprovalId(approvalId);
  }

  /** Plans and runs a statement. */
  public ResultCursor query(String sql, List<?> parameters) {
    return execute(prepare(sql), parameters);
  }

  /** Plans and runs a statement with the caller's token. */
  public ResultCursor query(String sql, List<?> parameters, CancelToken token) {
    return execute(prepare(sql), parameters, token);
  }

  private AuditEvent startEvent(String statementId, PreparedQuery query, PolicyViews.AgentView view,
      Gateway.PolicyState state, List<?> parameters) {
    PlannedStatement planned = query.planned();
    return base(AuditEventType.STATEMENT_START, view)
        .statementId(statementId)
        .prepared(query.audit()) // what it touches, masks, filters, SQL, plan, pushed SQL: encoded once
        .policyDigest(state.policy().digest())
        .parameters(parameters.stream().map(p -> p == null ? null : String.valueOf(p)).toList())
        .details(details("kind", planned.explain() ? "EXPLAIN" : planned.kind().name()))
        .build();
  }

  /** Entry details, with the open transaction's id when there is one. */
  private Map<String, String> details(String key, String value) {
    return transaction == null ? Map.of(key, value)
        : Map.of(key, value, "transaction", transaction.id());
  }

  void end(String statementId, PreparedQuery query, PolicyViews.AgentView view,
      Gateway.PolicyState state, long startedNanos, long rows, Outcome outcome) {
    gateway.audit(endEvent(statementId, query, view, state, startedNanos, rows, outcome));
  }

  /** A read's completion entry, appended without making the caller wait. */
  void endLater(String statementId, PreparedQuery query, PolicyViews.AgentView view,
      Gateway.PolicyState state, long startedNanos, long rows, Outcome outcome) {
    gateway.auditLater(endEvent(statementId, query, view, state, startedNanos, rows, outcome));
  }

  private AuditEvent endEvent(String statementId, PreparedQuery query, PolicyViews.AgentView view,
      Gateway.PolicyState state, long startedNanos, long rows, Outcome outcome) {
    return base(AuditEventType.STATEMENT_END, view)
        .statementId(statementId)
        .preparedSql(query.audit()) // its encoding made once too
        .policyDigest(state.policy().digest())
        .rows(rows)
        .duration(Duration.ofNanos(System.nanoTime() - startedNanos))
        .outcome(outcome)
        .details(transaction == null ? Map.of() : Map.of("transaction", transaction.id()))
        .build();
  }

  private void auditRefusal(String sql, PolicyViews.AgentView view, Gateway.PolicyState state,
      EngineException e) {
    try {
      gateway.audit(base(e.errorCode().invalidStatement()
              ? AuditEventType.STATEMENT_INVALID : AuditEventType.ACCESS_DENIED, view)
          .sql(sql)
          .policyDigest(state.policy().digest())
          .outcome(Outcome.failure(e.code(), e.getMessage()))
          .build());
    } catch (EngineException auditFailure) {
      e.addSuppressed(auditFailure);
    }
  }

  private AuditEvent.Builder base(AuditEventType type, PolicyViews.AgentView view) {
    return AuditEvent.builder(type)
        .agent(caller.agentId())
        .role(view.role().name())
        .clientAddress(caller.clientAddress())
        .session(caller.session())
        .driver(caller.driver())
        .actingFor(caller.actingFor())
        .approvalId(previewOf);
  }

  /** The approval request whose rows this session reads for its approver, or null. */
  private String previewOf;

  /** Marks the session's entries as an approver's preview of a request (field approvalId). */
  void previewing(String approvalId) {
    this.previewOf = requireNonNull(approvalId, "approvalId is null");
  }

  private static ResultCursor explainCursor(PreparedQuery query) {
    List<Object[]> rows = new ArrayList<>();
    for (String line : query.agentExplain()) { // computed on demand: EXPLAIN is rare
      rows.add(new Object[] {line});
    }
    return new ListCursor(List.of(PreparedQuery.PLAN_COLUMN), rows);
  }

  /**
   * Turns autocommit on or off, as JDBC's {@code setAutoCommit}: turning it on commits an open
   * transaction.
   */
  public void setAutoCommit(boolean on) {
    checkOpen();
    if (on && transaction != null) {
      commit();
    }
    autoCommit = on;
  }

  /**
   * Opens a read-only transaction reading one snapshot, which this session's statements then run
   * in until {@link #rollback}: an approver's preview of a held write.
   */
  Transaction beginReadOnly() {
    checkOpen();
    if (transaction != null) {
      throw new IllegalStateException("a transaction is already open");
    }
    PolicyViews.AgentView view = view();
    transaction = gateway.executor().beginReadOnly(
        gateway.context(caller.agentId(), view.role().name(), CancelToken.NONE));
    autoCommit = false;
    return transaction;
  }

  /** The caller's view of the database under the policy in force. */
  CatalogView catalog() {
    return view().view();
  }

  /** Whether a transaction is open (a write ran with autocommit off and has not been ended). */
  public boolean inTransaction() {
    return transaction != null;
  }

  /**
   * Commits the open transaction (nothing to do when none is open). The commit's audit entry is
   * durable before PostgreSQL commits: when the audit log cannot take it, the transaction is rolled
   * back instead (fail closed).
   *
   * @throws EngineException {@code TRANSACTION_ABORTED} when a statement in it had failed, or
   *     {@code AUDIT_UNAVAILABLE}: in both cases it was rolled back
   */
  public void commit() {
    checkOpen();
    Transaction ending = transaction;
    if (ending == null) {
      return;
    }
    transaction = null;
    if (ending.failure() != null) {
      ending.rollback();
      EngineException aborted = ending.aborted(true);
      auditTransactionEnd(ending, AuditEventType.TRANSACTION_ROLLBACK, "commit requested",
          Outcome.failure(aborted.code(), aborted.getMessage()));
      throw aborted;
    }
    try {
      gateway.audit(transactionEvent(ending, AuditEventType.TRANSACTION_COMMIT, "commit requested",
          Outcome.success()));
    } catch (EngineException auditDown) {
      ending.rollback();
      throw new EngineException(auditDown.errorCode(), "The transaction was rolled back, not committed:"
          + " its commit could not be recorded in the audit log. " + auditDown.getMessage());
    }
    try {
      ending.commit();
    } catch (EngineException e) {
      auditTransactionEnd(ending, AuditEventType.TRANSACTION_ROLLBACK,
          "the commit failed in PostgreSQL", Outcome.failure(e.code(), e.getMessage()));
      throw e;
    }
  }

  /** Rolls back the open transaction (nothing to do when none is open). Audited. */
  public void rollback() {
    checkOpen();
    rollback("rollback requested");
  }

  private void rollback(String reason) {
    Transaction ending = transaction;
    if (ending == null) {
      return;
    }
    transaction = null;
    ending.rollback();
    auditTransactionEnd(ending, AuditEventType.TRANSACTION_ROLLBACK, reason, Outcome.success());
  }

  /** A transaction's end, audited as well as the log allows (the transaction has ended). */
  private void auditTransactionEnd(Transaction ending, AuditEventType type, String reason,
      Outcome outcome) {
    try {
      gateway.audit(transactionEvent(ending, type, reason, outcome));
    } catch (EngineException e) {
      // The transaction has ended either way; the audit log's health reports the problem.
    }
  }

  private AuditEvent transactionEvent(Transaction ending, AuditEventType type, String reason,
      Outcome outcome) {
    Gateway.PolicyState state = states.get();
    return base(type, view(state))
        .policyDigest(state.policy().digest())
        .rows(ending.rowsWritten())
        .outcome(outcome)
        .details(Map.of("transaction", ending.id(), "writes", String.valueOf(ending.writes()),
            "reason", reason))
        .build();
  }

  /** The tables (and their columns and keys) this caller's role sees, for metadata calls. */
  public List<TableInfo> tables() {
    checkOpen();
    CatalogView catalog = view().view();
    List<TableInfo> tables = new ArrayList<>();
    catalog.tables().forEach((schema, schemaTables) -> schemaTables.forEach((name, table) ->
        tables.add(tableInfo(catalog, schema, name, table))));
    return tables;
  }

  private static TableInfo tableInfo(CatalogView catalog, String schema, String name,
      GatewayTable table) {
    RelDataType rowType = table.getRowType(QueryPlanner.TYPE_FACTORY);
    List<TableInfo.ColumnInfo> columns = new ArrayList<>();
    for (RelDataTypeField field : rowType.getFieldList()) {
      RelDataType type = field.getType();
      columns.add(new TableInfo.ColumnInfo(field.getName(), type.getSqlTypeName().getJdbcOrdinal(),
          type.getSqlTypeName().getName(),
          type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
              || PostgresTypeSystem.isUnboundedNumeric(type) ? -1 : type.getPrecision(),
          type.getSqlTypeName().allowsScale() && !PostgresTypeSystem.isUnboundedNumeric(type)
              ? type.getScale() : -1,
          type.isNullable(), table.maskLabel(field.getName())));
    }
    // Keys only where the role sees every column they name: a key must not reveal a hidden one.
    ReflectedTable source = table.raw().source();
    List<String> primaryKey = visible(table, source.primaryKey()) ? source.primaryKey() : List.of();
    List<ReflectedTable.ForeignKey> foreignKeys = new ArrayList<>();
    for (ReflectedTable.ForeignKey key : source.foreignKeys()) {
      GatewayTable referenced = catalog.tables().getOrDefault(key.referencedSchema(), Map.of())
          .get(key.referencedTable());
      if (referenced != null && visible(table, key.columns())
          && visible(referenced, key.referencedColumns())) {
        foreignKeys.add(key);
      }
    }
    return new TableInfo(schema, name, table.getJdbcTableType()
        == org.apache.calcite.schema.Schema.TableType.VIEW, columns, primaryKey, foreignKeys);
  }

  private static boolean visible(GatewayTable table, List<String> columns) {
    List<String> names = table.getRowType(QueryPlanner.TYPE_FACTORY).getFieldNames();
    return !columns.isEmpty() && names.containsAll(columns);
  }

  private void checkOpen() {
    if (closed) {
      throw new EngineException(ErrorCode.SESSION_CLOSED, "The session is closed.");
    }
  }

  /** Ends the session (audited). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    rollback("session closed with the transaction open");
    closed = true;
    if (!audited) {
      return;
    }
    currentView().ifPresent(view -> {
      try {
        gateway.audit(base(AuditEventType.SESSION_CLOSE, view).outcome(Outcome.success()).build());
      } catch (EngineException e) {
        // The session is over either way; the audit log's health already reports the problem.
      }
    });
  }
}
