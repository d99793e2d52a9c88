package dev.pangate.engine.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.EngineException;
import dev.pangate.engine.gateway.GatewayFixture;
import dev.pangate.engine.gateway.Session;
import dev.pangate.engine.gateway.TableInfo;
import dev.pangate.masking.mask.TruncateMask;
import dev.pangate.testing.PostgresExtension;
import dev.pangate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each demo role's view of the database, row by row against the truth read as administrator
 * (issue items 1 and 3): which rows, which columns, which masks, and what metadata calls show.
 */
@ExtendWith(PostgresExtension.class)
class PolicyViewTest {

  private static final String VISIBLE_TXNS =
      "select txn_id from payments.transactions where merchant_id in (1, 2, 3)";

  private static GatewayFixture fixture;
  private static PanDetector pans;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    fixture = GatewayFixture.demo(database);
    pans = new PanDetector(fixture.allPans());
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static Outcome rows(String agent, String sql) {
    try (Session session = fixture.session(agent)) {
      Outcome outcome = Outcome.run(session, sql, List.of());
      assertFalse(outcome.failed(), agent + ": " + sql + ": " + outcome.summary());
      assertEquals(List.of(), pans.inspect(outcome), agent + ": " + sql);
      return outcome;
    }
  }

  private static Outcome attempt(String agent, String sql) {
    try (Session session = fixture.session(agent)) {
      Outcome outcome = Outcome.run(session, sql, List.of());
      assertEquals(List.of(), pans.inspect(outcome), agent + ": " + sql);
      return outcome;
    }
  }

