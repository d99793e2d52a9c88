package dev.pangate.engine.demo;

import java.util.Locale;

/**
 * How much data the demo database holds. The counts are fixed so that a size and a seed name one
 * exact data set.
 */
public enum DemoSize {
  /** Loads in well under a second; what the tests use. */
  SMALL(50, 300, 500, 5_000, 200, 500),
  /** About a hundred thousand transactions; a few seconds to load. */
  MEDIUM(500, 6_000, 10_000, 100_000, 4_000, 10_000),
  /** A million transactions; for benchmarks and plans that must face real volume. */
  LARGE(2_000, 60_000, 100_000, 1_000_000, 40_000, 100_000);

  private final int merchants;
  private final int cardholders;
  private final int cards;
  private final int transactions;
  private final int disputes;
  private final int settlements;

  DemoSize(int merchants, int cardholders, int cards, int transactions, int disputes, int settlements) {
    this.merchants = merchants;
    this.cardholders = cardholders;
    this.cards = cards;
    this.transactions = transactions;
    this.disputes = disputes;
    this.settlements = settlements;
  }

  public int merchants() {
    return merchants;
  }

  public int cardholders() {
    return cardholders;
  }

  public int cards() {
    return cards;
  }

  public int transactions() {
    return transactions;
  }

  public int disputes() {
    return disputes;
  }

  public int settlements() {
    return settlements;
  }

  /**
   * The size named {@code small}, {@code medium} or {@code large} (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static DemoSize parse(String name) {
    if (name != null) {
      for (DemoSize size : values()) {
        if (size.name().equalsIgnoreCase(name.trim())) {
          return size;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown demo size '" + name + "': use small, medium or large");
  }

  /** The lower-case name used on the command line and in the docs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
