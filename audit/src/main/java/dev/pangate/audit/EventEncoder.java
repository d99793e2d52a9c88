package dev.pangate.audit;

import dev.pangate.audit.record.CanonicalJson;
import dev.pangate.masking.pan.PanScrubber;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns an {@link AuditEvent} into the canonical JSON object stored in an entry's {@code event}
 * field, truncating every PAN-like string on the way (values, list elements and map keys alike).
 * Absent fields (null or empty) are left out. The field names are the constants below.
 */
public final class EventEncoder {

  public static final String TYPE = "type";
  public static final String STATEMENT_ID = "statementId";
  public static final String AGENT = "agent";
  public static final String ROLE = "role";
  public static final String CLIENT_ADDRESS = "clientAddress";
  public static final String SESSION = "session";
  public static final String DRIVER = "driver";
  public static final String TABLES = "tables";
  public static final String COLUMNS = "columns";
  public static final String MASKS = "masks";
  public static final String ROW_FILTERS = "rowFilters";
  public static final String SQL = "sql";
  public static final String LOGICAL_PLAN = "logicalPlan";
  public static final String PUSHED_SQL = "pushedSql";
  public static final String POLICY_DIGEST = "policyDigest";
  public static final String PARAMETERS = "parameters";
  public static final String APPROVAL_ID = "approvalId";
  public static final String OUTCOME = "outcome";
  public static final String OUTCOME_STATUS = "status";
  public static final String OUTCOME_CODE = "code";
  public static final String OUTCOME_MESSAGE = "message";
  public static final String ROWS = "rows";
  public static final String DURATION_MICROS = "durationMicros";
  public static final String DETAILS = "details";
  public static final String ACTING_FOR = "actingFor";

  private EventEncoder() {}

  /**
   * The fields of a prepared statement's entries that stay the same from one execution to the next
   * (what it touches, masks, row filters, its SQL, plan and pushed SQL), scrubbed and encoded once
   * when it is prepared instead of at every execution. An event built with them ({@link
   * AuditEvent.Builder#prepared}) is encoded exactly as one given the same values field by field; a
   * field the event holds another value in is encoded from that value. Immutable.
   */
  public static final class Prepared {
    private final List<String> tables;
    private final List<String> columns;
    private final Map<String, String> masks;
    private final Map<String, String> rowFilters;
    private final String sql;
    private final String logicalPlan;
    private final List<String> pushedSql;
    // The encoded value of each field present (absent ones are left out of entries).
    private final Map<String, CanonicalJson.Raw> encoded;
    /** About the length of the encoded fields, to size an entry's text once. */
    private final int encodedLength;

    private Prepared(List<String> tables, List<String> columns, Map<String, String> masks,
        Map<String, String> rowFilters, String sql, String logicalPlan, List<String> pushedSql,
        Map<String, CanonicalJson.Raw> encoded) {
      this.tables = tables;
      this.columns = columns;
      this.masks = masks;
      this.rowFilters = rowFilters;
      this.sql = sql;
      this.logicalPlan = logicalPlan;
      this.pushedSql = pushedSql;
      this.encoded = encoded;
      this.encodedLength = encoded.values().stream().mapToInt(raw -> raw.json().length() + 16).sum();
    }

    /** Copies and encodes the fields (null or empty: absent). */
    public static Prepared of(List<String> tables, List<String> columns, Map<String, String> masks,
        Map<String, String> rowFilters, String sql, String logicalPlan, List<String> pushedSql) {
      AuditEvent values = AuditEvent.builder(AuditEventType.STATEMENT_START).statementId("-")
          .tables(tables).columns(columns).masks(masks).rowFilters(rowFilters).sql(sql)
          .logicalPlan(logicalPlan).pushedSql(pushedSql).build();
      TreeMap<String, Object> fields = new TreeMap<>();
      list(fields, TABLES, values.tables());
      list(fields, COLUMNS, values.columns());
      map(fields, MASKS, values.masks());
      map(fields, ROW_FILTERS, values.rowFilters());
      text(fields, SQL, values.sql());
      text(fields, LOGICAL_PLAN, values.logicalPlan());
      list(fields, PUSHED_SQL, values.pushedSql());
      Map<String, CanonicalJson.Raw> encoded = new TreeMap<>();
      fields.forEach((name, value) -> encoded.put(name, new CanonicalJson.Raw(CanonicalJson.encode(value))));
      return new Prepared(values.tables(), values.columns(), values.masks(), values.rowFilters(),
          values.sql(), values.logicalPlan(), values.pushedSql(), Map.copyOf(encoded));
    }

    /** The same fields for another SQL text (a statement sharing this one's plan). */
    public Prepared withSql(String otherSql) {
      Map<String, CanonicalJson.Raw> again = new TreeMap<>(encoded);
      again.remove(SQL);
      if (otherSql != null) {
        again.put(SQL, new CanonicalJson.Raw(CanonicalJson.encode(PanScrubber.scrub(otherSql))));
      }
      return new Prepared(tables, columns, masks, rowFilters, otherSql, logicalPlan, pushedSql,
          Map.copyOf(again));
    }

    public List<String> tables() {
      return tables;
    }

    public List<String> columns() {
      return columns;
    }

    public Map<String, String> masks() {
      return masks;
    }

    public Map<String, String> rowFilters() {
      return rowFilters;
    }

    public String sql() {
      return sql;
    }

    public String logicalPlan() {
      return logicalPlan;
    }

    public List<String> pushedSql() {
      return pushedSql;
    }

