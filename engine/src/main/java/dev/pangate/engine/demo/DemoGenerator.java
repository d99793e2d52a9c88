package dev.pangate.engine.demo;

import dev.pangate.engine.demo.DemoVocabulary.Country;
import dev.pangate.engine.demo.DemoVocabulary.MerchantKind;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every row of the demo database as a pure function of (size, seed, table, id). Rows that other
 * tables copy from (a card's PAN into its transactions, a transaction's PAN and amount into its
 * dispute) are simply recomputed, so a load streams each table without holding earlier ones.
 */
final class DemoGenerator {

  /** Merchants whose rows are fixed (region and country), so the demo policy can rely on them. */
  static final List<String> FIXED_MERCHANT_COUNTRIES = List.of("DE", "US", "JP");

  static final long CARDHOLDERS_FROM = epochSecond(2020, 1, 1);
  static final long CARDS_ISSUED_FROM = LocalDate.of(2022, 1, 1).toEpochDay();
  static final long TRANSACTIONS_FROM = epochSecond(2023, 1, 1);
  static final long TRANSACTIONS_UNTIL = epochSecond(2025, 1, 1);

  private static final long DAY = 86_400;
  private static final int BINS_PER_PRODUCT = 6;
  private static final long UNIQUE_MODULUS = 100_000_000L; // 10^CardProduct.UNIQUE_DIGITS

  record Merchant(int id, String name, String mcc, Country country) {}

  record Cardholder(
      long id,
      String fullName,
      String email,
      String phone,
      String street,
      String city,
      String postalCode,
      String country,
      long createdAt) {}

  record Card(
      long id,
      long cardholderId,
      CardProduct product,
      String pan,
      int expiryMonth,
      int expiryYear,
      String status,
      long issuedOn) {}

  record Transaction(
      long id,
      long cardId,
      String pan,
      int merchantId,
      long amountCents,
      String currency,
      long createdAt,
      String status,
      String authCode) {}

  record Dispute(
      long id, long txnId, String pan, String reason, long amountCents, long openedAt, String status) {}

  record Settlement(long id, int merchantId, String pan, long amountCents, long settledOn) {}

  private final DemoSize size;
  private final long seed;
  private final Map<CardProduct, List<String>> bins = new EnumMap<>(CardProduct.class);
  private final long uniqueMultiplier;
  private final long uniqueOffset;

  DemoGenerator(DemoSize size, long seed) {
    this.size = Objects.requireNonNull(size, "size is null");
    this.seed = seed;
    // A few issuers per product, as in real data: queries can group by BIN.
    for (CardProduct product : CardProduct.values()) {
      DemoRandom random = DemoRandom.forRow(seed, DemoTable.CARDS, -1 - product.ordinal());
      List<String> pool = new ArrayList<>(BINS_PER_PRODUCT);
      for (int i = 0; i < BINS_PER_PRODUCT; i++) {
        pool.add(product.randomBin(random));
      }
      bins.put(product, List.copyOf(pool));
    }
    // id -> (id * multiplier + offset) mod 10^8 is a bijection when the multiplier is coprime
    // with 10: unique account digits that do not look sequential.
    DemoRandom permutation = DemoRandom.forRow(seed, DemoTable.CARDS, -100);
    long multiplier = 1 + permutation.nextInt((int) UNIQUE_MODULUS - 1);
    while (multiplier % 2 == 0 || multiplier % 5 == 0) {
      multiplier++;
    }
    this.uniqueMultiplier = multiplier;
    this.uniqueOffset = permutation.nextInt((int) UNIQUE_MODULUS);
    if (size.cards() >= UNIQUE_MODULUS) {
      throw new IllegalStateException("more cards than unique account numbers");
    }
  }

  DemoSize size() {
    return size;
  }

  Merchant merchant(int id) {
    DemoRandom random = DemoRandom.forRow(seed, DemoTable.MERCHANTS, id);
    String name = random.pick(DemoVocabulary.MERCHANT_ADJECTIVES) + " "
        + random.pick(DemoVocabulary.MERCHANT_NOUNS);
    MerchantKind kind = random.pick(DemoVocabulary.MERCHANT_KINDS);
    Country country = id <= FIXED_MERCHANT_COUNTRIES.size()
        ? DemoVocabulary.country(FIXED_MERCHANT_COUNTRIES.get(id - 1))
        : random.pick(DemoVocabulary.COUNTRIES);
    return new Merchant(id, name + " " + kind.word(), kind.mcc(), country);
  }

  Cardholder cardholder(long id) {
    DemoRandom random = DemoRandom.forRow(seed, DemoTable.CARDHOLDERS, id);
    String first = random.pick(DemoVocabulary.FIRST_NAMES);
    String last = random.pick(DemoVocabulary.LAST_NAMES);
    Country country = random.pick(DemoVocabulary.COUNTRIES);
    String email = DemoVocabulary.emailPart(first) + "." + DemoVocabulary.emailPart(last) + "."
        + id + "@" + random.pick(DemoVocabulary.EMAIL_DOMAINS);
    String phone = random.chance(0.12) ? null : phone(country, random);
    String streetName = random.pick(country.streets());
    int number = random.between(1, 240);
    String street = country.numberFirst() ? number + " " + streetName : streetName + " " + number;
    String city = random.pick(country.cities());
    String postalCode = DemoVocabulary.fill(country.postalPattern(), random);
    long createdAt = CARDHOLDERS_FROM + random.nextInt((int) (730 * DAY));
    return new Cardholder(id, first + " " + last, email, phone, street, city, postalCode,
        country.code(), createdAt);
  }

