package dev.pangate.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Something that happened and must be recorded: PCI DSS 10.2.2's who, what, where and outcome,
 * plus the statement's SQL, rewritten plan and pushed SQL. Immutable; build one with {@link
 * #builder(AuditEventType)}. Every field but {@code type} is optional (null or empty when it does
 * not apply). The log adds the time, the time source, the sequence number and the hashes.
 *
 * @param type what happened
 * @param statementId links a statement's START and END entries (required for those two types)
 * @param agent the authenticated identity (an agent or analyst id)
 * @param role the policy role the identity acted in
 * @param clientAddress where the request came from (address and port)
 * @param session the session id
 * @param driver the client driver or protocol (e.g. "avatica-protobuf", "http-json")
 * @param tables the tables the statement touched, as {@code schema.table}
 * @param columns the columns it read, as {@code schema.table.column}
 * @param masks the masks applied: column → mask name
 * @param rowFilters the row filters applied: table → filter text with bound values elided
 * @param sql the SQL text as received
 * @param logicalPlan the logical plan after the policy rewrite and optimisation
 * @param pushedSql the SQL statements sent to PostgreSQL
 * @param policyDigest the digest of the policy in force
 * @param parameters the statement's parameter values as text (null elements for SQL NULL)
 * @param approvalId the approval this relates to, if any
 * @param outcome success or failure; absent on a STATEMENT_START (it is not known yet)
 * @param rows rows returned (STATEMENT_END)
 * @param duration how long the statement ran (STATEMENT_END)
 * @param details anything else, as text
 * @param actingFor whom the agent acts for (verified or only declared), or null
 * @param prepared the statement fields of a prepared statement, encoded once for all its entries,
 *     or null; only the fields holding its very values are taken from it, so the entry is the same
 *     with or without it
 */
