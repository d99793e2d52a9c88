package dev.pangate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A prepared statement's entry fields encoded once give every entry byte for byte the event field
 * by field would, PANs scrubbed alike, and a field given another value is encoded from that value.
 */
class EventEncoderTest {

  private static final String PAN = "4111111111111111";
  private static final String SQL = "select pan from payments.cards where pan = '" + PAN + "' and id = ?";
  private static final String PLAN = "LogicalProject(pan=[TRUNCATE($1)])\n  LogicalFilter(condition=[=($1, '"
      + PAN + "')])\n    JdbcTableScan(table=[[payments, cards]])";
  private static final List<String> PUSHED = List.of(
      "SELECT \"id\", \"pan\" FROM \"payments\".\"cards\" WHERE \"pan\" = '" + PAN + "'");
  private static final List<String> TABLES = List.of("payments.cards");
  private static final List<String> COLUMNS = List.of("payments.cards.id", "payments.cards.pan");

  private static Map<String, String> masks() {
    Map<String, String> masks = new LinkedHashMap<>();
    masks.put("payments.cards.pan", "truncate");
    masks.put("payments.cards.holder", "redact");
    return masks;
  }

  private static EventEncoder.Prepared prepared() {
    return EventEncoder.Prepared.of(TABLES, COLUMNS, masks(), Map.of("payments.cards", "merchant_id = ?"),
        SQL, PLAN, PUSHED);
  }

  private static AuditEvent.Builder start(String id) {
    return AuditEvent.builder(AuditEventType.STATEMENT_START).statementId(id).agent("agent-" + PAN)
        .role("analyst").session("s-1").driver("avatica-protobuf").policyDigest("ab12")
        .parameters(List.of("7", PAN)).details(Map.of("kind", "SELECT"));
  }

  @Test
  void aPreparedStatementsEntryIsTheSameAsOneGivenFieldByField() {
    EventEncoder.Prepared prepared = prepared();
    AuditEvent once = start("st-1").prepared(prepared).build();
    AuditEvent fields = start("st-1").tables(TABLES).columns(COLUMNS).masks(masks())
        .rowFilters(Map.of("payments.cards", "merchant_id = ?")).sql(SQL).logicalPlan(PLAN)
        .pushedSql(PUSHED).build();
    String json = EventEncoder.encode(once).json();
    assertEquals(EventEncoder.encode(fields).json(), json);
    assertFalse(json.contains(PAN), json);
    assertTrue(json.contains("411111******1111"), json);
    // The same prepared fields serve every execution.
    assertEquals(EventEncoder.encode(start("st-2").tables(TABLES).columns(COLUMNS).masks(masks())
            .rowFilters(Map.of("payments.cards", "merchant_id = ?")).sql(SQL).logicalPlan(PLAN)
            .pushedSql(PUSHED).build()).json(),
        EventEncoder.encode(start("st-2").prepared(prepared).build()).json());
  }

  @Test
  void aFieldGivenAnotherValueIsEncodedFromIt() {
    EventEncoder.Prepared prepared = prepared();
    AuditEvent explain = start("st-3").prepared(prepared).pushedSql(List.of()).build();
    AuditEvent fields = start("st-3").tables(TABLES).columns(COLUMNS).masks(masks())
        .rowFilters(Map.of("payments.cards", "merchant_id = ?")).sql(SQL).logicalPlan(PLAN).build();
    assertEquals(EventEncoder.encode(fields).json(), EventEncoder.encode(explain).json());
    assertFalse(EventEncoder.encode(explain).json().contains("pushedSql"));
  }

  @Test
  void aCompletionEntryTakesOnlyTheSql() {
    EventEncoder.Prepared prepared = prepared().withSql("select 1 where '" + PAN + "' <> ''");
    AuditEvent end = AuditEvent.builder(AuditEventType.STATEMENT_END).statementId("st-4")
        .preparedSql(prepared).rows(3).duration(Duration.ofMillis(2)).outcome(Outcome.success()).build();
    AuditEvent fields = AuditEvent.builder(AuditEventType.STATEMENT_END).statementId("st-4")
        .sql("select 1 where '" + PAN + "' <> ''").rows(3).duration(Duration.ofMillis(2))
        .outcome(Outcome.success()).build();
    assertEquals(EventEncoder.encode(fields).json(), EventEncoder.encode(end).json());
    assertFalse(EventEncoder.encode(end).json().contains("tables"));
    assertEquals(fields.sql(), end.sql());
    assertEquals(List.of(), end.tables());
  }
}