  /** Eleven digits in all, short of the 13 that would make a phone number look like a PAN. */
  private static String phone(Country country, DemoRandom random) {
    int rest = 11 - country.callingCode().length() - 6;
    return "+" + country.callingCode() + " " + random.digits(3) + " " + random.digits(3) + " "
        + random.digits(rest);
  }

  Card card(long id) {
    DemoRandom random = DemoRandom.forRow(seed, DemoTable.CARDS, id);
    // Every cardholder has a card; the remaining cards go to random cardholders.
    long cardholderId = id <= size.cardholders() ? id : 1 + random.nextInt(size.cardholders());
    CardProduct product = CardProduct.draw(random);
    String bin = random.pick(bins.get(product));
    String unique = String.format("%08d", Math.floorMod(id * uniqueMultiplier + uniqueOffset,
        UNIQUE_MODULUS));
    String pan = product.pan(bin, unique, random);
    int expiryYear = random.between(2024, 2030);
    int expiryMonth = random.between(1, 12);
    String status = expiryYear == 2024 ? "expired"
        : random.chance(0.9) ? "active" : random.pick(DemoVocabulary.CARD_STATUSES);
    long issuedOn = CARDS_ISSUED_FROM + random.nextInt(365);
    return new Card(id, cardholderId, product, pan, expiryMonth, expiryYear, status, issuedOn);
  }

  Transaction transaction(long id) {
    DemoRandom random = DemoRandom.forRow(seed, DemoTable.TRANSACTIONS, id);
    long cardId = 1 + random.nextInt(size.cards());
    int merchantId;
    if (id <= FIXED_MERCHANT_COUNTRIES.size()) {
      merchantId = (int) id; // the first transactions (and their disputes) belong to merchants 1..3
    } else if (random.chance(0.2)) {
      merchantId = 1 + random.nextInt(FIXED_MERCHANT_COUNTRIES.size());
    } else {
      merchantId = 1 + random.nextInt(size.merchants());
    }
    // Mostly small amounts with a long tail, some of them round.
    long cents = 100 + (long) (-Math.log(1 - random.nextDouble()) * 6_000);
    cents = Math.min(cents, 999_999);
    if (random.chance(0.1)) {
      cents = Math.max(100, cents / 100 * 100);
    }
    long createdAt = TRANSACTIONS_FROM + random.nextInt((int) (TRANSACTIONS_UNTIL - TRANSACTIONS_FROM));
    int ticket = random.nextInt(100);
    String status = ticket < 85 ? "approved" : ticket < 93 ? "declined" : ticket < 97 ? "reversed"
        : "pending";
    String authCode = status.equals("approved") || status.equals("reversed") ? authCode(random) : null;
    return new Transaction(id, cardId, card(cardId).pan(), merchantId, cents,
        merchant(merchantId).country().currency(), createdAt, status, authCode);
  }

  private static String authCode(DemoRandom random) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    StringBuilder out = new StringBuilder(6);
    for (int i = 0; i < 6; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  Dispute dispute(long id) {
    DemoRandom random = DemoRandom.forRow(seed, DemoTable.DISPUTES, id);
    Transaction transaction = transaction(spreadOver(id, size.disputes(), random));
    String reason = random.chance(0.1) ? null : random.pick(DemoVocabulary.DISPUTE_REASONS);
    long amount = transaction.amountCents();
    if (random.chance(0.3)) {
      amount = Math.max(1, amount * random.between(20, 90) / 100);
    }
    long openedAt = transaction.createdAt() + random.between(1, 60) * DAY + random.nextInt((int) DAY);
    String status = random.pick(DemoVocabulary.DISPUTE_STATUSES);
    return new Dispute(id, transaction.id(), transaction.pan(), reason, amount, openedAt, status);
  }

  Settlement settlement(long id) {
    DemoRandom random = DemoRandom.forRow(seed, DemoTable.SETTLEMENTS, id);
    Transaction transaction = transaction(spreadOver(id, size.settlements(), random));
    // The legacy system lost the PAN of some settlements.
    String pan = random.chance(0.1) ? null : transaction.pan();
    long settledOn = Math.floorDiv(transaction.createdAt(), DAY) + random.between(1, 3);
    return new Settlement(id, transaction.merchantId(), pan, transaction.amountCents(), settledOn);
  }

  /**
   * The transaction that row {@code id} of {@code count} refers to: one from each of {@code count}
   * equal slices of the transactions, so rows refer to distinct transactions spread over time.
   * The first three refer to transactions 1–3, which belong to merchants 1–3.
   */
  private long spreadOver(long id, int count, DemoRandom random) {
    int fixed = FIXED_MERCHANT_COUNTRIES.size();
    if (id <= fixed) {
      return id;
    }
    long slice = size.transactions() / count;
    return (id - 1) * slice + 1 + random.nextInt((int) slice);
  }

  private static long epochSecond(int year, int month, int day) {
    return LocalDate.of(year, month, day).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }
}