    @Override
    public String toString() {
      return "EventEncoder.Prepared" + encoded.keySet();
    }

    /**
     * Puts the field's encoded value when the event holds this very value (the one given here, not
     * an equal copy); false when it holds another, which is then encoded as usual.
     */
    private boolean reuse(CanonicalJson.ObjectWriter out, String name, Object own, Object value) {
      if (own != value) {
        return false;
      }
      CanonicalJson.Raw raw = encoded.get(name);
      if (raw != null) {
        out.raw(name, raw.json());
      }
      return true;
    }
  }

  /**
   * The scrubbed canonical JSON of the event. Its fields are written in their sorted order straight
   * into the text (objects inside it through sorted maps: their keys are scrubbed first); {@code
   * EventEncoderTest} holds it to the sorted map's encoding of the same fields.
   */
  public static CanonicalJson.Raw encode(AuditEvent event) {
    Prepared p = event.prepared();
    CanonicalJson.ObjectWriter out = new CanonicalJson.ObjectWriter(
        p == null ? 512 : 256 + p.encodedLength);
    if (event.actingFor() != null) {
      TreeMap<String, Object> actingFor = new TreeMap<>();
      text(actingFor, "subject", event.actingFor().subject());
      actingFor.put("assurance", event.actingFor().assurance().name().toLowerCase(java.util.Locale.ROOT));
      text(actingFor, "source", event.actingFor().source());
      out.value(ACTING_FOR, actingFor);
    }
    text(out, AGENT, event.agent());
    text(out, APPROVAL_ID, event.approvalId());
    text(out, CLIENT_ADDRESS, event.clientAddress());
    if (p == null || !p.reuse(out, COLUMNS, p.columns, event.columns())) {
      list(out, COLUMNS, event.columns());
    }
    map(out, DETAILS, event.details());
    text(out, DRIVER, event.driver());
    if (event.duration() != null) {
      out.number(DURATION_MICROS, event.duration().toNanos() / 1_000);
    }
    if (p == null || !p.reuse(out, LOGICAL_PLAN, p.logicalPlan, event.logicalPlan())) {
      text(out, LOGICAL_PLAN, event.logicalPlan());
    }
    if (p == null || !p.reuse(out, MASKS, p.masks, event.masks())) {
      map(out, MASKS, event.masks());
    }
    if (event.outcome() != null) {
      TreeMap<String, Object> outcome = new TreeMap<>();
      outcome.put(OUTCOME_STATUS, event.outcome().succeeded() ? "success" : "failure");
      text(outcome, OUTCOME_CODE, event.outcome().code());
      text(outcome, OUTCOME_MESSAGE, event.outcome().message());
      out.value(OUTCOME, outcome);
    }
    list(out, PARAMETERS, event.parameters());
    text(out, POLICY_DIGEST, event.policyDigest());
    if (p == null || !p.reuse(out, PUSHED_SQL, p.pushedSql, event.pushedSql())) {
      list(out, PUSHED_SQL, event.pushedSql());
    }
    text(out, ROLE, event.role());
    if (p == null || !p.reuse(out, ROW_FILTERS, p.rowFilters, event.rowFilters())) {
      map(out, ROW_FILTERS, event.rowFilters());
    }
    if (event.rows() != null) {
      out.number(ROWS, event.rows());
    }
    text(out, SESSION, event.session());
    if (p == null || !p.reuse(out, SQL, p.sql, event.sql())) {
      text(out, SQL, event.sql());
    }
    text(out, STATEMENT_ID, event.statementId());
    if (p == null || !p.reuse(out, TABLES, p.tables, event.tables())) {
      list(out, TABLES, event.tables());
    }
    out.text(TYPE, event.type().name());
    return new CanonicalJson.Raw(out.close());
  }

  private static void text(CanonicalJson.ObjectWriter out, String name, String value) {
    if (value != null) {
      out.text(name, PanScrubber.scrub(value));
    }
  }

  private static void list(CanonicalJson.ObjectWriter out, String name, List<String> values) {
    if (!values.isEmpty()) {
      List<String> scrubbed = new ArrayList<>(values.size());
      for (String value : values) {
        scrubbed.add(PanScrubber.scrub(value));
      }
      out.texts(name, scrubbed);
    }
  }

  private static void map(CanonicalJson.ObjectWriter out, String name, Map<String, String> values) {
    if (!values.isEmpty()) {
      TreeMap<String, Object> scrubbed = new TreeMap<>();
      values.forEach((k, v) -> scrubbed.put(PanScrubber.scrub(k), PanScrubber.scrub(v)));
      out.value(name, scrubbed);
    }
  }

  private static void text(Map<String, Object> fields, String name, String value) {
    if (value != null) {
      fields.put(name, PanScrubber.scrub(value));
    }
  }

  private static void list(Map<String, Object> fields, String name, List<String> values) {
    if (!values.isEmpty()) {
      List<String> scrubbed = new ArrayList<>(values.size());
      for (String value : values) {
        scrubbed.add(PanScrubber.scrub(value));
      }
      fields.put(name, scrubbed);
    }
  }

  private static void map(Map<String, Object> fields, String name, Map<String, String> values) {
    if (!values.isEmpty()) {
      TreeMap<String, Object> scrubbed = new TreeMap<>();
      values.forEach((k, v) -> scrubbed.put(PanScrubber.scrub(k), PanScrubber.scrub(v)));
      fields.put(name, scrubbed);
    }
  }
}
