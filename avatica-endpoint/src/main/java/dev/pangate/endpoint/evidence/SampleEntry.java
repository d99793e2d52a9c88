package dev.pangate.endpoint.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import java.util.Map;

/**
 * One statement's entries (its start, and its end when the period holds it) shown field by field
 * against the six details PCI DSS 10.2.2 requires of every audit log entry.
 */
final class SampleEntry {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SampleEntry() {}

  static ObjectNode of(ParsedRecord start, ParsedRecord end) {
    Map<String, Object> event = start.event();
    Map<String, Object> ended = end == null ? Map.of() : end.event();
    ObjectNode out = NODES.objectNode();
    out.put("seq", start.sequence());
    out.put("endSeq", end == null ? null : end.sequence());
    out.put("hash", start.string(RecordFormat.HASH));
    ArrayNode rows = out.putArray("fields");
    row(rows, "10.2.2 (1) user identification", "agent", event.get(EventEncoder.AGENT));
    row(rows, "10.2.2 (1) user identification", "role", event.get(EventEncoder.ROLE));
    row(rows, "10.2.2 (2) type of event", "type", event.get(EventEncoder.TYPE));
    row(rows, "10.2.2 (3) date and time", "time", start.time().toString());
    row(rows, "10.2.2 (3) date and time", "timeSource", start.string(RecordFormat.TIME_SOURCE));
    row(rows, "10.2.2 (4) success or failure", "outcome (end entry)", ended.get(EventEncoder.OUTCOME));
    row(rows, "10.2.2 (4) success or failure", "rows (end entry)", ended.get(EventEncoder.ROWS));
    row(rows, "10.2.2 (5) origination of the event", "clientAddress", event.get(EventEncoder.CLIENT_ADDRESS));
    row(rows, "10.2.2 (5) origination of the event", "session", event.get(EventEncoder.SESSION));
    row(rows, "10.2.2 (5) origination of the event", "driver", event.get(EventEncoder.DRIVER));
    row(rows, "10.2.2 (6) affected data, component, resource", "node", start.string(RecordFormat.NODE));
    row(rows, "10.2.2 (6) affected data, component, resource", "tables", event.get(EventEncoder.TABLES));
    row(rows, "10.2.2 (6) affected data, component, resource", "columns", event.get(EventEncoder.COLUMNS));
    row(rows, "10.2.2 (6) affected data, component, resource", "masks", event.get(EventEncoder.MASKS));
    row(rows, "10.2.2 (6) affected data, component, resource", "rowFilters", event.get(EventEncoder.ROW_FILTERS));
    row(rows, "10.2.2 (6) affected data, component, resource", "sql", event.get(EventEncoder.SQL));
    row(rows, "10.2.2 (6) affected data, component, resource", "pushedSql", event.get(EventEncoder.PUSHED_SQL));
    row(rows, "policy in force", "policyDigest", event.get(EventEncoder.POLICY_DIGEST));
    row(rows, "10.3 integrity", "prev / hash", start.string(RecordFormat.PREV) + " → "
        + start.string(RecordFormat.HASH));
    return out;
  }

  private static void row(ArrayNode rows, String requirement, String field, Object value) {
    ObjectNode row = rows.addObject();
    row.put("requirement", requirement);
    row.put("field", field);
    row.put("value", value == null ? "(absent)" : String.valueOf(value));
  }
}
