package dev.pangate.masking.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo policy loads and says what the issue asks of each role. */
class DemoPolicyTest {

  private final Policy policy = PolicyLoader.loadDemoPolicy();

  private static final TableName CARDS = TableName.parse("payments.cards");
  private static final TableName TRANSACTIONS = TableName.parse("payments.transactions");
  private static final TableName DISPUTES = TableName.parse("payments.disputes");
  private static final TableName CARDHOLDERS = TableName.parse("payments.cardholders");
  private static final TableName MERCHANTS = TableName.parse("payments.merchants");
  private static final TableName SETTLEMENTS = TableName.parse("payments.settlements");
  private static final Set<TableName> PAN_TABLES = Set.of(CARDS, TRANSACTIONS, DISPUTES, SETTLEMENTS);

  @Test
  void loadsWithoutWarningsAndWithTheFixedAgentsAndRoles() {
    assertEquals("demo-policy.yaml", policy.source());
    assertEquals(java.util.List.of(), policy.warnings());
    assertEquals(Set.of("support_agent", "fraud_analyst", "migration_bot", "approver"), policy.roles().keySet());
    assertEquals(Map.of("support-bot", "support_agent", "fraud-analyst", "fraud_analyst",
        "migration-bot", "migration_bot", "security-officer", "approver"),
        policy.agents().values().stream().collect(java.util.stream.Collectors.toMap(Agent::id, Agent::role)));
    assertEquals(new AttributeValue.ListValue(java.util.List.of(
            new AttributeValue.IntegerValue(1), new AttributeValue.IntegerValue(2), new AttributeValue.IntegerValue(3))),
        policy.agent("support-bot").orElseThrow().attribute("merchant_ids").orElseThrow());
    assertTrue(policy.digest().matches("[0-9a-f]{64}"));
  }

  @Test
  void supportAgentSeesTokensOfItsMerchantsOnlyAndWritesNothing() {
    Role role = policy.role("support_agent");
    for (TableName table : Set.of(CARDS, TRANSACTIONS, DISPUTES)) {
      TablePolicy rule = role.table(table).orElseThrow();
      ColumnMask.Tokenize pan = assertInstanceOf(ColumnMask.Tokenize.class, rule.maskFor("pan"));
      TokenFamily family = policy.tokenFamily(pan.family());
      assertEquals(6, family.keepFirst());
      assertEquals(4, family.keepLast());
      assertEquals(DmlRule.DENY, rule.dml());
      RowFilter filter = rule.rowFilter().orElseThrow();
      assertEquals(java.util.List.of("merchant_ids"), filter.attributeNames());
      assertTrue(filter.sql().contains("merchant_id IN (:agent.merchant_ids)"), filter.sql());
    }
    TablePolicy holders = role.table(CARDHOLDERS).orElseThrow();
    assertInstanceOf(ColumnMask.Truncate.class, holders.maskFor("full_name"));
    assertInstanceOf(ColumnMask.Redact.class, holders.maskFor("email"));
    assertInstanceOf(ColumnMask.Redact.class, holders.maskFor("phone"));
    assertInstanceOf(ColumnMask.Deny.class, holders.maskFor("street"));
    assertFalse(holders.isVisible("street"));
    assertTrue(holders.rowFilter().orElseThrow().sql().contains(":agent.merchant_ids"));
    assertTrue(role.table(SETTLEMENTS).isEmpty(), "settlements are invisible to support");
    assertTrue(role.tables().values().stream().allMatch(t -> t.dml() == DmlRule.DENY));
    assertFalse(role.mayApprove());
    assertTrue(role.detokenizeFamilies().isEmpty());
  }

  @Test
  void fraudAnalystSeesTruncatedPansOnAllRowsAndMerchantsInClear() {
    Role role = policy.role("fraud_analyst");
    for (TableName table : PAN_TABLES) {
      TablePolicy rule = role.table(table).orElseThrow();
      ColumnMask.Truncate pan = assertInstanceOf(ColumnMask.Truncate.class, rule.maskFor("pan"));
      assertEquals(6, pan.keepFirst());
      assertEquals(4, pan.keepLast());
      assertTrue(rule.rowFilter().isEmpty());
    }
    TablePolicy merchants = role.table(MERCHANTS).orElseThrow();
    assertInstanceOf(ColumnMask.Clear.class, merchants.maskFor("name"));
    assertInstanceOf(ColumnMask.Clear.class, merchants.maskFor("region"));
    assertTrue(role.tables().values().stream().allMatch(t -> t.dml() == DmlRule.DENY));
    assertFalse(role.table(CARDHOLDERS).orElseThrow().isVisible("full_name"));
  }

  @Test
  void migrationBotTokenizesNeedsApprovalToWriteAndCannotSeeCardholders() {
    Role role = policy.role("migration_bot");
    for (TableName table : PAN_TABLES) {
      assertInstanceOf(ColumnMask.Tokenize.class, role.table(table).orElseThrow().maskFor("pan"));
    }
    assertEquals(DmlRule.APPROVAL, role.table(CARDS).orElseThrow().dml());
    assertEquals(DmlRule.APPROVAL, role.table(TRANSACTIONS).orElseThrow().dml());
    assertEquals(DmlRule.DENY, role.table(DISPUTES).orElseThrow().dml());
    assertTrue(role.table(CARDHOLDERS).isEmpty());
  }

  @Test
  void approverMayApproveAndSeesNoCardholderData() {
    Role role = policy.role("approver");
    assertTrue(role.mayApprove());
    assertTrue(role.tables().isEmpty());
    assertFalse(policy.role("support_agent").mayApprove());
  }
}
