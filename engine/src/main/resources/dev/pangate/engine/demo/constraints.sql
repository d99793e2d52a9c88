-- Keys, the UNIQUE on cards.pan, and the indexes the demo queries use; run after the load.

ALTER TABLE payments.merchants ADD PRIMARY KEY (merchant_id);
ALTER TABLE payments.cardholders ADD PRIMARY KEY (cardholder_id);
ALTER TABLE payments.cards ADD PRIMARY KEY (card_id);
ALTER TABLE payments.cards ADD CONSTRAINT cards_pan_key UNIQUE (pan);
ALTER TABLE payments.transactions ADD PRIMARY KEY (txn_id);
ALTER TABLE payments.disputes ADD PRIMARY KEY (dispute_id);
ALTER TABLE payments.settlements ADD PRIMARY KEY (settlement_id);

ALTER TABLE payments.cards ADD CONSTRAINT cards_cardholder_fk
  FOREIGN KEY (cardholder_id) REFERENCES payments.cardholders (cardholder_id);
ALTER TABLE payments.transactions ADD CONSTRAINT transactions_card_fk
  FOREIGN KEY (card_id) REFERENCES payments.cards (card_id);
ALTER TABLE payments.transactions ADD CONSTRAINT transactions_merchant_fk
  FOREIGN KEY (merchant_id) REFERENCES payments.merchants (merchant_id);
ALTER TABLE payments.disputes ADD CONSTRAINT disputes_txn_fk
  FOREIGN KEY (txn_id) REFERENCES payments.transactions (txn_id);
ALTER TABLE payments.settlements ADD CONSTRAINT settlements_merchant_fk
  FOREIGN KEY (merchant_id) REFERENCES payments.merchants (merchant_id);

CREATE INDEX transactions_card_id_idx ON payments.transactions (card_id);
CREATE INDEX transactions_merchant_id_idx ON payments.transactions (merchant_id);
CREATE INDEX transactions_created_at_idx ON payments.transactions (created_at);
CREATE INDEX transactions_pan_idx ON payments.transactions (pan);
CREATE INDEX disputes_txn_id_idx ON payments.disputes (txn_id);
CREATE INDEX disputes_pan_idx ON payments.disputes (pan);
CREATE INDEX cards_cardholder_id_idx ON payments.cards (cardholder_id);
CREATE INDEX settlements_merchant_id_idx ON payments.settlements (merchant_id);
