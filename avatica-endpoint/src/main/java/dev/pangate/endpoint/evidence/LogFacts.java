package dev.pangate.endpoint.evidence;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pangate.audit.AuditEventType;
import dev.pangate.audit.EventEncoder;
import dev.pangate.audit.record.MalformedRecordException;
import dev.pangate.audit.record.ParsedRecord;
import dev.pangate.audit.record.RecordFormat;
import dev.pangate.audit.verify.RecordSource;
import dev.pangate.audit.verify.SourceLine;
import dev.pangate.masking.pan.PanScrubber;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the audit log says about a period, read from its records (entries, seals) up to the seal the
 * report is built on: statements per agent, table and day, refusals by code, writes and their
 * approvals, policy loads, key changes, starts and stops of the log, failed logins, failures of the
 * audit sink, a scan for PAN-like values, and one entry shown field by field. The same records
 * always give the same facts ({@code pangate evidence verify} recomputes them and compares).
 *
 * <p>It reads; it does not verify. The records it reads are those the verifier checked first (every
 * record before the seal's sequence number is covered by that seal's signature).
 */
final class LogFacts {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The most items listed one by one in a section (counts cover everything). */
  static final int MAX_LISTED = 200;
  /** A truncated PAN as the scrubber and the truncate mask write it: digits, masked run, digits. */
  private static final Pattern MASKED_PAN = Pattern.compile("\\b\\d{4,8}[*]{3,}\\d{2,4}\\b");
  private static final Pattern WRITE = Pattern.compile(
      "^\\s*(?:with\\b.*?\\)\\s*)?(insert|update|delete|merge)\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private LogFacts() {}

  /**
   * Reads the facts.
   *
   * @param source the log
   * @param period the period
   * @param size records with a sequence number below it are read (up to and including the built-on seal)
   */
  static ObjectNode read(RecordSource source, Period period, long size) throws IOException {
    requireNonNull(source, "source is null");
    return read(List.of(new Chain(source, size)), period);
  }

  /** One node's chain, read up to {@code size} records (its built-on seal included). */
  record Chain(RecordSource source, long size) {
    Chain {
      requireNonNull(source, "source is null");
    }
  }

  /**
   * Reads the facts of several nodes' chains as one history: their records merged in time order
   * (ties by node id, then sequence), so lists and counts cover every node alike and the same chains
   * always give the same facts.
   */
  static ObjectNode read(List<Chain> chains, Period period) throws IOException {
    Scan scan = new Scan(period);
    java.util.PriorityQueue<Head> heads = new java.util.PriorityQueue<>();
    for (Chain chain : chains) {
      Head head = new Head(chain.source().lines(), chain.size());
      if (head.advance()) {
        heads.add(head);
      }
    }
    while (!heads.isEmpty()) {
      Head head = heads.poll();
      scan.read(head.record);
      if (head.advance()) {
        heads.add(head);
      }
    }
    return scan.result();
  }

  /** The next record of one chain, for the merge. */
  private static final class Head implements Comparable<Head> {
    private final Iterator<SourceLine> lines;
    private final long size;
    private ParsedRecord record;
    private String node;

    Head(Iterator<SourceLine> lines, long size) {
      this.lines = lines;
      this.size = size;
    }

    /** Moves to the chain's next record that parses; false at its end (or at {@code size}). */
    boolean advance() {
      while (lines.hasNext()) {
        ParsedRecord next;
        try {
          next = ParsedRecord.parse(lines.next().text());
        } catch (MalformedRecordException e) {
          continue; // the verifier names it; facts come from records that parse
        }
        if (next.sequence() >= size) {
          return false;
        }
        record = next;
        node = String.valueOf(next.string(RecordFormat.NODE));
        return true;
      }
      return false;
    }

    @Override
    public int compareTo(Head other) {
      int byTime = record.time().compareTo(other.record.time());
      if (byTime != 0) {
        return byTime;
      }
      int byNode = node.compareTo(other.node);
      return byNode != 0 ? byNode : Long.compare(record.sequence(), other.record.sequence());
    }
  }

  /** The state of one reading. */
  private static final class Scan {
    private final Period period;
    private final boolean hourly;
    private long entries;
    private final Map<String, Long> byType = new TreeMap<>();
    // bucket -> agent -> count; agent -> table -> count
    private final Map<String, Map<String, Long>> statementsByBucket = new TreeMap<>();
    private final Map<String, Map<String, Long>> statementsByAgentTable = new TreeMap<>();
    private final Map<String, Map<String, Long>> deniedByBucket = new TreeMap<>();
    private final Map<String, Long> deniedByCode = new TreeMap<>();
    private final Map<String, Long> failedByCode = new TreeMap<>();
    private final Map<String, Map<String, Long>> refusalsByAgent = new TreeMap<>();
    private final ArrayNode refusals = NODES.arrayNode();
    private final ArrayNode writes = NODES.arrayNode();
    private final Map<String, ObjectNode> approvals = new LinkedHashMap<>();
    private final ArrayNode policyEvents = NODES.arrayNode();
    private final ArrayNode keyChanges = NODES.arrayNode();
    private final ArrayNode secretChanges = NODES.arrayNode();
    private final ArrayNode lifecycle = NODES.arrayNode();
    private final Map<String, Map<String, Long>> loginFailures = new TreeMap<>();
    private final ArrayNode gaps = NODES.arrayNode();
    private final ArrayNode outages = NODES.arrayNode();
    private final ArrayNode lateEntries = NODES.arrayNode();
    private final ArrayNode auditRefusals = NODES.arrayNode();
    private final ArrayNode sealGaps = NODES.arrayNode();
    private final TreeSet<String> agentsSeen = new TreeSet<>();
    private final TreeSet<String> rolesSeen = new TreeSet<>();
    private final Map<String, Long> tablesSeen = new TreeMap<>();
    private long stringsScanned;
    private long maskedForms;
    private final ArrayNode panFindings = NODES.arrayNode();
    private ParsedRecord sample;
    private ParsedRecord sampleEnd;
    /** Each node's last seal (silences are per chain). */
    private final Map<String, ParsedRecord> lastSeals = new TreeMap<>();
    private Instant firstTime;
    private Instant lastTime;

    Scan(Period period) {
      this.period = period;
      this.hourly = Duration.between(period.from(), period.to()).compareTo(Duration.ofDays(3)) <= 0;
    }

    void read(ParsedRecord record) {
      if (record.isSeal()) {
        seal(record);
        return;
      }
      if (!record.isEntry() || !period.contains(record.time())) {
        return;
      }
      entries++;
      firstTime = firstTime == null ? record.time() : firstTime;
      lastTime = record.time();
      Map<String, Object> event = record.event();
      String type = text(event, EventEncoder.TYPE);
      byType.merge(type, 1L, Long::sum);
      String agent = text(event, EventEncoder.AGENT);
      String who = agent == null ? "(none)" : agent;
      String role = text(event, EventEncoder.ROLE);
      scanForPans(record, event);
      AuditEventType kind;
      try {
        kind = AuditEventType.valueOf(type);
      } catch (IllegalArgumentException | NullPointerException unknown) {
        return; // a type this version does not know: counted by type above
      }
      // A failed login or a changed secret names an identity that did not act: not usage (7.2.5.1).
      boolean acted = kind != AuditEventType.AUTH_FAILURE && kind != AuditEventType.SECRET_CHANGED;
      if (agent != null && acted) {
        agentsSeen.add(agent);
      }
      if (role != null && acted) {
        rolesSeen.add(role);
      }
      Map<String, String> details = stringMap(event.get(EventEncoder.DETAILS));
      switch (kind) {
        case STATEMENT_START -> {
          statementsByBucket.computeIfAbsent(bucket(record.time()), b -> new TreeMap<>())
              .merge(who, 1L, Long::sum);
          List<String> tables = strings(event.get(EventEncoder.TABLES));
          for (String table : tables.isEmpty() ? List.of("(no table)") : tables) {
            statementsByAgentTable.computeIfAbsent(who, a -> new TreeMap<>()).merge(table, 1L, Long::sum);
            tablesSeen.merge(table, 1L, Long::sum);
          }
          if (sample == null && !strings(event.get(EventEncoder.TABLES)).isEmpty()) {
            sample = record;
          }
          String sql = text(event, EventEncoder.SQL);
          if (sql != null && WRITE.matcher(sql).find()) {
            ObjectNode write = base(record, event);
            write.put("sql", sql);
            write.put("tables", String.join(", ", tables));
            write.put("statementId", text(event, EventEncoder.STATEMENT_ID));
            listed(writes, write);
          }
        }
        case STATEMENT_END -> {
          if (sample != null && sampleEnd == null && sample.event().get(EventEncoder.STATEMENT_ID) != null
              && sample.event().get(EventEncoder.STATEMENT_ID).equals(event.get(EventEncoder.STATEMENT_ID))) {
            sampleEnd = record;
          }
          String code = code(event);
          if (code != null) {
            failedByCode.merge(code, 1L, Long::sum);
            refusal(record, event, agent, code, "failed");
          }
          if (details.containsKey("ended_at")) {
            ObjectNode late = base(record, event);
            late.put("endedAt", details.get("ended_at"));
            listed(lateEntries, late);
          }
        }
        case ACCESS_DENIED -> {
          String code = code(event);
          deniedByCode.merge(code == null ? "(none)" : code, 1L, Long::sum);
          deniedByBucket.computeIfAbsent(bucket(record.time()), b -> new TreeMap<>())
              .merge(code == null ? "(none)" : code, 1L, Long::sum);
          refusal(record, event, agent, code, "denied");
        }
        case STATEMENT_INVALID -> {
          // Invalid SQL (a typo, an unknown function): a failed statement, not a policy denial.
          String code = code(event);
          failedByCode.merge(code == null ? "(none)" : code, 1L, Long::sum);
          refusal(record, event, agent, code, "invalid");
        }
        case AUTH_FAILURE -> {
          String code = code(event);
          loginFailures.computeIfAbsent(agent == null ? "(no identity)" : agent, a -> new TreeMap<>())
              .merge(code == null ? "(none)" : code, 1L, Long::sum);
        }
        case POLICY_LOAD, POLICY_RELOAD -> {
          ObjectNode load = base(record, event);
          load.put("type", type);
          load.put("digest", text(event, EventEncoder.POLICY_DIGEST));
          load.put("outcome", outcome(event));
          if (details.containsKey("previous_digest")) {
            load.put("previousDigest", details.get("previous_digest"));
          }
          if (details.containsKey("requested_by")) {
            load.put("requestedBy", details.get("requested_by"));
          }
          ObjectNode keyIds = NODES.objectNode();
          details.forEach((k, v) -> {
            if (k.endsWith(".key_id")) {
              keyIds.put(k.substring(0, k.length() - ".key_id".length()), v);
            }
          });
          load.set("keyIds", keyIds);
          listed(policyEvents, load);
        }
        case KEY_CHANGE -> {
          ObjectNode change = base(record, event);
          ObjectNode fields = NODES.objectNode();
          details.forEach(fields::put);
          change.set("details", fields);
          listed(keyChanges, change);
        }
        case SECRET_CHANGED -> {
          ObjectNode change = base(record, event);
          change.put("change", details.get("change"));
          change.put("changedAt", details.get("changed_at"));
          listed(secretChanges, change);
        }
        case LOG_OPEN -> {
          ObjectNode open = base(record, event);
          open.put("event", "audit log started");
          ObjectNode fields = NODES.objectNode();
          details.forEach(fields::put);
          open.set("details", fields);
          listed(lifecycle, open);
        }
        case APPROVAL_REQUEST, APPROVAL_DECISION, APPROVAL_EXECUTED, APPROVAL_EXPIRED ->
            approval(kind, record, event, details);
        case AUDIT_RECOVERED -> {
          ObjectNode outage = base(record, event);
          outage.put("failedSince", details.get("failed_since"));
          outage.put("recoveredAt", details.get("recovered_at"));
          outage.put("refusedEntries", details.containsKey("refused_entries")
              ? Long.parseLong(details.get("refused_entries")) : 0);
          outage.put("problem", clip(outcomeMessage(event), 300));
          listed(outages, outage);
        }
        case AUDIT_GAP -> {
          ObjectNode gap = base(record, event);
          gap.put("message", outcomeMessage(event));
          ObjectNode fields = NODES.objectNode();
          details.forEach(fields::put);
          gap.set("details", fields);
          listed(gaps, gap);
        }
        default -> {
          // sessions and transactions: counted by type
        }
      }
      if ("AUDIT_UNAVAILABLE".equals(code(event)) && kind != AuditEventType.AUDIT_GAP
          && kind != AuditEventType.AUDIT_RECOVERED) {
        ObjectNode refused = base(record, event);
        refused.put("type", type);
        refused.put("message", outcomeMessage(event));
        listed(auditRefusals, refused);
      }
    }

    private void seal(ParsedRecord seal) {
      ParsedRecord previous = lastSeals.put(node(seal), seal);
      String state = seal.string(RecordFormat.STATE);
      if (period.contains(seal.time()) && RecordFormat.STATE_CLOSE.equals(state)) {
        ObjectNode stop = NODES.objectNode();
        stop.put("node", node(seal));
        stop.put("seq", seal.sequence());
        stop.put("time", seal.time().toString());
        stop.put("event", "audit log closed (closing seal)");
        listed(lifecycle, stop);
      }
      // A running writer seals at least every checkpointMillis; a longer silence while open is a
      // period in which the sink took nothing (docs/audit.md, "Limits").
      if (previous != null && RecordFormat.STATE_OPEN.equals(previous.string(RecordFormat.STATE))
          && (period.contains(seal.time()) || period.contains(previous.time()))) {
        long interval = previous.number(RecordFormat.CHECKPOINT_MILLIS);
        Duration silence = Duration.between(previous.time(), seal.time());
        if (interval > 0 && silence.toMillis() > 2 * interval) {
          ObjectNode gap = NODES.objectNode();
          gap.put("node", node(seal));
          gap.put("fromSeq", previous.sequence());
          gap.put("from", previous.time().toString());
          gap.put("toSeq", seal.sequence());
          gap.put("to", seal.time().toString());
          gap.put("seconds", silence.toSeconds());
          gap.put("checkpointMillis", interval);
          listed(sealGaps, gap);
        }
      }
    }

    private void approval(AuditEventType kind, ParsedRecord record, Map<String, Object> event,
        Map<String, String> details) {
      String id = text(event, EventEncoder.APPROVAL_ID);
      if (id == null) {
        return;
      }
      ObjectNode approval = approvals.computeIfAbsent(id, i -> {
        ObjectNode node = NODES.objectNode();
        node.put("id", i);
        node.put("table", String.join(", ", strings(event.get(EventEncoder.TABLES))));
        node.put("sql", text(event, EventEncoder.SQL));
        node.put("status", "requested");
        return node;
      });
      switch (kind) {
        case APPROVAL_REQUEST -> {
          approval.put("requestedBy", text(event, EventEncoder.AGENT));
          approval.put("requestedAt", record.time().toString());
          approval.put("requestNode", node(record));
          approval.put("requestSeq", record.sequence());
          approval.put("estimatedRows", details.get("estimated_rows"));
        }
        case APPROVAL_DECISION -> {
          approval.put("decidedBy", text(event, EventEncoder.AGENT));
          approval.put("decidedAt", record.time().toString());
          approval.put("decision", details.get("decision"));
          approval.put("reason", details.get("reason"));
          approval.put("decisionOutcome", outcome(event));
          if (!approval.has("requestedBy") && details.containsKey("requested_by")) {
            approval.put("requestedBy", details.get("requested_by"));
          }
          approval.put("status", code(event) != null ? "decision refused ("
              + code(event) + ")" : String.valueOf(details.get("decision")).toLowerCase(Locale.ROOT));
        }
        case APPROVAL_EXECUTED -> {
          approval.put("executedAt", record.time().toString());
          approval.put("executedBy", text(event, EventEncoder.AGENT));
          approval.put("executedNode", node(record));
          Long rows = number(event, EventEncoder.ROWS);
          if (rows != null) {
            approval.put("rowsChanged", rows);
          }
          approval.put("status", "executed");
        }
        case APPROVAL_EXPIRED -> {
          approval.put("expiredAt", record.time().toString());
          approval.put("status", "expired");
        }
        default -> throw new IllegalStateException(kind.name());
      }
    }

    private void refusal(ParsedRecord record, Map<String, Object> event, String agent, String code,
        String how) {
      refusalsByAgent.computeIfAbsent(agent == null ? "(none)" : agent, a -> new TreeMap<>())
          .merge(code == null ? "(none)" : code, 1L, Long::sum);
      ObjectNode refusal = base(record, event);
      refusal.put("how", how);
      refusal.put("code", code);
      refusal.put("message", clip(outcomeMessage(event), 200));
      refusal.put("sql", clip(text(event, EventEncoder.SQL), 200));
      listed(refusals, refusal);
    }

    /** Every string of the entry checked for a Luhn-valid PAN-like digit run the scrubber would mask. */
    private void scanForPans(ParsedRecord record, Map<String, Object> event) {
      walk(event, "event", (field, value) -> {
        stringsScanned++;
        if (MASKED_PAN.matcher(value).find()) {
          maskedForms++;
        }
        if (PanScrubber.containsPan(value)) {
          ObjectNode finding = NODES.objectNode();
          finding.put("node", node(record));
          finding.put("seq", record.sequence());
          finding.put("field", field);
          finding.put("value", PanScrubber.scrub(value)); // the finding itself never repeats the PAN
          listed(panFindings, finding);
        }
      });
    }

    private String bucket(Instant time) {
      Instant start = time.truncatedTo(hourly ? ChronoUnit.HOURS : ChronoUnit.DAYS);
      String text = start.atOffset(ZoneOffset.UTC).toString(); // 2026-12-02T01:00Z
      return hourly ? text.substring(0, 13) + ":00" : text.substring(0, 10);
    }

    ObjectNode result() {
      ObjectNode out = NODES.objectNode();
      out.put("entries", entries);
      out.put("firstEntryTime", firstTime == null ? null : firstTime.toString());
      out.put("lastEntryTime", lastTime == null ? null : lastTime.toString());
      out.set("entriesByType", counts(byType));
      ObjectNode activity = NODES.objectNode();
      activity.put("bucket", hourly ? "hour" : "day");
      activity.set("statementsByBucketAndAgent", nested(statementsByBucket));
      activity.set("statementsByAgentAndTable", nested(statementsByAgentTable));
      activity.set("deniedByBucketAndCode", nested(deniedByBucket));
      activity.set("tables", counts(tablesSeen));
      out.set("activity", activity);
      ObjectNode refused = NODES.objectNode();
      refused.set("deniedByCode", counts(deniedByCode));
      refused.set("failedByCode", counts(failedByCode));
      refused.set("byAgentAndCode", nested(refusalsByAgent));
      refused.set("listed", refusals);
      out.set("refusals", refused);
      out.set("writes", writes);
      ArrayNode approvalList = NODES.arrayNode();
      approvals.values().forEach(approvalList::add);
      out.set("approvals", approvalList);
      out.set("policyEvents", policyEvents);
      out.set("keyChanges", keyChanges);
      out.set("secretChanges", secretChanges);
      out.set("auditStartsAndStops", lifecycle);
      out.set("loginFailures", nested(loginFailures));
      ObjectNode throttled = NODES.objectNode();
      loginFailures.forEach((agent, codes) -> {
        if (codes.containsKey("THROTTLED")) {
          throttled.put(agent, codes.get("THROTTLED"));
        }
      });
      out.set("throttledLogins", throttled);
      ObjectNode failures = NODES.objectNode();
      failures.set("outages", outages);
      failures.set("auditGaps", gaps);
      failures.set("entriesWrittenLate", lateEntries);
      failures.set("refusedForAudit", auditRefusals);
      failures.set("sealSilences", sealGaps);
      out.set("auditFailures", failures);
      ObjectNode pans = NODES.objectNode();
      pans.put("stringsScanned", stringsScanned);
      pans.put("maskedPanForms", maskedForms);
      pans.put("panLikeValues", panFindings.size());
      pans.set("findings", panFindings);
      out.set("panScan", pans);
      ObjectNode usage = NODES.objectNode();
      ArrayNode agents = usage.putArray("agentsSeen");
      agentsSeen.forEach(agents::add);
      ArrayNode roles = usage.putArray("rolesSeen");
      rolesSeen.forEach(roles::add);
      out.set("usage", usage);
      out.set("sampleEntry", sample == null ? NODES.nullNode() : SampleEntry.of(sample, sampleEnd));
      return out;
    }
  }

  // ------------------------------------------------------------------ small helpers

  private static String node(ParsedRecord record) {
    return String.valueOf(record.string(RecordFormat.NODE));
  }

  private static ObjectNode base(ParsedRecord record, Map<String, Object> event) {
    ObjectNode node = NODES.objectNode();
    node.put("node", node(record));
    node.put("seq", record.sequence());
    node.put("time", record.time().toString());
    node.put("agent", text(event, EventEncoder.AGENT));
    node.put("role", text(event, EventEncoder.ROLE));
    return node;
  }

  private static void listed(ArrayNode list, JsonNode item) {
    if (list.size() < MAX_LISTED) {
      list.add(item);
    }
  }

  static String text(Map<String, Object> event, String name) {
    return event.get(name) instanceof String s ? s : null;
  }

  private static Long number(Map<String, Object> event, String name) {
    return event.get(name) instanceof Number n ? n.longValue() : null;
  }

  private static String code(Map<String, Object> event) {
    return event.get(EventEncoder.OUTCOME) instanceof Map<?, ?> m
        && m.get(EventEncoder.OUTCOME_CODE) instanceof String s ? s : null;
  }

  private static String outcome(Map<String, Object> event) {
    if (!(event.get(EventEncoder.OUTCOME) instanceof Map<?, ?> m)) {
      return null;
    }
    String status = String.valueOf(m.get(EventEncoder.OUTCOME_STATUS));
    return m.get(EventEncoder.OUTCOME_CODE) instanceof String code ? status + " (" + code + ")" : status;
  }

  private static String outcomeMessage(Map<String, Object> event) {
    return event.get(EventEncoder.OUTCOME) instanceof Map<?, ?> m
        && m.get(EventEncoder.OUTCOME_MESSAGE) instanceof String s ? s : null;
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(item -> out.add(String.valueOf(item)));
    }
    return out;
  }

  private static Map<String, String> stringMap(Object value) {
    Map<String, String> out = new TreeMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private static String clip(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  interface StringVisitor {
    void visit(String field, String value);
  }

  static void walk(Object value, String field, StringVisitor visitor) {
    if (value instanceof String s) {
      visitor.visit(field, s);
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        visitor.visit(field + " (key)", String.valueOf(k));
        walk(v, field + "." + k, visitor);
      });
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), field + "[" + i + "]", visitor);
      }
    }
  }

  private static ObjectNode counts(Map<String, Long> counts) {
    ObjectNode node = NODES.objectNode();
    counts.forEach(node::put);
    return node;
  }

  private static ObjectNode nested(Map<String, Map<String, Long>> counts) {
    ObjectNode node = NODES.objectNode();
    counts.forEach((key, inner) -> node.set(key == null ? "(none)" : key, counts(inner)));
    return node;
  }
}
