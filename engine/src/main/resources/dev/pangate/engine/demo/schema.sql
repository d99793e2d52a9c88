-- The demo cardholder database: tables first, constraints and indexes after the load (see
-- constraints.sql), which is much faster than checking them row by row.
-- The schema comment marks the schema as generated: DemoDatabase only ever drops a schema
-- that carries it.

CREATE SCHEMA payments;
COMMENT ON SCHEMA payments IS 'pangate demo cardholder database (generated; safe to drop and recreate)';

CREATE TABLE payments.merchants (
  merchant_id integer NOT NULL,
  name        text    NOT NULL,
  mcc         char(4) NOT NULL,
  country     char(2) NOT NULL,
  region      text    NOT NULL
);
COMMENT ON TABLE payments.merchants IS 'Acquired merchants; merchants 1, 2 and 3 are in DE (EU), US (NA) and JP (APAC).';
COMMENT ON COLUMN payments.merchants.mcc IS 'Merchant category code (ISO 18245).';
COMMENT ON COLUMN payments.merchants.country IS 'ISO 3166-1 alpha-2 country code.';
COMMENT ON COLUMN payments.merchants.region IS 'EU, NA, APAC or LATAM.';

CREATE TABLE payments.cardholders (
  cardholder_id bigint      NOT NULL,
  full_name     text        NOT NULL,
  email         text        NOT NULL,
  phone         text,
  street        text        NOT NULL,
  city          text        NOT NULL,
  postal_code   text        NOT NULL,
  country       char(2)     NOT NULL,
  created_at    timestamptz NOT NULL
);
COMMENT ON TABLE payments.cardholders IS 'People who hold cards (cardholder data besides the PAN).';
COMMENT ON COLUMN payments.cardholders.phone IS 'NULL when the cardholder gave none.';

CREATE TABLE payments.cards (
  card_id       bigint      NOT NULL,
  cardholder_id bigint      NOT NULL,
  pan           varchar(19) NOT NULL,
  brand         text        NOT NULL,
  expiry_month  smallint    NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
  expiry_year   smallint    NOT NULL,
  status        text        NOT NULL,
  issued_at     date        NOT NULL
);
COMMENT ON TABLE payments.cards IS 'Payment cards; every cardholder has at least one.';
COMMENT ON COLUMN payments.cards.pan IS 'Primary account number: Luhn-valid, 15, 16 or 19 digits.';
COMMENT ON COLUMN payments.cards.brand IS 'Visa, Mastercard, American Express or Discover.';
COMMENT ON COLUMN payments.cards.status IS 'active, blocked, lost or expired.';

CREATE TABLE payments.transactions (
  txn_id      bigint        NOT NULL,
  card_id     bigint        NOT NULL,
  pan         varchar(19)   NOT NULL,
  merchant_id integer       NOT NULL,
  amount      numeric(12,2) NOT NULL,
  currency    char(3)       NOT NULL,
  created_at  timestamptz   NOT NULL,
  status      text          NOT NULL,
  auth_code   char(6)
);
COMMENT ON TABLE payments.transactions IS 'Card authorisations, 2023-01-01 to 2024-12-31 (UTC).';
COMMENT ON COLUMN payments.transactions.pan IS 'The PAN of the card, copied as authorisation systems do.';
COMMENT ON COLUMN payments.transactions.currency IS 'ISO 4217 code of the merchant''s country.';
COMMENT ON COLUMN payments.transactions.status IS 'approved, declined, reversed or pending.';
COMMENT ON COLUMN payments.transactions.auth_code IS 'Issuer authorisation code; NULL unless approved or reversed.';

CREATE TABLE payments.disputes (
  dispute_id bigint        NOT NULL,
  txn_id     bigint        NOT NULL,
  pan        varchar(19)   NOT NULL,
  reason     text,
  amount     numeric(12,2) NOT NULL,
  opened_at  timestamptz   NOT NULL,
  status     text          NOT NULL
);
COMMENT ON TABLE payments.disputes IS 'Chargebacks, at most one per transaction.';
COMMENT ON COLUMN payments.disputes.pan IS 'The PAN of the disputed transaction.';
COMMENT ON COLUMN payments.disputes.reason IS 'NULL when the issuer gave no reason.';
COMMENT ON COLUMN payments.disputes.status IS 'open, under_review, won or lost.';

CREATE TABLE payments.settlements (
  settlement_id bigint        NOT NULL,
  merchant_id   integer       NOT NULL,
  pan           numeric(19,0),
  amount        numeric(12,2) NOT NULL,
  settled_on    date          NOT NULL
);
COMMENT ON TABLE payments.settlements IS 'Settlement records from a legacy system.';
COMMENT ON COLUMN payments.settlements.pan IS 'The PAN stored as a number by the legacy system; NULL where it was lost.';
