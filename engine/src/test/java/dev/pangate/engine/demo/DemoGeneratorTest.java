package dev.pangate.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pangate.masking.pan.Luhn;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generator's rows as pure functions, without a database. */
class DemoGeneratorTest {

  @Test
  void panOfEveryLargeSizeCardIsUniqueAndLuhnValid() {
    DemoGenerator generator = new DemoGenerator(DemoSize.LARGE, 42);
    Set<String> pans = new HashSet<>();
    Map<CardProduct, Integer> products = new EnumMap<>(CardProduct.class);
    for (long id = 1; id <= DemoSize.LARGE.cards(); id++) {
      DemoGenerator.Card card = generator.card(id);
      assertTrue(pans.add(card.pan()), "PAN of card " + id + " is unique");
      assertTrue(Luhn.isValid(card.pan()), "PAN of card " + id + " passes Luhn");
      assertEquals(card.product().length(), card.pan().length());
      products.merge(card.product(), 1, Integer::sum);
    }
    // Shares within two points of the products' weights (35, 5, 25, 10, 15, 10 per cent).
    int[] weights = {35, 5, 25, 10, 15, 10};
    for (CardProduct product : CardProduct.values()) {
      double share = products.get(product) * 100.0 / DemoSize.LARGE.cards();
      assertTrue(Math.abs(share - weights[product.ordinal()]) < 2, product + " share " + share);
    }
  }

  @Test
  void rowsArePureFunctionsOfSeedAndId() {
    DemoGenerator one = new DemoGenerator(DemoSize.SMALL, 42);
    DemoGenerator again = new DemoGenerator(DemoSize.SMALL, 42);
    DemoGenerator other = new DemoGenerator(DemoSize.SMALL, 43);
    for (long id = 1; id <= 200; id++) {
      assertEquals(one.transaction(id), again.transaction(id));
      assertEquals(one.dispute(id), again.dispute(id));
      assertEquals(one.settlement(id), again.settlement(id));
      assertEquals(one.cardholder(id), again.cardholder(id));
      assertEquals(one.merchant((int) Math.min(id, 50)), again.merchant((int) Math.min(id, 50)));
    }
    int differing = 0;
    for (long id = 1; id <= 200; id++) {
      if (!one.card(id).pan().equals(other.card(id).pan())) {
        differing++;
      }
    }
    assertTrue(differing > 190, "another seed gives other PANs: " + differing + " of 200 differ");
    assertNotEquals(one.cardholder(1), other.cardholder(1));
  }

  @Test
  void copiedColumnsAgreeWithTheirSource() {
    DemoGenerator generator = new DemoGenerator(DemoSize.SMALL, 5);
    for (long id = 1; id <= DemoSize.SMALL.disputes(); id++) {
      DemoGenerator.Dispute dispute = generator.dispute(id);
      DemoGenerator.Transaction txn = generator.transaction(dispute.txnId());
      assertEquals(txn.pan(), dispute.pan());
      assertEquals(generator.card(txn.cardId()).pan(), txn.pan());
      assertTrue(dispute.amountCents() <= txn.amountCents() && dispute.amountCents() > 0);
      assertTrue(dispute.openedAt() > txn.createdAt());
    }
    for (long id = 1; id <= 3; id++) {
      assertEquals(id, generator.dispute(id).txnId(), "disputes 1-3 are on transactions 1-3");
      assertEquals(id, generator.transaction(id).merchantId(), "which belong to merchants 1-3");
    }
  }

  @Test
  void sizeNamesParseAndUnknownOnesSayWhatIsAccepted() {
    assertEquals(DemoSize.LARGE, DemoSize.parse(" Large "));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> DemoSize.parse("huge"));
    assertEquals("unknown demo size 'huge': use small, medium or large", error.getMessage());
    assertTrue(DemoSize.LARGE.transactions() >= 1_000_000);
    assertTrue(DemoSize.MEDIUM.transactions() >= 100_000);
  }
}
