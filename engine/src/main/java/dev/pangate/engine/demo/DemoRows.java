package dev.pangate.engine.demo;

import dev.pangate.engine.demo.DemoGenerator.Card;
import dev.pangate.engine.demo.DemoGenerator.Cardholder;
import dev.pangate.engine.demo.DemoGenerator.Dispute;
import dev.pangate.engine.demo.DemoGenerator.Merchant;
import dev.pangate.engine.demo.DemoGenerator.Settlement;
import dev.pangate.engine.demo.DemoGenerator.Transaction;

/** Writes a generated row in the column order of {@link DemoTable#columns()}. */
final class DemoRows {

  private DemoRows() {}

  static void append(DemoGenerator generator, DemoTable table, long id, CopyRows out) {
    switch (table) {
      case MERCHANTS -> {
        Merchant merchant = generator.merchant((int) id);
        out.number(merchant.id()).text(merchant.name()).text(merchant.mcc())
            .text(merchant.country().code()).text(merchant.country().region());
      }
      case CARDHOLDERS -> {
        Cardholder holder = generator.cardholder(id);
        out.number(holder.id()).text(holder.fullName()).text(holder.email()).text(holder.phone())
            .text(holder.street()).text(holder.city()).text(holder.postalCode())
            .text(holder.country()).timestamp(holder.createdAt());
      }
      case CARDS -> {
        Card card = generator.card(id);
        out.number(card.id()).number(card.cardholderId()).text(card.pan())
            .text(card.product().brand()).number(card.expiryMonth()).number(card.expiryYear())
            .text(card.status()).date(card.issuedOn());
      }
      case TRANSACTIONS -> {
        Transaction txn = generator.transaction(id);
        out.number(txn.id()).number(txn.cardId()).text(txn.pan()).number(txn.merchantId())
            .cents(txn.amountCents()).text(txn.currency()).timestamp(txn.createdAt())
            .text(txn.status()).text(txn.authCode());
      }
      case DISPUTES -> {
        Dispute dispute = generator.dispute(id);
        out.number(dispute.id()).number(dispute.txnId()).text(dispute.pan())
            .text(dispute.reason()).cents(dispute.amountCents()).timestamp(dispute.openedAt())
            .text(dispute.status());
      }
      case SETTLEMENTS -> {
        Settlement settlement = generator.settlement(id);
        out.number(settlement.id()).number(settlement.merchantId()).text(settlement.pan())
            .cents(settlement.amountCents()).date(settlement.settledOn());
      }
    }
  }
}
