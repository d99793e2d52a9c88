package dev.pangate.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.engine.plan.ValueTransform;
import dev.pangate.engine.rewrite.MaskOperator;
import dev.pangate.masking.keys.KeyRing;
import dev.pangate.masking.keys.KeysetGenerator;
import dev.pangate.masking.mask.MaskFactory;
import dev.pangate.masking.policy.ColumnMask;
import dev.pangate.masking.policy.Policy;
import dev.pangate.masking.policy.PolicyException;
import dev.pangate.masking.policy.PolicyLoader;
import dev.pangate.masking.policy.TableName;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.type.SqlTypeFactoryImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/**
 * Which masks a result remembers per distinct value: the costly ones (FF1 tokens, keyed hashes),
 * whatever their injectivity, on text and numeric columns alike; never the cheap ones.
 */
class PolicyMaskingTest {

  private static final KeyRing KEYS = KeyRing.of(Map.of(
      "tokenization", KeysetGenerator.generate(KeysetGenerator.Kind.TOKENIZATION),
      "hashing", KeysetGenerator.generate(KeysetGenerator.Kind.HASHING)));
  private static final Policy POLICY = load(String.join("\n",
      "version: 1",
      "token_families:",
      "  pan: {key: tokenization, keep_first: 6, keep_last: 4, luhn: fail}",
      "roles:",
      "  reader:",
      "    tables:",
      "      payments.cards:",
      "        columns:",
      "          pan: {mask: tokenize, family: pan}",
      "          truncated: {mask: truncate, keep_first: 6, keep_last: 4}",
      "          hex: {mask: hash, key: hashing}",
      "          digits: {mask: hash, key: hashing, format: digits}",
      ""));
  private static final SqlTypeFactoryImpl TYPES = new SqlTypeFactoryImpl(RelDataTypeSystem.DEFAULT);
  private static final RelDataType TEXT = TYPES.createSqlType(SqlTypeName.VARCHAR, 19);
  private static final RelDataType NUMBER = TYPES.createSqlType(SqlTypeName.DECIMAL, 19, 0);

  private static Policy load(String yaml) {
    try {
      return PolicyLoader.load(yaml, "remember.yaml");
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  private final MaskFactory masks = new MaskFactory(POLICY, KEYS);

  private static ColumnMask mask(String column) {
    return POLICY.role("reader").table(TableName.parse("payments.cards")).orElseThrow().maskFor(column);
  }

  private ValueTransform transform(ColumnMask mask, RelDataType raw) {
    PolicyMasking masking = new PolicyMasking(mask, masks.forMask(mask), raw);
    return new MaskOperator("mask_test", masking, raw, raw).transform();
  }

  @Test
  void tokensAndHashesAreRememberedThoughTokensAreNotInjective() {
    ColumnMask tokenize = mask("pan");
    assertFalse(masks.forMask(tokenize).injective(), "non-PAN values collide as stars");
    assertTrue(transform(tokenize, TEXT).worthRemembering());
    assertTrue(transform(tokenize, NUMBER).worthRemembering());
    ColumnMask digits = mask("digits");
    assertTrue(transform(digits, TEXT).worthRemembering());
    assertTrue(transform(mask("hex"), TEXT).worthRemembering());
  }

  @Test
  void cheapMasksAreNotRemembered() {
    ColumnMask truncate = mask("truncated");
    assertFalse(transform(truncate, TEXT).worthRemembering());
    assertFalse(transform(truncate, NUMBER).worthRemembering());
  }

  @Test
  void aNumericPanColumnKeepsItsTypeThroughTheToken() {
    ValueTransform tokenize = transform(mask("pan"), NUMBER);
    Object token = tokenize.apply(new BigDecimal("4111111111111111"));
    assertTrue(token instanceof BigDecimal, String.valueOf(token));
    String digits = ((BigDecimal) token).toPlainString();
    assertEquals(16, digits.length());
    assertTrue(digits.startsWith("411111") && digits.endsWith("1111"), digits);
    assertEquals(token, tokenize.apply(new BigDecimal("4111111111111111")));
  }
}
