package dev.pangate.engine.demo;

import dev.pangate.masking.pan.Luhn;

/**
 * The card brands and PAN layouts of the demo data, with their share of the cards. Prefixes follow
 * the published IIN ranges (ISO/IEC 7812; the brands' own range tables): Visa 4, Mastercard 51–55
 * and 2221–2720, American Express 34 and 37, Discover 6011 and 65.
 */
enum CardProduct {
  VISA_16("Visa", 16, 35),
  VISA_19("Visa", 19, 5),
  MASTERCARD_5_SERIES("Mastercard", 16, 25),
  MASTERCARD_2_SERIES("Mastercard", 16, 10),
  AMERICAN_EXPRESS("American Express", 15, 15),
  DISCOVER("Discover", 16, 10);

  /** Digits of the account part that are unique per card (see {@link #pan}). */
  static final int UNIQUE_DIGITS = 8;

  private static final int BIN_LENGTH = 6;
  private static final int TOTAL_WEIGHT = 100;

  private final String brand;
  private final int length;
  private final int weight;

  CardProduct(String brand, int length, int weight) {
    this.brand = brand;
    this.length = length;
    this.weight = weight;
  }

  /** The value of the {@code cards.brand} column. */
  String brand() {
    return brand;
  }

  int length() {
    return length;
  }

  /** A product drawn with the products' shares. */
  static CardProduct draw(DemoRandom random) {
    int ticket = random.nextInt(TOTAL_WEIGHT);
    for (CardProduct product : values()) {
      ticket -= product.weight;
      if (ticket < 0) {
        return product;
      }
    }
    throw new AssertionError("weights do not add up to " + TOTAL_WEIGHT);
  }

  /** A six-digit issuer identification number in this product's range. */
  String randomBin(DemoRandom random) {
    return switch (this) {
      case VISA_16, VISA_19 -> "4" + random.digits(5);
      case MASTERCARD_5_SERIES -> "5" + random.between(1, 5) + random.digits(4);
      case MASTERCARD_2_SERIES -> random.between(2221, 2720) + random.digits(2);
      case AMERICAN_EXPRESS -> (random.chance(0.5) ? "34" : "37") + random.digits(4);
      case DISCOVER -> random.chance(0.5) ? "6011" + random.digits(2) : "65" + random.digits(4);
    };
  }

  /**
   * The PAN {@code bin + filler + unique + check digit}. {@code unique} is
   * {@value #UNIQUE_DIGITS} digits that differ for every card, and always sit just before the
   * check digit, so two PANs of the same length and BIN differ there: PANs are unique by
   * construction, with no set of earlier PANs to consult.
   */
  String pan(String bin, String unique, DemoRandom random) {
    if (bin.length() != BIN_LENGTH || unique.length() != UNIQUE_DIGITS) {
      throw new IllegalArgumentException("bin must have " + BIN_LENGTH + " digits and unique "
          + UNIQUE_DIGITS);
    }
    int filler = length - 1 - BIN_LENGTH - UNIQUE_DIGITS;
    String payload = bin + random.digits(filler) + unique;
    return payload + Luhn.checkDigit(payload);
  }
}