public record AuditEvent(
    AuditEventType type,
    String statementId,
    String agent,
    String role,
    String clientAddress,
    String session,
    String driver,
    List<String> tables,
    List<String> columns,
    Map<String, String> masks,
    Map<String, String> rowFilters,
    String sql,
    String logicalPlan,
    List<String> pushedSql,
    String policyDigest,
    List<String> parameters,
    String approvalId,
    Outcome outcome,
    Long rows,
    Duration duration,
    Map<String, String> details,
    ActingFor actingFor,
    EventEncoder.Prepared prepared) {

  public AuditEvent {
    requireNonNull(type, "type is null");
    if (type.isStatement() && statementId == null) {
      throw new IllegalArgumentException(type + " needs a statementId to link START and END");
    }
    if (type == AuditEventType.STATEMENT_END && outcome == null) {
      throw new IllegalArgumentException("STATEMENT_END needs an outcome");
    }
    if (rows != null && rows < 0) {
      throw new IllegalArgumentException("rows is negative: " + rows);
    }
    if (duration != null && duration.isNegative()) {
      throw new IllegalArgumentException("duration is negative: " + duration);
    }
    // The prepared statement's own values are immutable copies already: kept as they are.
    boolean p = prepared != null;
    tables = p && tables == prepared.tables() ? tables : copyOf(tables, "tables");
    columns = p && columns == prepared.columns() ? columns : copyOf(columns, "columns");
    pushedSql = p && pushedSql == prepared.pushedSql() ? pushedSql : copyOf(pushedSql, "pushedSql");
    parameters = parameters == null
        ? List.of()
        : Collections.unmodifiableList(new ArrayList<>(parameters)); // SQL NULL parameters stay null
    masks = p && masks == prepared.masks() ? masks : copyOf(masks, "masks");
    rowFilters = p && rowFilters == prepared.rowFilters() ? rowFilters : copyOf(rowFilters, "rowFilters");
    details = copyOf(details, "details");
  }

  /** An event with an acting-for principal and no prepared statement fields. */
  public AuditEvent(AuditEventType type, String statementId, String agent, String role, String clientAddress,
      String session, String driver, List<String> tables, List<String> columns, Map<String, String> masks,
      Map<String, String> rowFilters, String sql, String logicalPlan, List<String> pushedSql,
      String policyDigest, List<String> parameters, String approvalId, Outcome outcome, Long rows,
      Duration duration, Map<String, String> details, ActingFor actingFor) {
    this(type, statementId, agent, role, clientAddress, session, driver, tables, columns, masks, rowFilters,
        sql, logicalPlan, pushedSql, policyDigest, parameters, approvalId, outcome, rows, duration, details,
        actingFor, null);
  }

  /** An event without an acting-for principal. */
  public AuditEvent(AuditEventType type, String statementId, String agent, String role, String clientAddress,
      String session, String driver, List<String> tables, List<String> columns, Map<String, String> masks,
      Map<String, String> rowFilters, String sql, String logicalPlan, List<String> pushedSql,
      String policyDigest, List<String> parameters, String approvalId, Outcome outcome, Long rows,
      Duration duration, Map<String, String> details) {
    this(type, statementId, agent, role, clientAddress, session, driver, tables, columns, masks, rowFilters,
        sql, logicalPlan, pushedSql, policyDigest, parameters, approvalId, outcome, rows, duration, details,
        null, null);
  }

  /** The same event with other details (everything else kept). */
  public AuditEvent withDetails(Map<String, String> newDetails) {
    return new AuditEvent(type, statementId, agent, role, clientAddress, session, driver, tables, columns,
        masks, rowFilters, sql, logicalPlan, pushedSql, policyDigest, parameters, approvalId, outcome, rows,
        duration, newDetails, actingFor, prepared);
  }

  /** The same event for another approval (everything else kept). */
  public AuditEvent withApprovalId(String newApprovalId) {
    return new AuditEvent(type, statementId, agent, role, clientAddress, session, driver, tables, columns,
        masks, rowFilters, sql, logicalPlan, pushedSql, policyDigest, parameters, newApprovalId, outcome, rows,
        duration, details, actingFor, prepared);
  }

  /** A builder for an event of the given type. */
  public static Builder builder(AuditEventType type) {
    return new Builder(type);
  }

  private static List<String> copyOf(List<String> list, String name) {
    if (list == null) {
      return List.of();
    }
    for (String s : list) {
      requireNonNull(s, name + " has a null element");
    }
    return List.copyOf(list);
  }

  private static Map<String, String> copyOf(Map<String, String> map, String name) {
    if (map == null) {
      return Map.of();
    }
    TreeMap<String, String> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(
        requireNonNull(k, name + " has a null key"), requireNonNull(v, name + " has a null value")));
    return Collections.unmodifiableSortedMap(copy);
  }

  /** Collects the optional fields of an {@link AuditEvent}. Not thread-safe. */
  public static final class Builder {
    private final AuditEventType type;
    private String statementId;
    private String agent;
    private String role;
    private String clientAddress;
    private String session;
    private String driver;
    private List<String> tables;
    private List<String> columns;
    private Map<String, String> masks;
    private Map<String, String> rowFilters;
    private String sql;
    private String logicalPlan;
    private List<String> pushedSql;
    private String policyDigest;
    private List<String> parameters;
    private String approvalId;
    private Outcome outcome;
    private Long rows;
    private Duration duration;
    private Map<String, String> details;
    private ActingFor actingFor;
    private EventEncoder.Prepared prepared;

    private Builder(AuditEventType type) {
      this.type = requireNonNull(type, "type is null");
    }

    public Builder statementId(String statementId) {
      this.statementId = statementId;
      return this;
    }

    public Builder agent(String agent) {
      this.agent = agent;
      return this;
    }

    public Builder role(String role) {
      this.role = role;
      return this;
    }

    public Builder clientAddress(String clientAddress) {
      this.clientAddress = clientAddress;
      return this;
    }

    public Builder session(String session) {
      this.session = session;
      return this;
    }

    public Builder driver(String driver) {
      this.driver = driver;
      return this;
    }

    public Builder tables(List<String> tables) {
      this.tables = tables;
      return this;
    }

    public Builder columns(List<String> columns) {
      this.columns = columns;
      return this;
    }

    public Builder masks(Map<String, String> masks) {
      this.masks = masks;
      return this;
    }

    public Builder rowFilters(Map<String, String> rowFilters) {
      this.rowFilters = rowFilters;
      return this;
    }

    public Builder sql(String sql) {
      this.sql = sql;
      return this;
    }

    public Builder logicalPlan(String logicalPlan) {
      this.logicalPlan = logicalPlan;
      return this;
    }

    public Builder pushedSql(List<String> pushedSql) {
      this.pushedSql = pushedSql;
      return this;
    }

    public Builder policyDigest(String policyDigest) {
      this.policyDigest = policyDigest;
      return this;
    }

    public Builder parameters(List<String> parameters) {
      this.parameters = parameters;
      return this;
    }

    public Builder approvalId(String approvalId) {
      this.approvalId = approvalId;
      return this;
    }

    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder rows(long rows) {
      this.rows = rows;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    public Builder details(Map<String, String> details) {
      this.details = details;
      return this;
    }

    /** Whom the agent acts for (null: nobody said). */
    public Builder actingFor(ActingFor actingFor) {
      this.actingFor = actingFor;
      return this;
    }

    /**
     * A prepared statement's fields (tables, columns, masks, row filters, SQL, plan, pushed SQL),
     * encoded once for all its entries; a field set afterwards replaces its value.
     */
    public Builder prepared(EventEncoder.Prepared prepared) {
      this.prepared = requireNonNull(prepared, "prepared is null");
      this.tables = prepared.tables();
      this.columns = prepared.columns();
      this.masks = prepared.masks();
      this.rowFilters = prepared.rowFilters();
      this.sql = prepared.sql();
      this.logicalPlan = prepared.logicalPlan();
      this.pushedSql = prepared.pushedSql();
      return this;
    }

    /** Only a prepared statement's SQL (a completion entry's), encoded once for all its entries. */
    public Builder preparedSql(EventEncoder.Prepared prepared) {
      this.prepared = requireNonNull(prepared, "prepared is null");
      this.sql = prepared.sql();
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(type, statementId, agent, role, clientAddress, session, driver, tables,
          columns, masks, rowFilters, sql, logicalPlan, pushedSql, policyDigest, parameters,
          approvalId, outcome, rows, duration, details, actingFor, prepared);
    }
  }
}
