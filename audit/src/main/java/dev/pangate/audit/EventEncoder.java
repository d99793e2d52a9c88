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

  /** The scrubbed canonical JSON of the event. */
  public static CanonicalJson.Raw encode(AuditEvent event) {
    TreeMap<String, Object> fields = new TreeMap<>();
    fields.put(TYPE, event.type().name());
    text(fields, STATEMENT_ID, event.statementId());
    text(fields, AGENT, event.agent());
    text(fields, ROLE, event.role());
    text(fields, CLIENT_ADDRESS, event.clientAddress());
    text(fields, SESSION, event.session());
    text(fields, DRIVER, event.driver());
    list(fields, TABLES, event.tables());
    list(fields, COLUMNS, event.columns());
    map(fields, MASKS, event.masks());
    map(fields, ROW_FILTERS, event.rowFilters());
    text(fields, SQL, event.sql());
    text(fields, LOGICAL_PLAN, event.logicalPlan());
    list(fields, PUSHED_SQL, event.pushedSql());
    text(fields, POLICY_DIGEST, event.policyDigest());
    list(fields, PARAMETERS, event.parameters());
    text(fields, APPROVAL_ID, event.approvalId());
    if (event.outcome() != null) {
      TreeMap<String, Object> outcome = new TreeMap<>();
      outcome.put(OUTCOME_STATUS, event.outcome().succeeded() ? "success" : "failure");
      text(outcome, OUTCOME_CODE, event.outcome().code());
      text(outcome, OUTCOME_MESSAGE, event.outcome().message());
      fields.put(OUTCOME, outcome);
    }
    if (event.rows() != null) {
      fields.put(ROWS, event.rows());
    }
    if (event.duration() != null) {
      fields.put(DURATION_MICROS, event.duration().toNanos() / 1_000);
    }
    map(fields, DETAILS, event.details());
    if (event.actingFor() != null) {
      TreeMap<String, Object> actingFor = new TreeMap<>();
      text(actingFor, "subject", event.actingFor().subject());
      actingFor.put("assurance", event.actingFor().assurance().name().toLowerCase(java.util.Locale.ROOT));
      text(actingFor, "source", event.actingFor().source());
      fields.put(ACTING_FOR, actingFor);
    }
    return new CanonicalJson.Raw(CanonicalJson.encode(fields));
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