  private static Set<Long> ids(Outcome outcome) {
    return outcome.values(0).stream().map(v -> ((Number) v).longValue())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Long> truth(String sql) throws SQLException {
    Set<Long> ids = new TreeSet<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /** id to (raw) value of a column, as administrator. */
  private static Map<Long, String> rawColumn(String sql) throws SQLException {
    Map<Long, String> values = new HashMap<>();
    try (Connection admin = fixture.admin(); Statement statement = admin.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        values.put(rs.getLong(1), rs.getString(2));
      }
    }
    return values;
  }

  // ---------------------------------------------------------------- support-bot

  @Test
  void supportBotSeesExactlyTheTransactionsOfMerchantsOneToThree() throws Exception {
    Set<Long> expected = truth(VISIBLE_TXNS);
    Outcome outcome = rows("support-bot", "select txn_id, merchant_id from payments.transactions");
    assertEquals(expected.size(), outcome.rows().size(), "row count");
    assertEquals(expected, ids(outcome), "transaction ids");
    assertTrue(outcome.values(1).stream().allMatch(m -> Set.of(1, 2, 3).contains(((Number) m).intValue())));
    assertEquals(expected.size(), ((Number) rows("support-bot",
        "select count(*) from payments.transactions").rows().get(0).get(0)).longValue());
  }

  @Test
  void supportBotSeesTheDisputesCardsCardholdersAndMerchantsBehindThem() throws Exception {
    assertEquals(truth("select dispute_id from payments.disputes where txn_id in (" + VISIBLE_TXNS + ")"),
        ids(rows("support-bot", "select dispute_id from payments.disputes")));
    assertEquals(truth("select card_id from payments.cards where card_id in (select card_id from"
            + " payments.transactions where merchant_id in (1, 2, 3))"),
        ids(rows("support-bot", "select card_id from payments.cards")));
    assertEquals(truth("select cardholder_id from payments.cardholders where cardholder_id in (select"
            + " c.cardholder_id from payments.cards c join payments.transactions t on t.card_id = c.card_id"
            + " where t.merchant_id in (1, 2, 3))"),
        ids(rows("support-bot", "select cardholder_id from payments.cardholders")));
    assertEquals(Set.of(1L, 2L, 3L), ids(rows("support-bot", "select merchant_id from payments.merchants")));
  }

  @Test
  void supportBotSeesCardholdersPartlyRedactedAndWithoutStreet() throws Exception {
    Outcome outcome = rows("support-bot", "select * from payments.cardholders");
    assertEquals(List.of("cardholder_id", "full_name", "email", "phone", "city", "postal_code",
        "country", "created_at"), outcome.columns(), "street is absent");
    Map<Long, String> names = rawColumn("select cardholder_id, full_name from payments.cardholders");
    Map<Long, String> phones = rawColumn("select cardholder_id, phone from payments.cardholders");
    Map<Long, String> cities = rawColumn("select cardholder_id, city from payments.cardholders");
    TruncateMask initial = new TruncateMask(1, 0, '*');
    for (List<Object> row : outcome.rows()) {
      long id = ((Number) row.get(0)).longValue();
      assertEquals(initial.apply(names.get(id)), row.get(1), "full_name keeps its first letter only");
      assertNotEquals(names.get(id), row.get(1));
      assertEquals("redacted@example.invalid", row.get(2), "email redacted");
      assertEquals(phones.get(id) == null ? null : "redacted", row.get(3), "phone redacted, NULL kept");
      assertEquals(cities.get(id), row.get(4), "city in clear");
    }
    assertFalse(outcome.rows().isEmpty());
  }

  @Test
  void supportBotSeesTokensOfTheRightShape() throws Exception {
    Map<Long, String> raw = rawColumn("select txn_id, pan from payments.transactions");
    Outcome outcome = rows("support-bot", "select txn_id, pan from payments.transactions");
    int differing = 0;
    for (List<Object> row : outcome.rows()) {
      String pan = raw.get(((Number) row.get(0)).longValue());
      String token = (String) row.get(1);
      assertEquals(pan.length(), token.length());
      assertTrue(token.chars().allMatch(Character::isDigit), "a token is digits");
      assertEquals(pan.substring(pan.length() - 4), token.substring(token.length() - 4), "last four kept");
      int kept = Math.min(6, pan.length() - 10); // at least six digits are encrypted
      assertEquals(pan.substring(0, kept), token.substring(0, kept), "the BIN kept");
      if (!pan.equals(token)) {
        differing++;
      }
    }
    assertEquals(outcome.rows().size(), differing, "no token equals its PAN");
  }

  // ---------------------------------------------------------------- fraud-analyst

  /** The demo policy's truncate(6, 4) of a PAN, computed here. */
  private static String truncated(String pan) {
    return pan == null ? null
        : pan.substring(0, 6) + "*".repeat(pan.length() - 10) + pan.substring(pan.length() - 4);
  }

  @Test
  void fraudAnalystSeesEveryRowWithPansTruncatedToBinAndLastFour() throws Exception {
    Map<Long, String> raw = rawColumn("select txn_id, pan from payments.transactions");
    Outcome outcome = rows("fraud-analyst", "select txn_id, pan from payments.transactions");
    assertEquals(raw.keySet(), ids(outcome), "all transactions");
    for (List<Object> row : outcome.rows()) {
      String pan = raw.get(((Number) row.get(0)).longValue());
      assertEquals(truncated(pan), row.get(1));
    }
    assertEquals(truth("select merchant_id from payments.merchants"),
        ids(rows("fraud-analyst", "select merchant_id from payments.merchants")));
    Outcome settlements = rows("fraud-analyst", "select settlement_id, pan from payments.settlements");
    Map<Long, String> rawSettlements = rawColumn("select settlement_id, pan::text from payments.settlements");
    assertEquals(rawSettlements.keySet(), ids(settlements));
    for (List<Object> row : settlements.rows()) {
      String pan = rawSettlements.get(((Number) row.get(0)).longValue());
      assertEquals(truncated(pan), row.get(1), "numeric PANs truncated to text");
    }
  }

  @Test
  void fraudAnalystSeesOnlyTheCardholderColumnsItsRoleNames() throws Exception {
    Outcome outcome = rows("fraud-analyst", "select * from payments.cardholders");
    assertEquals(List.of("cardholder_id", "city", "postal_code", "country", "created_at"),
        outcome.columns());
    assertEquals(truth("select cardholder_id from payments.cardholders"), ids(outcome));
  }

  // ---------------------------------------------------------------- migration-bot, security-officer

  @Test
  void migrationBotCannotSeeCardholdersAndTheErrorIsTheUnknownTableError() {
    Outcome hidden = attempt("migration-bot", "select * from payments.cardholders");
    Outcome unknown = attempt("migration-bot", "select * from payments.qqqqqqqqqqq");
    assertInstanceOf(EngineException.class, hidden.failure());
    assertInstanceOf(EngineException.class, unknown.failure());
    assertEquals(unknown.failureText().replace("qqqqqqqqqqq", "cardholders"), hidden.failureText());
    assertEquals(((EngineException) unknown.failure()).code(), ((EngineException) hidden.failure()).code());
  }

  @Test
  void migrationBotSeesAllRowsOfItsTablesWithTokens() throws Exception {
    assertEquals(truth("select txn_id from payments.transactions"),
        ids(rows("migration-bot", "select txn_id from payments.transactions")));
    Outcome settlements = rows("migration-bot", "select settlement_id, pan from payments.settlements");
    Map<Long, String> raw = rawColumn("select settlement_id, pan::text from payments.settlements");
    assertEquals(raw.keySet(), ids(settlements));
    for (List<Object> row : settlements.rows()) {
      String pan = raw.get(((Number) row.get(0)).longValue());
      if (pan == null) {
        assertEquals(null, row.get(1), "a NULL PAN stays NULL");
        continue;
      }
      String token = new java.math.BigDecimal(row.get(1).toString()).toPlainString();
      assertEquals(pan.length(), token.length(), "a numeric token keeps the PAN's length");
      assertEquals(pan.substring(pan.length() - 4), token.substring(token.length() - 4));
      assertNotEquals(pan, token);
    }
  }

  @Test
  void securityOfficerSeesNoTables() {
    for (String table : List.of("cards", "transactions", "disputes", "settlements", "merchants",
        "cardholders")) {
      Outcome outcome = attempt("security-officer", "select count(*) from payments." + table);
      assertInstanceOf(EngineException.class, outcome.failure(), table);
      assertEquals("OBJECT_NOT_FOUND", ((EngineException) outcome.failure()).code());
    }
  }

  // ---------------------------------------------------------------- metadata

  @Test
  void metadataListsEachRolesTablesColumnsAndMasks() {
    Map<String, Map<String, List<String>>> expected = new LinkedHashMap<>();
    expected.put("support-bot", Map.of(
        "transactions", List.of("txn_id", "card_id", "pan", "merchant_id", "amount", "currency",
            "created_at", "status", "auth_code"),
        "disputes", List.of("dispute_id", "txn_id", "pan", "reason", "amount", "opened_at", "status"),
        "cards", List.of("card_id", "cardholder_id", "pan", "brand", "expiry_month", "expiry_year",
            "status", "issued_at"),
        "cardholders", List.of("cardholder_id", "full_name", "email", "phone", "city",
            "postal_code", "country", "created_at"),
        "merchants", List.of("merchant_id", "name", "mcc", "country", "region")));
    expected.put("fraud-analyst", Map.of(
        "cardholders", List.of("cardholder_id", "city", "postal_code", "country", "created_at"),
        "settlements", List.of("settlement_id", "merchant_id", "pan", "amount", "settled_on")));
    expected.put("migration-bot", Map.of(
        "settlements", List.of("settlement_id", "merchant_id", "pan", "amount", "settled_on")));
    Map<String, Set<String>> tableSets = Map.of(
        "support-bot", Set.of("transactions", "disputes", "cards", "cardholders", "merchants"),
        "fraud-analyst", Set.of("transactions", "disputes", "cards", "cardholders", "merchants",
            "settlements"),
        "migration-bot", Set.of("transactions", "disputes", "cards", "merchants", "settlements"),
        "security-officer", Set.of());
    for (Map.Entry<String, Set<String>> agent : tableSets.entrySet()) {
      List<TableInfo> tables;
      try (Session session = fixture.session(agent.getKey())) {
        tables = session.tables();
      }
      assertEquals(agent.getValue(), tables.stream().map(TableInfo::name).collect(Collectors.toSet()),
          agent.getKey());
      for (TableInfo table : tables) {
        assertEquals("payments", table.schema());
        List<String> columns = table.columns().stream().map(TableInfo.ColumnInfo::name).toList();
        List<String> wanted = expected.getOrDefault(agent.getKey(), Map.of()).get(table.name());
        if (wanted != null) {
          assertEquals(wanted, columns, agent.getKey() + " " + table.name());
        }
        for (TableInfo.ColumnInfo column : table.columns()) {
          String mask = column.mask();
          if (column.name().equals("pan")) {
            assertTrue(agent.getKey().equals("fraud-analyst") ? mask.startsWith("truncate")
                : mask.startsWith("tokenize"), agent.getKey() + " " + table.name() + ".pan: " + mask);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- missing attribute

  /** Runs on a database of its own (the extension gives each nested class one). */
  @Nested
  class MissingAttribute {

    @Test
    void anAgentLackingAFilterAttributeGetsAClearErrorAndNeverAllRows(TestDatabase database)
        throws Exception {
      String policy = """
          version: 1
          token_families:
            pan: {key: tokenization, keep_first: 6, keep_last: 4, luhn: any}
          agents:
            scoped-bot:
              role: scoped
              attributes:
                merchant_ids: [2]
            unscoped-bot:
              role: scoped
          roles:
            scoped:
              tables:
                payments.transactions:
                  columns_default: clear
                  columns:
                    pan: {mask: tokenize, family: pan}
                  row_filter: "merchant_id IN (:agent.merchant_ids)"
                payments.merchants:
                  columns_default: clear
          """;
      try (GatewayFixture other = GatewayFixture.withPolicy(database, policy)) {
        List<String> statements = List.of(
            "select txn_id from payments.transactions",
            "select count(*) from payments.transactions",
            "select m.merchant_id from payments.merchants m where exists (select 1 from"
                + " payments.transactions t where t.merchant_id = m.merchant_id)",
            "select merchant_id from payments.merchants union all select merchant_id from"
                + " payments.transactions");
        for (String sql : statements) {
          Outcome outcome;
          try (Session session = other.session("unscoped-bot")) {
            outcome = Outcome.run(session, sql, List.of());
          }
          assertTrue(outcome.failed(), sql + " must not return rows: " + outcome.summary());
          assertInstanceOf(EngineException.class, outcome.failure(), sql);
          String message = outcome.failure().getMessage();
          assertEquals("MISSING_AGENT_ATTRIBUTE", ((EngineException) outcome.failure()).code());
          assertTrue(message.contains("merchant_ids") && message.contains("unscoped-bot")
              && message.contains("payments.transactions"), "the message names what is missing: " + message);
        }
        try (Session session = other.session("unscoped-bot")) {
          Outcome merchants = Outcome.run(session, "select count(*) from payments.merchants", List.of());
          assertFalse(merchants.failed(), "tables without that filter still work: " + merchants.summary());
        }
        try (Session session = other.session("scoped-bot")) {
          Outcome scoped = Outcome.run(session, "select distinct merchant_id from payments.transactions",
              List.of());
          assertEquals(List.of(List.of(2)), new ArrayList<>(scoped.rows()), "the attribute applies");
        }
      }
    }
  }
}
