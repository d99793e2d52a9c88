package dev.pangate.masking.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeyRingException;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.masking.pan.PanScrubber;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.PolicyLoader;
import dev.pangate.masking.policy.Role;
import dev.pangate.masking.policy.TableName;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MaskFactoryTest {

  static final KeyRing KEYS = KeyRing.of(Map.of(
      "tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.TOKENIZATION),
      "hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING)));

  private static final TableName CARDS = TableName.parse("payments.cards");
  private static final TableName TRANSACTIONS = TableName.parse("payments.transactions");
  private static final TableName CARDHOLDERS = TableName.parse("payments.cardholders");
  private static final TableName SETTLEMENTS = TableName.parse("payments.settlements");
  private static final String PAN = "4111111111111111";

  private final Policy policy = PolicyLoader.loadDemoPolicy();
  private final MaskFactory masks = new MaskFactory(policy, KEYS);

  private MaskFunction mask(String role, TableName table, String column) {
    return masks.forColumn(policy.role(role), table, column).orElseThrow();
  }

  @Test
  void supportSeesTheSameTokenForAPanInEveryTableSoJoinsWork() {
    MaskFunction cards = mask("support_agent", CARDS, "pan");
    MaskFunction transactions = mask("support_agent", TRANSACTIONS, "pan");
    String token = cards.apply(PAN);
    assertNotEquals(PAN, token);
    assertTrue(token.startsWith("411111") && token.endsWith("1111") && token.length() == 16, token);
    assertEquals(token, transactions.apply(PAN));
    assertEquals(token, mask("migration_bot", CARDS, "pan").apply(PAN));
    assertFalse(cards.injective(), "non-PAN values collide as stars");
    assertEquals(cards.apply("not a pan 1"), cards.apply("not a pan 2"));
    assertEquals(Optional.empty(), cards.invert(cards.apply("not a pan 1")));
    assertEquals(cards.equivalenceClass(), transactions.equivalenceClass());
    assertEquals(Optional.of("tokenize:pan@" + KEYS.keyIdOf("tokenization")), cards.equivalenceClass());
    assertEquals(Optional.of(PAN), cards.invert(token));
    assertEquals(Optional.empty(), cards.invert("not a token"));
    assertNull(cards.apply(null));
    assertEquals(Map.of("pan", KEYS.keyIdOf("tokenization")), masks.tokenFamilyKeyIds());
    assertFalse(cards.describe().contains(PAN));
  }

  @Test
  void fraudAnalystSeesBinAndLastFourOnly() {
    MaskFunction pan = mask("fraud_analyst", CARDS, "pan");
    assertEquals("411111******1111", pan.apply(PAN));
    assertEquals("601100*********0004", mask("fraud_analyst", SETTLEMENTS, "pan").apply("6011000000000000004"));
    assertFalse(pan.injective());
    assertEquals(Optional.empty(), pan.equivalenceClass());
    assertEquals(Optional.empty(), pan.invert("411111******1111"));
  }

  @Test
  void cardholderColumnsAreMaskedOrAbsent() {
    assertEquals("J*** ***", mask("support_agent", CARDHOLDERS, "full_name").apply("Jane Doe"));
    assertEquals("redacted@example.invalid", mask("support_agent", CARDHOLDERS, "email").apply("jane@doe.example"));
    assertEquals("redacted", mask("support_agent", CARDHOLDERS, "phone").apply("+44 20 7946 0000"));
    assertNull(mask("support_agent", CARDHOLDERS, "phone").apply(null));
    assertEquals("Paris", mask("support_agent", CARDHOLDERS, "city").apply("Paris"));
    Role support = policy.role("support_agent");
    assertTrue(masks.forColumn(support, CARDHOLDERS, "street").isEmpty(), "denied");
    assertTrue(masks.forColumn(support, CARDHOLDERS, "ssn").isEmpty(), "not named, columns_default deny");
    assertTrue(masks.forColumn(support, SETTLEMENTS, "pan").isEmpty(), "invisible table");
    assertTrue(masks.forColumn(policy.role("migration_bot"), CARDHOLDERS, "full_name").isEmpty());
    assertTrue(masks.forColumn(policy.role("approver"), CARDS, "pan").isEmpty());
    assertEquals("visa", mask("support_agent", CARDS, "brand").apply("visa"), "columns_default clear");
  }

  @Test
  void detokenizeIsOnlyForRolesThePolicyAllows() throws Exception {
    assertThrows(SecurityException.class, () -> masks.detokenizer(policy.role("support_agent"), "pan"));
    assertThrows(SecurityException.class, () -> masks.tokenizer("pan").detokenize("4111110000001111"));
    Policy allowing = PolicyLoader.load(String.join("\n",
        "version: 1",
        "token_families:",
        "  pan: {luhn: fail}",
        "roles:",
        "  investigator:",
        "    detokenize: [pan]",
        "    tables:",
        "      payments.cards:",
        "        columns: {pan: {mask: tokenize, family: pan}}",
        "  support:",
        "    tables:",
        "      payments.cards:",
        "        columns: {pan: {mask: tokenize, family: pan}}",
        ""), "allowing.yaml");
    MaskFactory factory = new MaskFactory(allowing, KEYS);
    String token = factory.forColumn(allowing.role("support"), CARDS, "pan").orElseThrow().apply(PAN);
    assertFalse(dev.pangate.masking.pan.Luhn.isValid(token));
    assertEquals(PAN, factory.detokenizer(allowing.role("investigator"), "pan").detokenize(token));
    SecurityException denied = assertThrows(SecurityException.class,
        () -> factory.detokenizer(allowing.role("support"), "pan"));
    assertTrue(denied.getMessage().contains("roles.support.detokenize"), denied.getMessage());
    // A role object forged with the permission but not from this policy is refused too.
    Role investigator = allowing.role("investigator");
    Role forged = new Role("support", investigator.tables(), false, investigator.detokenizeFamilies(), "",
        investigator.location());
    assertThrows(SecurityException.class, () -> factory.detokenizer(forged, "pan"));
  }

  @Test
  void differentFamiliesGiveDifferentTokens() throws Exception {
    Policy twoFamilies = PolicyLoader.load(String.join("\n",
        "version: 1",
        "roles:",
        "  support:",
        "    tables:",
        "      payments.cards: {columns: {pan: tokenize}}",
        "      payments.transactions: {columns: {pan: tokenize}}",
        ""), "two.yaml");
    MaskFactory factory = new MaskFactory(twoFamilies, KEYS);
    MaskFunction cards = factory.forColumn(twoFamilies.role("support"), CARDS, "pan").orElseThrow();
    MaskFunction transactions = factory.forColumn(twoFamilies.role("support"), TRANSACTIONS, "pan").orElseThrow();
    assertNotEquals(cards.apply(PAN), transactions.apply(PAN));
    assertNotEquals(cards.equivalenceClass(), transactions.equivalenceClass());
    assertNotEquals(cards.apply(PAN), mask("support_agent", CARDS, "pan").apply(PAN), "family pan differs too");
  }

  @Test
  void aMissingKeysetFailsAtStartUpNamingThePolicyPlace() throws Exception {
    KeyRing onlyTokenization = KeyRing.of(Map.of(
        "tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.TOKENIZATION)));
    Policy hashing = PolicyLoader.load(String.join("\n",
        "version: 1",
        "roles:",
        "  support:",
        "    tables:",
        "      payments.cards: {columns: {pan: {mask: hash, key: card-hashes}}}",
        ""), "hash.yaml");
    KeyRingException e = assertThrows(KeyRingException.class, () -> new MaskFactory(hashing, onlyTokenization));
    assertTrue(e.getMessage().startsWith("hash.yaml:5:") && e.getMessage().contains("keyset 'card-hashes'"),
        e.getMessage());
    KeyRingException wrongKind = assertThrows(KeyRingException.class, () -> new MaskFactory(policy,
        KeyRing.of(Map.of("tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.KEK)))));
    assertTrue(wrongKind.getMessage().contains("not a PRF keyset"), wrongKind.getMessage());
  }

  @Test
  void noMaskOfADemoRoleLetsAPanThrough() {
    String[] pans = {PAN, "4111 1111 1111 1111", "378282246310005", "6011000000000000004", "5555-5555-5555-4444"};
    for (Role role : policy.roles().values()) {
      for (String table : new String[] {"cards", "transactions", "disputes", "settlements"}) {
        masks.forColumn(role, TableName.parse("payments." + table), "pan").ifPresent(mask -> {
          for (String pan : pans) {
            String out = mask.apply(pan);
            assertFalse(out.replaceAll("[ -]", "").equals(pan.replaceAll("[ -]", "")), role.name() + " " + table);
            assertFalse(out.contains(pan), role.name() + " " + table);
          }
        });
      }
    }
    // Truncated PANs are exactly what the audit scrubber would write: BIN and last four.
    assertEquals(PanScrubber.scrub(PAN), mask("fraud_analyst", CARDS, "pan").apply(PAN));
  }
}
