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

  /** An event's fields as a sorted map, encoded the generic way: what the encoder wrote before. */
  private static String reference(AuditEvent event) {
    java.util.TreeMap<String, Object> fields = new java.util.TreeMap<>();
    fields.put(EventEncoder.TYPE, event.type().name());
    java.util.function.BiConsumer<String, String> text = (name, value) -> {
      if (value != null) {
        fields.put(name, dev.pangate.masking.pan.PanScrubber.scrub(value));
      }
    };
    java.util.function.BiConsumer<String, List<String>> list = (name, values) -> {
      if (!values.isEmpty()) {
        fields.put(name, values.stream().map(dev.pangate.masking.pan.PanScrubber::scrub).toList());
      }
    };
    java.util.function.BiFunction<Map<String, String>, Object, Object> scrubbed = (values, unused) -> {
      java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
      values.forEach((k, v) -> out.put(dev.pangate.masking.pan.PanScrubber.scrub(k),
          dev.pangate.masking.pan.PanScrubber.scrub(v)));
      return out;
    };
    text.accept(EventEncoder.STATEMENT_ID, event.statementId());
    text.accept(EventEncoder.AGENT, event.agent());
    text.accept(EventEncoder.ROLE, event.role());
    text.accept(EventEncoder.CLIENT_ADDRESS, event.clientAddress());
    text.accept(EventEncoder.SESSION, event.session());
    text.accept(EventEncoder.DRIVER, event.driver());
    list.accept(EventEncoder.TABLES, event.tables());
    list.accept(EventEncoder.COLUMNS, event.columns());
    if (!event.masks().isEmpty()) {
      fields.put(EventEncoder.MASKS, scrubbed.apply(event.masks(), null));
    }
    if (!event.rowFilters().isEmpty()) {
      fields.put(EventEncoder.ROW_FILTERS, scrubbed.apply(event.rowFilters(), null));
    }
    text.accept(EventEncoder.SQL, event.sql());
    text.accept(EventEncoder.LOGICAL_PLAN, event.logicalPlan());
    list.accept(EventEncoder.PUSHED_SQL, event.pushedSql());
    text.accept(EventEncoder.POLICY_DIGEST, event.policyDigest());
    list.accept(EventEncoder.PARAMETERS, event.parameters());
    text.accept(EventEncoder.APPROVAL_ID, event.approvalId());
    if (event.outcome() != null) {
      java.util.TreeMap<String, Object> outcome = new java.util.TreeMap<>();
      outcome.put("status", event.outcome().succeeded() ? "success" : "failure");
      if (event.outcome().code() != null) {
        outcome.put("code", dev.pangate.masking.pan.PanScrubber.scrub(event.outcome().code()));
      }
      if (event.outcome().message() != null) {
        outcome.put("message", dev.pangate.masking.pan.PanScrubber.scrub(event.outcome().message()));
      }
      fields.put(EventEncoder.OUTCOME, outcome);
    }
    if (event.rows() != null) {
      fields.put(EventEncoder.ROWS, event.rows());
    }
    if (event.duration() != null) {
      fields.put(EventEncoder.DURATION_MICROS, event.duration().toNanos() / 1_000);
    }
    if (!event.details().isEmpty()) {
      fields.put(EventEncoder.DETAILS, scrubbed.apply(event.details(), null));
    }
    if (event.actingFor() != null) {
      java.util.TreeMap<String, Object> actingFor = new java.util.TreeMap<>();
      if (event.actingFor().subject() != null) {
        actingFor.put("subject", dev.pangate.masking.pan.PanScrubber.scrub(event.actingFor().subject()));
      }
      actingFor.put("assurance", event.actingFor().assurance().name().toLowerCase(java.util.Locale.ROOT));
      if (event.actingFor().source() != null) {
        actingFor.put("source", dev.pangate.masking.pan.PanScrubber.scrub(event.actingFor().source()));
      }
      fields.put(EventEncoder.ACTING_FOR, actingFor);
    }
    return dev.pangate.audit.record.CanonicalJson.encode(fields);
  }

  @Test
  void everyEventIsTheSortedMapsEncodingOfItsFields() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(15);
    String[] texts = {"x", PAN, "4111 1111 1111 1111 and é \"quoted\" \\ \n\t\u0001", "日本 \uD83D\uDE00",
        "d3f34804-155b-4dff-b358-151544614767", ""};
    int compared = 0;
    for (int i = 0; i < 2_000; i++) {
      AuditEventType type = AuditEventType.values()[random.nextInt(AuditEventType.values().length)];
      AuditEvent.Builder b = AuditEvent.builder(type).statementId("st-" + i);
      java.util.function.Supplier<String> some = () -> random.nextInt(3) == 0 ? null
          : texts[random.nextInt(texts.length)] + random.nextInt(100);
      b.agent(some.get()).role(some.get()).clientAddress(some.get()).session(some.get())
          .driver(some.get()).policyDigest(some.get()).approvalId(some.get());
      if (random.nextBoolean()) {
        b.parameters(java.util.Arrays.asList(some.get(), some.get()));
      }
      if (random.nextBoolean()) {
        b.details(Map.of(texts[random.nextInt(texts.length)] + "k", String.valueOf(some.get())));
      }
      if (random.nextBoolean() || type == AuditEventType.STATEMENT_END) {
        b.outcome(random.nextBoolean() ? Outcome.success() : Outcome.failure("CODE_" + i, "failed " + some.get()));
      }
      if (random.nextBoolean()) {
        b.rows(random.nextInt(1_000_000)).duration(Duration.ofNanos(random.nextLong(1L << 40)));
      }
      if (random.nextInt(4) == 0) {
        b.actingFor(new ActingFor("user-" + PAN, ActingFor.Assurance.values()[random.nextInt(
            ActingFor.Assurance.values().length)], random.nextBoolean() ? "header" : "token " + PAN));
      }
      switch (random.nextInt(3)) {
        case 0 -> b.prepared(prepared());
        case 1 -> b.preparedSql(prepared());
        default -> b.tables(TABLES).columns(COLUMNS).masks(masks()).sql(SQL).logicalPlan(PLAN)
            .pushedSql(PUSHED).rowFilters(Map.of(PAN, "merchant_id = " + PAN));
      }
      AuditEvent event;
      try {
        event = b.build();
      } catch (IllegalArgumentException notAnEvent) {
        continue; // e.g. a type that needs other fields
      }
      assertEquals(reference(event), EventEncoder.encode(event).json(), "event " + i);
      compared++;
    }
    assertTrue(compared > 1_000, compared + " events compared");
  }
}
