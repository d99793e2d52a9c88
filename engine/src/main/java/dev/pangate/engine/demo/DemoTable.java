package dev.pangate.engine.demo;

import java.util.List;
import java.util.function.ToIntFunction;

/** The demo tables in load order (every table after the tables it references). */
enum DemoTable {
  MERCHANTS(1, "merchants", DemoSize::merchants,
      List.of("merchant_id", "name", "mcc", "country", "region")),
  CARDHOLDERS(2, "cardholders", DemoSize::cardholders,
      List.of("cardholder_id", "full_name", "email", "phone", "street", "city", "postal_code",
          "country", "created_at")),
  CARDS(3, "cards", DemoSize::cards,
      List.of("card_id", "cardholder_id", "pan", "brand", "expiry_month", "expiry_year", "status",
          "issued_at")),
  TRANSACTIONS(4, "transactions", DemoSize::transactions,
      List.of("txn_id", "card_id", "pan", "merchant_id", "amount", "currency", "created_at",
          "status", "auth_code")),
  DISPUTES(5, "disputes", DemoSize::disputes,
      List.of("dispute_id", "txn_id", "pan", "reason", "amount", "opened_at", "status")),
  SETTLEMENTS(6, "settlements", DemoSize::settlements,
      List.of("settlement_id", "merchant_id", "pan", "amount", "settled_on"));

  private final long salt;
  private final String tableName;
  private final ToIntFunction<DemoSize> rows;
  private final List<String> columns;

  DemoTable(long salt, String tableName, ToIntFunction<DemoSize> rows, List<String> columns) {
    this.salt = salt;
    this.tableName = tableName;
    this.rows = rows;
    this.columns = columns;
  }

  /** The unqualified PostgreSQL name. */
  String tableName() {
    return tableName;
  }

  String qualifiedName() {
    return DemoDatabase.SCHEMA + "." + tableName;
  }

  int rows(DemoSize size) {
    return rows.applyAsInt(size);
  }

  List<String> columns() {
    return columns;
  }

  /**
   * Separates the random streams of the tables. Written out rather than taken from the ordinal so
   * that adding or reordering tables never changes the data of a seed.
   */
  long salt() {
    return salt;
  }
}
