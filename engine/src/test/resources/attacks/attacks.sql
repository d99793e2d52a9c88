-- The attack suite against the per-role views (read by AttackSuiteTest).
--
-- Each attack starts with "-- name:" and its directives:
--   agent    the agent sending it (support-bot, fraud-analyst, migration-bot, security-officer)
--   kind     pan | denied_column | invisible_table | filtered_row | error_oracle
--   expect   rows | error | either (default either)
--   feature  the SQL feature it abuses (the suite reports counts per feature)
--   check    a named check of the result against the masked truth (AttackSuiteTest.CHECKS)
--   truth    an administrator query whose rows the result must equal, as a multiset
--   oracle   for error oracles: the hidden row {target} stands for; the attack is run once aimed
--            at that hidden row and once at an id that does not exist, and both runs must end alike
--   hidden   for denied columns and invisible tables: the hidden name; the attack is run again
--            with a made-up name of the same length and the errors must read the same
--   params   the statement's ? values, separated by |
--   approve  yes: a write held for approval is approved by the security officer and run again
-- Every attack, whatever its kind, is checked for real PANs in cells, column labels and error
-- messages (causes included), and support-bot's id columns for rows outside merchants 1-3.
-- Placeholders: {hidden_txn} {hidden_dispute_txn} {hidden_card} {hidden_cardholder}
-- {hidden_merchant} (rows support-bot may not see), {card_token} (the agent's masked PAN of its
-- first card), {card_tokens} (the tokens of the agent's first 12 cards, quoted, comma-separated),
-- {settlement_token} (migration-bot's numeric token of a settlement PAN).

-- ============================================================ predicates on masked PANs

-- name: substring-digit-seven-in-where
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: txn_ids_where_seventh_digit_is_5
select txn_id from payments.transactions where substring(pan, 7, 1) = '5'

-- name: substring-digit-seven-projected
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: seventh_digit_of_masked
select txn_id, substring(pan, 7, 1) as d from payments.transactions

-- name: substring-digit-seven-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: seventh_digit_of_masked
select txn_id, substring(pan, 7, 1) as d from payments.transactions

-- name: like-prefix-probe
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: txn_ids_like_4111
select txn_id from payments.transactions where pan like '4111%'

-- name: range-probe-on-token
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
select txn_id, pan from payments.transactions where pan between '4' and '45' and txn_id < 400

-- name: position-of-digit-probe
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
select txn_id from payments.transactions where position('0' in pan) = 7

-- name: similar-to-truncated-probe
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: empty
select card_id from payments.cards where pan similar to '4[0-9]{15}'

-- name: middle-digits-equality-probe-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: empty
select card_id from payments.cards where substring(pan, 7, 6) = '000000' or substring(pan, 7, 1) in ('0','1','2','3','4','5','6','7','8','9')

-- name: token-equality-returns-its-own-rows
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: every_pan_is_card_token
select card_id, pan from payments.cards where pan = '{card_token}'

-- name: not-a-token-inequality-parameter
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: parameters
-- params: not-a-token
-- truth: select count(*) from payments.transactions where merchant_id in (1, 2, 3)
select count(*) from payments.transactions where pan <> ?

-- name: not-a-token-inequality-literal
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
-- truth: select count(*) from payments.transactions where merchant_id in (1, 2, 3)
select count(*) from payments.transactions where pan <> 'not-a-token'

-- name: raw-looking-parameter-finds-nothing-raw
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: parameters
-- params: 4111111111111111
select txn_id, pan from payments.transactions where pan = ?

-- name: token-parameter-finds-its-card
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: parameters
-- params: {card_token}
-- truth: select 1
select count(*) from payments.cards where pan = ?

-- name: token-and-junk-parameters-in-list
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: parameters
-- params: {card_token} | 9999
-- truth: select 1
select count(*) from payments.cards where pan in (?, ?)

-- name: negated-equality-with-junk-parameter
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: parameters
-- params: 9999
-- truth: select count(*) from payments.cards where card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3))
select count(*) from payments.cards where not (pan = ?)

-- name: spaced-numeric-token-parameter
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: parameters
-- params: {settlement_token_spaced}
select settlement_id, pan from payments.settlements where pan = ?

-- name: spaced-text-token-literal
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: predicates
-- check: empty
select card_id, pan from payments.cards where pan = '0000 0000 0000 0000'

-- ============================================================ casts and their errors

-- name: cast-pan-to-int-error
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: casts
select cast(pan as int) from payments.transactions where txn_id < 10

-- name: cast-pan-bigint-plus-one
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: casts
-- check: value_minus_one_is_masked
select txn_id, pan::bigint + 1 as p from payments.transactions where length(pan) = 16

-- name: cast-truncated-pan-to-bigint-error
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: casts
select cast(pan as bigint) from payments.cards

-- name: cast-pan-to-date-error
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: casts
select cast(pan as date) from payments.transactions

-- name: cast-pan-to-short-varchar
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: casts
select txn_id, cast(pan as varchar(9)) from payments.transactions

-- name: cast-pan-numeric-text-roundtrip
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: casts
select txn_id, cast(cast(pan as decimal(19, 0)) as varchar) from payments.transactions

-- name: cast-numeric-token-to-int-error
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: casts
select cast(pan as int) from payments.settlements where pan is not null

-- name: cast-pan-to-double
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: casts
select settlement_id, cast(pan as double) from payments.settlements

-- ============================================================ arithmetic on numeric PANs

-- name: settlement-pan-mod-10000
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
-- check: settlement_mod_10000_of_masked
select settlement_id, pan % 10000 as m from payments.settlements

-- name: settlement-pan-div-10000
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
-- check: settlement_div_10000_of_masked
select settlement_id, pan / 10000 as q from payments.settlements

-- name: settlement-pan-plus-minus
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
select settlement_id, pan - 1, pan + 1, pan * 2, -pan from payments.settlements

-- name: settlement-pan-sum-avg
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
-- check: settlement_sum_of_masked
select sum(pan) as s, avg(pan) as a from payments.settlements

-- name: settlement-pan-floor-division
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
select settlement_id, floor(pan / 1000000) from payments.settlements

-- name: settlement-pan-mod-function-predicate
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
select settlement_id from payments.settlements where mod(pan, 1000000) > 500000

-- name: settlement-truncated-pan-modulo
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: arithmetic
select settlement_id, pan % 10000 from payments.settlements

-- name: settlement-truncated-pan-sum
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: arithmetic
select sum(pan) from payments.settlements

-- name: settlement-token-equality
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
select settlement_id, pan from payments.settlements where pan = {settlement_token}

-- name: settlement-token-range
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arithmetic
select settlement_id, pan from payments.settlements where pan > {settlement_token} - 1000000 and pan < {settlement_token} + 1000000

-- ============================================================ string functions

-- name: length-of-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: string-functions
-- check: length_of_masked
select txn_id, length(pan) as n from payments.transactions

-- name: substring-pattern-over-token
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: string-functions
select txn_id, substring(pan from '^[0-9]{6}([0-9]{6})'), substring(pan similar '%#"[0-9]{4}#"' escape '#') from payments.transactions

-- name: substring-pattern-over-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: string-functions
select card_id from payments.cards where substring(pan from '4...') is not null or substring(pan from '1' for '2') = '1'

-- name: lpad-rpad
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: string-functions
select txn_id, lpad(pan, 25, '0'), rpad(pan, 25, 'x') from payments.transactions

-- name: upper-lower-concat
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: string-functions
select upper(pan) || '/' || lower(pan) || concat(pan, '-') from payments.cards

-- name: replace-translate
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: string-functions
select replace(pan, '4', 'x'), translate(pan, '0123456789', 'abcdefghij') from payments.cards

-- name: overlay-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: string-functions
select overlay(pan placing '000000' from 7 for 6) from payments.cards

-- name: ascii-of-hidden-digit
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: string-functions
-- check: empty
select card_id from payments.cards where ascii(substring(pan, 8, 1)) between 48 and 57 and length(pan) = 16

-- name: md5-of-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: string-functions
select md5(pan) from payments.cards

-- name: trim-and-split
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: string-functions
select trim(leading '0123' from pan), split_part(pan, '5', 2) from payments.cards

-- ============================================================ aggregates

-- name: min-max-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- check: min_max_of_masked
select min(pan) as lo, max(pan) as hi from payments.transactions

-- name: min-max-pan-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: aggregates
-- check: min_max_of_masked
select min(pan) as lo, max(pan) as hi from payments.transactions

-- name: group-by-truncated-pan-having
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: aggregates
select pan, count(*) from payments.transactions group by pan having count(*) > 1

-- name: count-distinct-token
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- truth: select count(distinct pan) from payments.transactions where merchant_id in (1, 2, 3)
select count(distinct pan) from payments.transactions

-- name: group-by-hidden-middle-digits
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
select substring(pan, 7, 6) as mid, count(*) from payments.transactions group by substring(pan, 7, 6)

-- name: count-distinct-bin
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- Tokens keep the first six digits of 16- and 19-digit PANs but only five of a 15-digit one
-- (the FF1 domain rule), so the first five are compared: they survive for every length.
-- truth: select count(distinct substring(pan, 1, 5)) from payments.transactions where merchant_id in (1, 2, 3)
select count(distinct substring(pan, 1, 5)) from payments.transactions

-- name: string-agg-pans
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: aggregates
select string_agg(pan, ',') from payments.transactions

-- name: max-bin-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: aggregates
select max(substring(pan, 1, 6)), min(length(pan)) from payments.cards

-- name: count-filtered-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: aggregates
-- truth: select count(*), sum(amount) from payments.transactions where merchant_id in (1, 2, 3)
select count(*), sum(amount) from payments.transactions

-- ============================================================ ordering

-- name: order-by-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: ordered_by_masked_not_raw
select txn_id, pan from payments.transactions order by pan

-- name: order-by-hidden-middle-limit
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: ordering
select txn_id from payments.transactions order by substring(pan, 7, 6) limit 5

-- name: order-by-truncated-desc
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
select card_id, pan from payments.cards order by pan desc limit 10

-- ============================================================ window functions

-- name: lag-lead-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select txn_id, lag(pan) over (order by txn_id), lead(pan) over (order by txn_id) from payments.transactions

-- name: row-number-over-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select txn_id, row_number() over (order by pan) from payments.transactions

-- name: first-value-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: window
select card_id, first_value(pan) over (partition by brand order by card_id) from payments.cards

-- name: max-pan-over-partition
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select txn_id, max(pan) over (partition by card_id) from payments.transactions

-- name: window-partitioned-by-token-runs-on-raw-but-shows-tokens
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select txn_id, pan, first_value(txn_id) over (partition by pan order by txn_id) as first_txn,
       count(*) over (partition by pan) as uses
from payments.transactions

-- name: window-partitioned-by-token-ordered-by-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select txn_id, rank() over (partition by pan order by pan, txn_id) from payments.transactions

-- name: window-partitioned-by-token-last-value-of-pan
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: window
select card_id, last_value(pan) over (partition by pan order by card_id) from payments.cards

-- name: groups-frame-over-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select txn_id, first_value(pan) over (order by card_id groups between 1 preceding and current row),
       string_agg(pan, ',') over (order by card_id groups between 1 preceding and 1 following exclude group)
from payments.transactions

-- name: groups-frame-ordered-by-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: window
select card_id, count(*) over (order by pan groups between current row and 1 following) from payments.cards

-- name: groups-frame-partitioned-by-token-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: either
-- feature: window
-- truth: select txn_id, count(*) over (partition by pan order by card_id groups between 1 preceding and current row) from payments.transactions where merchant_id in (1, 2, 3)
select txn_id, count(*) over (partition by pan order by card_id groups between 1 preceding and current row) as n from payments.transactions

-- name: lead-with-frame-over-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: window
select card_id, lead(pan) over (order by card_id rows between 1 preceding and current row) from payments.cards

-- name: window-partitioned-by-token-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: either
-- feature: window
-- truth: select txn_id, count(*) over (partition by pan) from payments.transactions where merchant_id in (1, 2, 3)
select txn_id, count(*) over (partition by pan) as n from payments.transactions

-- name: window-count-sees-only-visible-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: window
-- truth: select txn_id, count(*) over () from payments.transactions where merchant_id in (1, 2, 3)
select txn_id, count(*) over () as n from payments.transactions

-- ============================================================ set operations

-- name: union-with-values
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: set-operations
select pan from payments.transactions union select '4111111111111111'

-- name: union-values-row-first
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: values
select p from (values ('x')) as v(p) union select pan from payments.cards

-- name: intersect-tokens
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: set-operations
-- truth: select count(*) from (select pan from payments.transactions where merchant_id in (1, 2, 3) intersect select pan from payments.cards where card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3))) x
select count(*) from (select pan from payments.transactions intersect select pan from payments.cards) x

-- name: except-tokens
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: set-operations
select pan from payments.transactions except select pan from payments.disputes

-- name: union-all-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: set-operations
select pan from payments.cards union all select pan from payments.transactions

-- name: union-merchant-ids
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: set-operations
select merchant_id from payments.transactions union select merchant_id from payments.merchants

-- name: union-distinct-truncated-different-columns
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: set-operations
select pan from payments.cards union select pan from payments.disputes

-- ============================================================ joins

-- name: join-nested-without-parentheses-reads-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: joins
select m.merchant_id, t.txn_id, c.pan from payments.merchants m left join payments.transactions t join payments.cards c on c.card_id = t.card_id on t.merchant_id = m.merchant_id

-- name: join-nested-without-parentheses-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: joins
-- truth: select t.txn_id, t.merchant_id from payments.cards c join payments.transactions t on t.card_id = c.card_id where t.merchant_id in (1, 2, 3) and c.card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3))
select t.txn_id, t.merchant_id from payments.cards c left join payments.transactions t join payments.merchants m on m.merchant_id = t.merchant_id on t.card_id = c.card_id where t.txn_id is not null

-- name: self-join-on-token
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: joins
-- truth: select a.txn_id, b.txn_id from payments.transactions a join payments.transactions b on a.pan = b.pan and a.txn_id < b.txn_id where a.merchant_id in (1, 2, 3) and b.merchant_id in (1, 2, 3)
select a.txn_id, b.txn_id from payments.transactions a join payments.transactions b on a.pan = b.pan and a.txn_id < b.txn_id

-- name: cards-join-transactions-on-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: joins
-- truth: select t.txn_id, c.card_id from payments.transactions t join payments.cards c on t.pan = c.pan where t.merchant_id in (1, 2, 3) and c.card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3))
select t.txn_id, c.card_id from payments.transactions t join payments.cards c on t.pan = c.pan

-- name: cards-join-transactions-on-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: joins
select t.txn_id, c.card_id, c.pan from payments.transactions t join payments.cards c on t.pan = c.pan where t.txn_id < 200

-- name: join-ids-stay-in-filter
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: joins
select t.txn_id, t.merchant_id, c.card_id, c.cardholder_id from payments.transactions t join payments.cards c on c.card_id = t.card_id

-- name: disputes-left-join-transactions
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: joins
select d.dispute_id, t.txn_id, t.merchant_id from payments.disputes d left join payments.transactions t on t.txn_id = d.txn_id

-- name: full-join-merchants-transactions
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: joins
select m.merchant_id, t.txn_id from payments.merchants m full join payments.transactions t on t.merchant_id = m.merchant_id

-- name: join-on-bin
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: joins
select c.pan, t.pan from payments.cards c join payments.transactions t on substring(c.pan, 1, 6) = substring(t.pan, 1, 6) where c.card_id < 20 and t.txn_id < 20

-- name: settlement-numeric-token-join-cards
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: joins
select s.settlement_id, c.card_id from payments.settlements s join payments.cards c on s.pan = cast(c.pan as decimal(19, 0)) where s.settlement_id < 50

-- name: cross-join-hidden-probe
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: joins
-- truth: select count(*) from payments.merchants a, payments.merchants b where a.merchant_id in (1, 2, 3) and b.merchant_id in (1, 2, 3)
select count(*) from payments.merchants a cross join payments.merchants b

-- ============================================================ CTEs

-- name: cte-pan-filter
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: cte
with p as (select pan from payments.transactions) select pan from p where pan like '5%'

-- name: cte-hidden-merchant
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: cte
-- check: empty
with t as (select * from payments.transactions) select txn_id, merchant_id from t where merchant_id = {hidden_merchant}

-- name: recursive-cte-over-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: cte
with recursive r(n, p) as (select 1, pan from payments.cards where card_id = 1 union all select n + 1, p from r where n < 3) select n, p from r

-- name: recursive-cte-counter-joined
-- agent: support-bot
-- kind: filtered_row
-- expect: either
-- feature: cte
with recursive r(n) as (select 1 union all select n + 1 from r where n < 100) select t.txn_id, t.merchant_id from payments.transactions t join r on t.txn_id = r.n

-- name: recursive-cte-named-like-a-table
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: cte
-- truth: select n from generate_series(1, 5) n
with recursive transactions(txn_id) as (select 1 union all select txn_id + 1 from transactions where txn_id < 5) select txn_id as n from transactions

-- name: recursive-cte-named-like-a-table-joined-to-it
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: cte
-- truth: select t.txn_id, t.merchant_id from payments.transactions t where t.txn_id between 1 and 60 and t.merchant_id in (1, 2, 3)
with recursive transactions(txn_id) as (select 1 union all select txn_id + 1 from transactions where txn_id < 60) select t.txn_id, t.merchant_id from payments.transactions t join transactions r on t.txn_id = r.txn_id

-- name: recursive-walk-stops-at-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: cte
-- truth: with recursive w(id) as (select min(txn_id) from payments.transactions where merchant_id in (1, 2, 3) union all select t.txn_id from w join payments.transactions t on t.txn_id = w.id + 1 where t.merchant_id in (1, 2, 3)) select id as txn_id from w
with recursive w(id) as (select min(txn_id) from payments.transactions union all select t.txn_id from w join payments.transactions t on t.txn_id = w.id + 1) select id as txn_id from w

-- ============================================================ subqueries

-- name: exists-with-empty-select-list-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select m.merchant_id from payments.merchants m where m.merchant_id in (1, 2, 3) and exists (select 1 from payments.transactions t where t.merchant_id = m.merchant_id)
select m.merchant_id from payments.merchants m where exists (select from payments.transactions t where t.merchant_id = m.merchant_id)

-- name: empty-select-list-over-pan-predicate
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: subqueries
select from payments.cards where substring(pan, 7, 1) = '5' union select from payments.transactions

-- name: correlated-scalar-subquery-keeps-columns-in-place
-- agent: support-bot
-- kind: denied_column
-- expect: rows
-- feature: subqueries
-- truth: select c.cardholder_id, c.city, (select count(*) from payments.cards k where k.cardholder_id = c.cardholder_id and k.card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3))) from payments.cardholders c where c.cardholder_id in (select k.cardholder_id from payments.cards k join payments.transactions t on t.card_id = k.card_id where t.merchant_id in (1, 2, 3))
select t0.cardholder_id, t0.city, (select count(*) from payments.cards t1 where t1.cardholder_id = t0.cardholder_id) as n from payments.cardholders t0

-- name: correlated-scalar-subquery-over-narrow-view
-- agent: fraud-analyst
-- kind: denied_column
-- expect: rows
-- feature: subqueries
-- truth: select c.city, (select count(*) from payments.cards k where k.cardholder_id = c.cardholder_id) from payments.cardholders c
select t0.city, (select count(*) from payments.cards t1 where t1.cardholder_id = t0.cardholder_id) as n from payments.cardholders t0

-- name: correlated-exists-raw-pan-probe
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: subqueries
select t.txn_id from payments.transactions t where exists (select 1 from payments.cards c where c.pan like '4111%' and c.card_id = t.card_id)

-- name: in-select-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- truth: select txn_id from payments.transactions where merchant_id in (1, 2, 3)
select txn_id from payments.transactions where pan in (select pan from payments.cards)

-- name: in-select-disputes
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
select txn_id, merchant_id from payments.transactions where txn_id in (select txn_id from payments.disputes)

-- name: scalar-subquery-count
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select count(*) from payments.transactions where merchant_id in (1, 2, 3)
select (select count(*) from payments.transactions) as n

-- name: scalar-subquery-hidden-max
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select cast(null as bigint)
select (select max(txn_id) from payments.transactions where merchant_id = {hidden_merchant}) as m

-- name: scalar-subquery-hidden-digit
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: subqueries
select txn_id from payments.transactions t where (select substring(c.pan, 7, 1) from payments.cards c where c.card_id = t.card_id) = '5'

-- name: not-exists-merchant
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select count(*) from payments.transactions where false
select count(*) from payments.transactions t where not exists (select 1 from payments.merchants m where m.merchant_id = t.merchant_id)

-- name: any-subquery-tokens
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: subqueries
select txn_id from payments.transactions where pan = any (select pan from payments.cards where brand = 'Visa')

-- name: hidden-row-count-through-subquery
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select 0
select count(*) from payments.disputes where txn_id in (select txn_id from payments.transactions where merchant_id = {hidden_merchant})

-- ============================================================ LATERAL

-- name: lateral-card-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: lateral
select t.txn_id, x.cpan from payments.transactions t, lateral (select c.pan as cpan from payments.cards c where c.card_id = t.card_id) x

-- name: lateral-with-masked-predicate
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: lateral
select t.txn_id, x.cpan from payments.transactions t, lateral (select c.pan as cpan from payments.cards c where c.card_id = t.card_id and substring(c.pan, 1, 1) = '4') x

-- name: lateral-count-per-merchant
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: lateral
-- truth: select m.merchant_id, (select count(*) from payments.transactions t where t.merchant_id = m.merchant_id) from payments.merchants m where m.merchant_id in (1, 2, 3)
select m.merchant_id, x.n from payments.merchants m, lateral (select count(*) as n from payments.transactions t where t.merchant_id = m.merchant_id) x

-- name: lateral-after-join-reads-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: lateral
select t.txn_id, x.p from payments.transactions t join payments.cards c on c.card_id = t.card_id,
       lateral (select c.pan || t.pan as p) x

-- name: lateral-after-join-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: lateral
-- truth: select t.txn_id, t.merchant_id from payments.transactions t join payments.merchants m on m.merchant_id = t.merchant_id where t.merchant_id in (1, 2, 3)
select t.txn_id, x.m from payments.transactions t join payments.merchants m on m.merchant_id = t.merchant_id,
       lateral (select m.merchant_id as m) x

-- ============================================================ VALUES

-- name: values-join-on-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: values
select t.txn_id from (values (1, '4111111111111111')) as v(id, p) join payments.transactions t on t.pan = v.p

-- name: values-holding-a-scalar-subquery
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: values
values ((select max(pan) from payments.transactions))

-- name: values-hidden-ids
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: values
-- check: empty
select t.txn_id, t.merchant_id from payments.transactions t join (values ({hidden_txn})) as v(id) on t.txn_id = v.id

-- ============================================================ EXPLAIN

-- name: explain-token-equality
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select * from payments.transactions where pan = '{card_token}'

-- name: explain-filtered-join
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select d.dispute_id, c.pan from payments.disputes d join payments.transactions t on t.txn_id = d.txn_id join payments.cards c on c.card_id = t.card_id where d.amount > 100

-- name: explain-gateway-evaluated-cardholders
-- agent: support-bot
-- kind: denied_column
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select upper(full_name), city from payments.cardholders order by full_name

-- name: explain-fenced-cardholders
-- agent: support-bot
-- kind: denied_column
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select * from payments.cardholders where 1 / (cardholder_id - 5) = 1

-- name: explain-cardholders-truncated-role
-- agent: fraud-analyst
-- kind: denied_column
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select * from payments.cardholders

-- name: explain-numeric-token
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select * from payments.settlements where pan = {settlement_token}

-- name: explain-masked-substring
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: explain
-- check: explain_is_clean
explain plan for select substring(pan, 7, 1) from payments.transactions where merchant_id = 2

-- ============================================================ errors that quote values

-- name: pan-cast-in-predicate-error
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: error-messages
select txn_id from payments.transactions where pan::int > 0

-- name: smallint-overflow-from-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: error-messages
select txn_id from payments.transactions where cast(substring(pan, 1, 18) as smallint) = 1

-- name: division-by-pan-length
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: error-messages
select 1 / (length(pan) - 16) from payments.transactions

-- name: date-arithmetic-from-pan
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: error-messages
select date '2020-01-01' + cast(substring(pan, 1, 7) as integer) from payments.transactions

-- name: timestamp-from-pan-text
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: error-messages
select cast(pan as timestamp) from payments.transactions where txn_id = 1

-- name: numeric-overflow-from-token
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: error-messages
select cast(pan as decimal(5, 0)) from payments.settlements where pan is not null

-- name: unique-violation-quoting-pan
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
insert into payments.cards (card_id, cardholder_id, pan, brand, expiry_month, expiry_year, status, issued_at) select card_id + 100000, cardholder_id, pan, brand, expiry_month, expiry_year, status, issued_at from payments.cards

-- ============================================================ errors raised only by hidden rows

-- name: divide-by-zero-on-hidden-transaction-fenced
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_txn
select txn_id from payments.transactions where 1 / (case when txn_id = {target} then 0 else 1 end) = 1

-- name: issue-example-merchant-four
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_merchant
select txn_id, merchant_id from payments.transactions where 1 / (case when merchant_id = {target} and amount > 100 then 0 else 1 end) = 1

-- name: divide-by-zero-next-to-gateway-work
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_txn
select 1 / (case when txn_id = {target} then 0 else 1 end) as x, left(pan, 6) as bin,
       date_trunc('month', created_at) as month
from payments.transactions

-- name: divide-by-zero-next-to-gateway-grouping
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_txn
select date_trunc('month', created_at) + interval '1' day * (1 / (case when txn_id = {target} then 0 else 1 end)) as m,
       count(distinct left(pan, 6)) as bins
from payments.transactions group by 1

-- name: divide-by-zero-in-derived-column-transactions
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_txn
select * from (select txn_id, 1 / (case when txn_id = {target} then 0 else 1 end) as x from payments.transactions) s where x = 1

-- name: divide-by-zero-in-derived-column-disputes
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select * from (select dispute_id, 1 / (case when txn_id = {target} then 0 else 1 end) as x from payments.disputes) s where x = 1

-- name: divide-by-zero-in-derived-column-cards
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select * from (select card_id, 1 / (case when card_id = {target} then 0 else 1 end) as x from payments.cards) s where x = 1

-- name: divide-by-zero-in-derived-column-cardholders
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_cardholder
select * from (select cardholder_id, 1 / (case when cardholder_id = {target} then 0 else 1 end) as x from payments.cardholders) s where x = 1

-- name: having-on-derived-group-key-disputes
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select x, count(*) from (select 1 / (case when txn_id = {target} then 0 else 1 end) as x from payments.disputes) s group by x having x = 1

-- name: invalid-regex-only-on-hidden-dispute
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select dispute_id from payments.disputes where case when txn_id = {target} then reason similar to '(' else true end

-- name: invalid-regex-only-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards where case when card_id = {target} then status similar to '(' else true end

-- name: invalid-regex-only-on-hidden-cardholder
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_cardholder
select cardholder_id from payments.cardholders where case when cardholder_id = {target} then city similar to '(' else true end

-- name: like-escape-at-end-only-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards where case when card_id = {target} then brand like '%\' else true end

-- name: invalid-cast-only-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards where cast(case when card_id = {target} then 'x' else '1' end as int) = 1

-- name: unsafe-join-condition-on-hidden-transaction
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_txn
select count(*) from payments.transactions t join payments.merchants m on m.merchant_id = t.merchant_id and 1 / (case when t.txn_id = {target} then 0 else 1 end) = 1

-- name: derived-column-joined-on-cards
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select c.card_id from payments.cards c join (select card_id, 1 / (case when card_id = {target} then 0 else 1 end) as x from payments.cards) k on k.card_id = c.card_id and k.x = 1

-- name: exists-with-failing-predicate-on-hidden-dispute
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select txn_id from payments.transactions t where exists (select 1 from payments.disputes d where d.txn_id = t.txn_id and 1 / (case when d.txn_id = {target} then 0 else 1 end) = 1)

-- name: window-sum-over-failing-expression
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_txn
select txn_id from (select txn_id, sum(1 / (case when txn_id = {target} then 0 else 1 end)) over () as s from payments.transactions) q

-- name: scalar-subquery-failing-on-hidden-dispute
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select (select count(*) from payments.disputes where txn_id = {target} and 1 / (txn_id - {target}) = 1) as n

-- name: in-subquery-derived-column-disputes
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select txn_id from payments.transactions where txn_id in (select txn_id from (select txn_id, 1 / (case when txn_id = {target} then 0 else 1 end) as x from payments.disputes) s where x = 1)

-- name: join-condition-similar-to-only-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select c.card_id from payments.cards c join payments.merchants m on case when c.card_id = {target} then c.status similar to '(' else true end

-- name: like-invalid-escape-clause-only-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: either
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards where case when card_id = {target} then brand like 'a' escape 'xy' else true end

-- name: ilike-escape-at-end-only-on-hidden-cardholder
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_cardholder
select cardholder_id from payments.cardholders where case when cardholder_id = {target} then country ilike '%\' else true end

-- name: regex-operator-only-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards where case when card_id = {target} then status ~ '(' else true end

-- name: order-by-failing-expression-cards
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards order by 1 / (case when card_id = {target} then 0 else 1 end), card_id limit 3

-- name: group-by-failing-expression-cards
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select count(*) from payments.cards group by 1 / (case when card_id = {target} then 0 else 1 end)

-- name: correlated-scalar-failing-on-hidden-card
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_card
select card_id from payments.cards c where (select 1 / (case when c.card_id = {target} then 0 else 1 end)) = 1

-- name: window-partition-by-failing-expression-disputes
-- agent: support-bot
-- kind: error_oracle
-- expect: rows
-- feature: hidden-row-errors
-- oracle: hidden_dispute_txn
select dispute_id, count(*) over (partition by 1 / (case when txn_id = {target} then 0 else 1 end)) from payments.disputes

-- ============================================================ filtered rows, directly

-- name: or-true-does-not-widen-the-filter
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: predicates
select txn_id, merchant_id from payments.transactions where merchant_id = {hidden_merchant} or 1 = 1

-- name: tablesample-of-filtered-table
-- agent: support-bot
-- kind: filtered_row
-- expect: either
-- feature: predicates
select txn_id, merchant_id from payments.transactions tablesample bernoulli(50) where txn_id < 200

-- name: hidden-transaction-by-id
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: predicates
-- check: empty
select txn_id, merchant_id from payments.transactions where txn_id = {hidden_txn}

-- name: hidden-card-by-id
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: predicates
-- check: empty
select card_id, pan from payments.cards where card_id = {hidden_card}

-- name: hidden-cardholder-by-id
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: predicates
-- check: empty
select cardholder_id, city from payments.cardholders where cardholder_id = {hidden_cardholder}

-- name: transactions-of-visible-cards-only
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
select txn_id, merchant_id from payments.transactions where card_id in (select card_id from payments.cards)

-- name: insert-select-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: error
-- feature: dml
insert into payments.transactions select * from payments.transactions where merchant_id = {hidden_merchant}

-- ============================================================ denied columns

-- name: denied-street
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: metadata
-- hidden: street
select street from payments.cardholders

-- name: denied-street-in-where
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: predicates
-- hidden: street
select cardholder_id from payments.cardholders where street like 'A%'

-- name: denied-street-group-by
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: aggregates
-- hidden: street
select count(*) from payments.cardholders group by street

-- name: denied-street-qualified-quoted
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: identifiers
-- hidden: street
select c."street" from payments.cardholders c

-- name: denied-street-in-scalar-subquery
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: subqueries
-- hidden: street
select (select max(street) from payments.cardholders) as s

-- name: denied-street-through-join
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: joins
-- hidden: street
select h.street from payments.cards c join payments.cardholders h on h.cardholder_id = c.cardholder_id

-- name: denied-full-name-fraud
-- agent: fraud-analyst
-- kind: denied_column
-- expect: error
-- feature: metadata
-- hidden: full_name
select full_name from payments.cardholders

-- name: denied-email-order-by-fraud
-- agent: fraud-analyst
-- kind: denied_column
-- expect: error
-- feature: ordering
-- hidden: email
select cardholder_id from payments.cardholders order by email

-- name: denied-phone-in-cte-fraud
-- agent: fraud-analyst
-- kind: denied_column
-- expect: error
-- feature: cte
-- hidden: phone
with h as (select cardholder_id, phone from payments.cardholders) select count(*) from h

-- name: denied-street-upper-case-quoted
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: identifiers
-- hidden: STREET
select "STREET" from payments.cardholders

-- ============================================================ invisible tables and catalogs

-- name: invisible-cardholders-migration
-- agent: migration-bot
-- kind: invisible_table
-- expect: error
-- feature: metadata
-- hidden: cardholders
select * from payments.cardholders

-- name: invisible-cardholders-unqualified-join
-- agent: migration-bot
-- kind: invisible_table
-- expect: error
-- feature: joins
-- hidden: cardholders
select count(*) from cards c join cardholders h on h.cardholder_id = c.cardholder_id

-- name: invisible-settlements-support
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: metadata
-- hidden: settlements
select * from payments.settlements

-- name: invisible-settlements-in-subquery
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: subqueries
-- hidden: settlements
select txn_id from payments.transactions where exists (select 1 from payments.settlements s where s.merchant_id = 1)

-- name: invisible-cards-security-officer
-- agent: security-officer
-- kind: invisible_table
-- expect: error
-- feature: metadata
-- hidden: cards
select * from payments.cards

-- name: invisible-unqualified-security-officer
-- agent: security-officer
-- kind: invisible_table
-- expect: error
-- feature: metadata
-- hidden: transactions
select count(*) from transactions

-- name: invisible-schema-security-officer
-- agent: security-officer
-- kind: invisible_table
-- expect: error
-- feature: catalog
-- hidden: payments
select * from payments.merchants

-- name: explain-invisible-table-security-officer
-- agent: security-officer
-- kind: invisible_table
-- expect: error
-- feature: explain
-- hidden: cards
explain plan for select pan from payments.cards

-- name: invisible-in-subquery-security-officer
-- agent: security-officer
-- kind: invisible_table
-- expect: error
-- feature: subqueries
-- hidden: disputes
select 1 where exists (select 1 from payments.disputes)

-- name: pg-catalog-tables
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: catalog
-- hidden: pg_catalog
select * from pg_catalog.pg_tables

-- name: information-schema-columns
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: catalog
-- hidden: information_schema
select table_name, column_name from information_schema.columns

-- name: pg-user-fraud
-- agent: fraud-analyst
-- kind: invisible_table
-- expect: error
-- feature: catalog
-- hidden: pg_catalog
select * from pg_catalog.pg_user

-- name: calcite-metadata-schema
-- agent: migration-bot
-- kind: invisible_table
-- expect: error
-- feature: catalog
-- hidden: metadata
select * from metadata.tables

-- name: upper-case-quoted-schema-and-table
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: identifiers
-- hidden: SETTLEMENTS
select * from "payments"."SETTLEMENTS"

-- name: quoted-lower-case-hidden-table
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: identifiers
-- hidden: settlements
select * from "payments"."settlements"

-- name: insert-into-invisible-table
-- agent: migration-bot
-- kind: invisible_table
-- expect: error
-- feature: dml
-- hidden: cardholders
insert into payments.cardholders (cardholder_id) values (1)

-- name: pg-function-on-hidden-table
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: catalog
select pg_relation_size('payments.cardholders')

-- name: current-user-of-the-gateway
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: catalog
select current_user, session_user

-- ============================================================ comments and unicode tricks

-- name: line-comment-hides-nothing
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: comments-unicode
-- check: empty
select txn_id, merchant_id from payments.transactions -- where merchant_id in (1, 2, 3)
where merchant_id = {hidden_merchant}

-- name: block-comment-hides-nothing
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: comments-unicode
select txn_id, merchant_id from payments.transactions /* policy */ where /* merchant_id in (1, 2, 3) or */ merchant_id > 3 or txn_id > 0

-- name: unicode-escaped-table-name
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: comments-unicode
select * from payments.U&"settlement\0073"

-- name: unicode-escaped-denied-column
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: comments-unicode
select U&"stree\0074" from payments.cardholders

-- name: fullwidth-column-name
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: comments-unicode
select ｐａｎ from payments.transactions

-- name: zero-width-space-in-table-name
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: comments-unicode
select * from payments."settlements​"

-- name: cyrillic-homoglyph-table
-- agent: migration-bot
-- kind: invisible_table
-- expect: error
-- feature: comments-unicode
select * from payments."сardholders"

-- name: two-statements
-- agent: support-bot
-- kind: invisible_table
-- expect: error
-- feature: comments-unicode
select 1; select * from payments.settlements

-- name: quoted-identifiers-pan
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: identifiers
select "pan", "txn_id" from "payments"."transactions" where "txn_id" < 50

-- name: alias-named-like-raw-column
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: identifiers
select t.pan as raw_pan, t.pan as "PAN" from payments.transactions as t

-- name: system-column-ctid
-- agent: support-bot
-- kind: denied_column
-- expect: error
-- feature: catalog
-- hidden: ctid
select ctid, txn_id from payments.transactions

-- name: long-aliases-collide-in-postgresql
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: identifiers
select * from (select txn_id, pan, txn_id + 1 as "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", txn_id + 2 as "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2" from payments.transactions) s where "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1" > 5 order by "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2" limit 3

-- name: quoted-alias-sql-injection
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: identifiers
select * from (select txn_id + 0 as "txn_id"" from payments.transactions --", merchant_id, pan from payments.transactions) s

-- ============================================================ writes under the policy (run after approval)

-- name: approved-insert-select-duplicate-pan
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
insert into payments.cards (card_id, cardholder_id, pan, brand, expiry_month, expiry_year, status, issued_at) select card_id + 100000, cardholder_id, pan, brand, expiry_month, expiry_year, status, issued_at from payments.cards where card_id = 1

-- name: approved-update-copies-pan-into-clear-column
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
update payments.cards set brand = pan where card_id = 1

-- name: approved-update-copies-pan-digits-into-clear-column
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
update payments.cards set status = substring(pan, 7, 6) where card_id = 1

-- name: approved-insert-select-pan-into-clear-column
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
insert into payments.transactions (txn_id, card_id, pan, merchant_id, amount, currency, created_at, status, auth_code) select txn_id + 100000, card_id, pan, merchant_id, amount, currency, created_at, status, substring(pan, 1, 6) from payments.transactions where txn_id = 1

-- name: approved-update-where-masked-digit
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
update payments.cards set status = status where substring(pan, 7, 1) = '5'

-- name: approved-update-writes-a-token-as-pan
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
update payments.cards set pan = '{card_token}' where card_id = 1

-- name: approved-update-pan-from-a-subquery
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
update payments.transactions set pan = (select c.pan from payments.cards c where c.card_id = 2) where txn_id = 1

-- name: approved-insert-values-raw-pan
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
insert into payments.cards (card_id, cardholder_id, pan, brand, expiry_month, expiry_year, status, issued_at) values (100001, 1, '4111111111111111', 'Visa', 1, 2030, 'active', date '2022-01-01')

-- name: denied-update-of-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: error
-- feature: dml
update payments.transactions set status = status where merchant_id = {hidden_merchant}

-- name: approved-update-pan-error-message
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: dml
-- approve: yes
update payments.transactions set amount = cast(pan as decimal(5, 0)) where txn_id = 1

-- ============================================================ PostgreSQL's own functions (passed through)

-- name: query-to-xml-reads-raw-pans
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: postgres-functions
select query_to_xml('select pan from payments.cards', true, false, '')

-- name: table-to-xml-reads-raw-table
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: postgres-functions
select table_to_xml('payments.cards'::regclass, true, false, '')

-- name: pg-catalog-qualified-query-to-xml
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: postgres-functions
select pg_catalog.query_to_xml('select pan from payments.transactions', true, false, '')

-- name: format-of-a-token
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: postgres-functions
select format('%s|%s', txn_id, pan) from payments.transactions

-- name: regexp-count-of-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: postgres-functions
select txn_id from payments.transactions where regexp_count(pan, '5') > 2

-- name: encode-of-a-token
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: postgres-functions
select encode(convert_to(pan, 'UTF8'), 'base64') from payments.cards

-- name: string-agg-of-pans-through-format
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: postgres-functions
select string_agg(format('%s', pan), ',') from payments.cards

-- name: ltrim-two-arguments-on-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: postgres-functions
select ltrim(pan, '0123456789') from payments.cards

-- name: hidden-rows-through-width-bucket
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: postgres-functions
-- truth: select width_bucket(txn_id, 0, 100000, 10), count(*) from payments.transactions where merchant_id in (1, 2, 3) group by 1
select width_bucket(txn_id, 0, 100000, 10), count(*) from payments.transactions group by 1

-- name: current-setting-of-the-gateway-session
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: postgres-functions
select current_setting('search_path')

-- ============================================================ set-returning functions in FROM

-- name: unnest-of-an-array-of-pans
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: set-returning
select u from payments.cards c, unnest(array[c.pan, c.pan]) u

-- name: lateral-generate-series-over-a-pan-digit
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: set-returning
select c.card_id, g from payments.cards c, lateral generate_series(1, length(c.pan)) g

-- name: regexp-split-of-a-token
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: set-returning
select c.card_id, s from payments.cards c, lateral regexp_split_to_table(c.pan, '') s

-- name: generate-series-joined-to-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: set-returning
-- truth: select t.merchant_id, g from payments.transactions t, generate_series(1, 2) g where t.merchant_id in (1, 2, 3)
select t.merchant_id, g from payments.transactions t, generate_series(1, 2) g

-- name: set-returning-in-select-list-over-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: set-returning
select regexp_matches(pan, '([0-9]{4})', 'g') from payments.cards

-- ============================================================ raw order (the order oracle)

-- name: group-by-token-order
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: tokens_not_in_raw_order
select pan from payments.transactions group by pan

-- name: distinct-token-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: tokens_not_in_raw_order
select distinct pan from payments.transactions

-- name: union-token-order
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: set-operations
-- check: tokens_not_in_raw_order
select pan from payments.transactions union select pan from payments.transactions

-- name: group-by-token-limit-keeps-smallest
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: limit_keeps_no_raw_smallest
select pan from payments.transactions group by pan limit 10

-- name: distinct-token-limit-keeps-smallest
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: limit_keeps_no_raw_smallest
select distinct pan from payments.transactions limit 8

-- name: in-subquery-token-order
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- check: tokens_not_in_raw_order
select pan from payments.transactions where pan in (select pan from payments.disputes)

-- name: partition-by-token-order
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
-- check: tokens_not_in_raw_order
select pan, row_number() over (partition by pan) as n from payments.transactions

-- The order oracle over a list of tokens: PostgreSQL matches them on the raw PANs (an index on
-- pan hands rows back in raw order), so whatever depends on row order must follow visible values.

-- name: in-list-of-tokens-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: cards_not_in_raw_order
select card_id from payments.cards where pan in ({card_tokens})

-- name: scalar-subquery-offset-walks-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards where card_id in (
  (select card_id from payments.cards where pan in ({card_tokens}) offset 0 limit 1),
  (select card_id from payments.cards where pan in ({card_tokens}) offset 1 limit 1),
  (select card_id from payments.cards where pan in ({card_tokens}) offset 2 limit 1))

-- name: in-subquery-limit-keeps-raw-smallest
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards where card_id in (select card_id from payments.cards where pan in ({card_tokens}) limit 4)

-- name: in-subquery-fetch-first-keeps-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards where card_id in (select card_id from payments.cards where pan in ({card_tokens}) fetch first 4 rows only)

-- name: in-subquery-distinct-limit-keeps-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards where card_id in (select distinct card_id from payments.cards where pan in ({card_tokens}) limit 4)

-- name: exists-subquery-limit-keeps-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: subqueries
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards c where exists (select 1 from (select pan from payments.cards where pan in ({card_tokens}) limit 4) f where f.pan = c.pan)

-- name: string-agg-in-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- check: cards_not_in_raw_order
select string_agg(card_id::text, ',') from payments.cards where pan in ({card_tokens})

-- name: array-agg-in-raw-order
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- check: cards_not_in_raw_order
select array_agg(card_id) from payments.cards where pan in ({card_tokens})

-- name: string-agg-of-tokens-in-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: aggregates
select string_agg(pan, ',') from payments.cards where pan in ({card_tokens})

-- name: row-number-over-nothing-in-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: window
-- check: numbered_cards_not_in_raw_order
select card_id, row_number() over () as n from payments.cards where pan in ({card_tokens})

-- name: row-number-of-tokens-in-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: window
-- check: numbered_tokens_not_in_raw_order
select pan, row_number() over () as n from payments.cards where pan in ({card_tokens})

-- name: first-value-over-nothing-takes-raw-smallest
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: window
select card_id, first_value(pan) over () from payments.cards where pan in ({card_tokens})

-- name: write-limited-by-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: subqueries
update payments.cards set status = status where card_id in (select card_id from payments.cards where pan in ({card_tokens}) limit 3)

-- ============================================================ masked values above the masks
-- Windows, sub-queries and string/array aggregates over masked values are evaluated in the
-- gateway over the values the caller sees; none may show a raw PAN, a hidden row, or an order
-- the raw PANs decide (PostgreSQL reads the index on pan here, in raw PAN order).

-- name: string-agg-of-tokens-follows-no-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- check: agg_tokens_not_in_raw_order
select string_agg(pan, ',') from payments.cards where pan in ({card_tokens})

-- name: array-agg-of-tokens-follows-no-raw-order
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: aggregates
-- check: agg_tokens_not_in_raw_order
select array_agg(pan) from payments.cards where pan in ({card_tokens})

-- name: lag-of-token-over-no-order-follows-no-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: window
-- check: lagged_tokens_not_in_raw_order
select pan, lag(pan) over () from payments.cards where pan in ({card_tokens})

-- name: lag-of-truncated-pan-per-card
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: window
select txn_id, lag(pan) over (partition by card_id order by created_at, txn_id),
       first_value(pan) over (partition by card_id order by created_at, txn_id)
from payments.transactions

-- name: avg-over-partition-by-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: window
-- truth: select txn_id, count(*) over (partition by left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4)) from payments.transactions
select txn_id, count(*) over (partition by pan) from payments.transactions

-- name: window-over-tokens-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: window
-- truth: select txn_id, lag(txn_id) over (partition by pan order by txn_id) from payments.transactions where merchant_id in (1, 2, 3)
select txn_id, lag(txn_id) over (partition by pan order by txn_id) as prev from payments.transactions

-- name: scalar-subquery-returns-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: subqueries
-- truth: select t.txn_id, left(c.pan, 6) || repeat('*', length(c.pan) - 10) || right(c.pan, 4) from payments.transactions t join payments.cards c on c.card_id = t.card_id
select t.txn_id, (select c.pan from payments.cards c where c.card_id = t.card_id) as card_pan from payments.transactions t

-- name: scalar-subquery-compares-truncated-pan-as-the-join
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: subqueries
-- truth: select txn_id from payments.transactions where left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) = (select left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) from payments.cards where card_id = 1)
select txn_id from payments.transactions where pan = (select pan from payments.cards where card_id = 1)

-- name: exists-on-truncated-pan-as-the-join
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: subqueries
-- truth: select t.txn_id from payments.transactions t where exists (select 1 from payments.cards c where left(c.pan, 6) || repeat('*', length(c.pan) - 10) || right(c.pan, 4) = left(t.pan, 6) || repeat('*', length(t.pan) - 10) || right(t.pan, 4) and c.card_id < 10)
select t.txn_id from payments.transactions t where exists (select 1 from payments.cards c where c.pan = t.pan and c.card_id < 10)

-- name: in-subquery-of-tokens-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select t.txn_id from payments.transactions t where t.merchant_id in (1, 2, 3) and t.pan in (select c.pan from payments.cards c where c.card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3)))
select t.txn_id from payments.transactions t where t.pan in (select c.pan from payments.cards c)

-- name: exists-on-tokens-hidden-rows
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: subqueries
-- truth: select t.txn_id from payments.transactions t where t.merchant_id in (1, 2, 3) and exists (select 1 from payments.cards c where c.pan = t.pan and c.card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3)))
select t.txn_id from payments.transactions t where exists (select 1 from payments.cards c where c.pan = t.pan)

-- name: distinct-on-pan
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: card_pans_are_masked
select distinct on (card_id) card_id, pan from payments.transactions order by card_id, created_at

-- name: distinct-on-token-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: tokens_not_in_raw_order
select distinct on (pan) pan from payments.transactions

-- name: distinct-on-tokens-in-list-card-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: cards_not_in_raw_order
select distinct on (pan) card_id from payments.cards where pan in ({card_tokens})

-- name: distinct-on-brand-keeps-no-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: distinct_on_brand_keeps_no_raw_smallest
select distinct on (brand) card_id, brand from payments.cards where pan in ({card_tokens}) order by brand

-- name: distinct-on-truncated-pan-keeps-no-raw-smallest
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: distinct_on_pan_keeps_no_raw_smallest
select distinct on (pan) card_id, pan from payments.cards order by pan

-- name: distinct-on-bin-of-truncated-pan-keeps-no-raw-smallest
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: distinct_on_bin_keeps_no_raw_smallest
select distinct on (substring(pan, 1, 6)) card_id, substring(pan, 1, 6) as bin from payments.cards order by substring(pan, 1, 6)

-- name: distinct-on-bin-of-token-keeps-no-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: distinct_on_bin_keeps_no_raw_smallest
select distinct on (left(pan, 6)) card_id, left(pan, 6) as bin from payments.cards order by 2

-- name: distinct-on-ordered-by-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
-- truth: select distinct on (brand) brand, left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) as pan from payments.cards order by brand, (left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4)) collate "C"
select distinct on (brand) brand, pan from payments.cards order by brand, pan

-- name: distinct-on-truncated-pan-counts
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
-- truth: select count(*) from (select distinct left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) from payments.cards) s
select count(*) from (select distinct on (pan) pan, card_id from payments.cards) s

-- name: with-ties-over-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
-- truth: select left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) as pan from payments.cards order by (left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4)) collate "C" fetch first 25 rows with ties
select pan from payments.cards order by pan fetch first 25 rows with ties

-- name: with-ties-offset-over-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: ordering
-- truth: select left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) as pan from payments.cards order by (left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4)) collate "C" offset 7 rows fetch first 9 rows with ties
select pan from payments.cards order by pan offset 7 rows fetch first 9 rows with ties

-- name: with-ties-over-tokens-keeps-no-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: limit_keeps_no_raw_smallest
select pan from payments.transactions order by pan fetch first 10 rows with ties

-- name: with-ties-over-brand-of-token-list
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: ordering
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards where pan in ({card_tokens}) order by brand offset 1 rows fetch first 4 rows with ties

-- name: unnest-array-of-pans
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: set-returning
select u from payments.cards, unnest(array[pan, brand]) u where card_id < 20

-- name: array-of-pans
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: values
select card_id, array[pan, pan] as twice, (array_agg(pan) over (order by card_id))[1] as first from payments.cards

-- name: generate-series-next-to-truncated-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: set-returning
select c.card_id, c.pan, g from payments.cards c, generate_series(1, 2) g where c.card_id < 50

-- name: recursive-cte-over-pans
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: cte
with recursive r(n, pan) as (select 1, pan from payments.cards where card_id = 1
  union all select n + 1, pan from r where n < 3) select n, pan from r

-- ============================================================ arrays over masked PANs

-- name: any-of-truncated-pan-matches-as-in
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: arrays
-- truth: select card_id from payments.cards where left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) = (select left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4) from payments.cards order by card_id limit 1)
select card_id from payments.cards where pan = any(array['{card_token}', '4263080000000001'])

-- name: any-of-tokens-in-raw-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: arrays
-- check: cards_not_in_raw_order
select card_id from payments.cards where pan = any(array[{card_tokens}])

-- name: greater-than-any-over-truncated-pans
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: arrays
-- truth: select card_id from payments.cards where (left(pan, 6) || repeat('*', length(pan) - 10) || right(pan, 4)) collate "C" > '4263085'
select card_id from payments.cards where pan > any(array['4263085', '9'])

-- name: all-over-tokens-as-a-range-probe
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: arrays
select txn_id from payments.transactions where pan < all(array['4263085000000000', '5'])

-- name: subscript-of-an-array-of-pans
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: arrays
select card_id, (array[pan, brand])[1] as p, (array[pan])[1:1] as s from payments.cards

-- name: array-position-of-a-raw-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: arrays
select card_id from payments.cards where array_position(array[pan], '4263080000000001') = 1

-- name: array-comparison-as-an-order-oracle
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: arrays
select card_id from payments.cards where array[pan] < array['4263085']

-- name: array-equality-with-a-raw-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: arrays
select card_id from payments.cards where array[pan] = array['4263080000000001']

-- name: ordering-by-an-array-of-tokens
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: arrays
select card_id from payments.cards order by array[pan] limit 5

-- name: max-of-arrays-of-pans
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: arrays
select max(array[pan]) from payments.cards

-- name: array-to-string-of-pans
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: arrays
select array_to_string(array[pan, brand], ',') from payments.cards

-- name: array-of-pans-cast-to-text
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: arrays
select cast(array[pan] as text), array_agg(pan)::text from payments.cards group by card_id, pan

-- name: any-over-array-agg-of-pans
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: arrays
select card_id from payments.cards where pan = any((select array_agg(pan) from payments.cards c where c.card_id < 5))

-- ============================================================ COLLATE over masked values
-- A COLLATE clause on a masked column must order, compare and group the values the role sees,
-- never the raw PAN behind them (a sort in PostgreSQL by the raw column would rank the cards by
-- their hidden digits).

-- name: order-by-pan-collate-c
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: collate
-- check: ordered_by_masked_not_raw
select txn_id, pan from payments.transactions order by pan collate "C"

-- name: order-by-truncated-collate-posix-limit
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: collate
select card_id, pan from payments.cards order by pan collate "POSIX" desc limit 10

-- name: group-by-token-collate-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: collate
-- check: tokens_not_in_raw_order
select pan collate "C" from payments.transactions group by 1

-- name: in-list-of-tokens-collate-order
-- agent: migration-bot
-- kind: pan
-- expect: rows
-- feature: collate
-- check: cards_not_in_raw_order
select card_id from payments.cards where pan collate "C" in ({card_tokens})

-- name: in-subquery-collate-limit-keeps-raw-smallest
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: collate
-- check: card_limit_keeps_no_raw_smallest
select card_id from payments.cards where card_id in (select card_id from payments.cards where pan in ({card_tokens}) order by pan collate "C" limit 4)

-- name: order-by-pan-collate-other-collation
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: collate
select card_id from payments.cards order by pan collate "en_US" limit 5

-- ============================================================ ordered-set aggregates and USING columns

-- name: hypothetical-rank-of-a-raw-pan-among-tokens
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: ordered-set aggregates
select rank('4000000000000000') within group (order by pan) from payments.transactions

-- name: hypothetical-rank-of-a-raw-pan-among-truncated
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: ordered-set aggregates
select percent_rank('4000000000000000') within group (order by pan desc) from payments.cards

-- name: mode-of-masked-pans
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: ordered-set aggregates
select mode() within group (order by pan) from payments.transactions

-- name: percentile-disc-of-masked-pans
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: ordered-set aggregates
select percentile_disc(array[0.5]) within group (order by pan) from payments.cards

-- name: hypothetical-rank-of-a-clear-column-by-a-pan-filter
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: ordered-set aggregates
select rank(1) within group (order by card_id) filter (where pan like '4%') from payments.transactions

-- name: using-merged-pan-compared-with-a-raw-prefix
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: USING columns
select card_id, pan from payments.cards join payments.transactions using (card_id, pan) where pan like '4263%' and substring(pan, 7, 1) = '5'

-- name: using-merged-pan-grouped
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: USING columns
select pan, count(*) from payments.cards full join payments.transactions using (card_id, pan) group by pan having pan between '4000000000000000' and '4999999999999999'

-- name: variadic-over-pans
-- agent: support-bot
-- kind: pan
-- expect: either
-- feature: arrays
select concat_ws('', variadic array[pan, brand]), format('%s', variadic array[pan]) from payments.transactions

-- name: unnest-of-pans-in-a-select-list
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: arrays
select card_id, unnest(array[pan, brand]) from payments.cards

-- name: array-of-a-sub-query-of-pans
-- agent: migration-bot
-- kind: pan
-- expect: error
-- feature: arrays
select card_id, array(select t.pan from payments.transactions t where t.card_id = c.card_id order by t.pan) from payments.cards c

-- name: array-of-a-sub-query-ordered-by-pan
-- agent: fraud-analyst
-- kind: pan
-- expect: either
-- feature: arrays
select array(select card_id from payments.cards order by pan limit 10)

-- ============================================================ whole-row references
-- A whole row must carry only what the role sees: masked columns masked, denied columns absent,
-- hidden rows not counted. Sent to PostgreSQL as a whole-row reference it would carry the raw
-- table's every column as a record string.

-- name: whole-row-truncated-cards
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: whole-row
select c from payments.cards c

-- name: whole-row-token-cards
-- agent: support-bot
-- kind: pan
-- expect: rows
-- feature: whole-row
select t.txn_id, row(t.*) from payments.transactions t

-- name: whole-row-outer-join-token-cards
-- agent: migration-bot
-- kind: pan
-- expect: either
-- feature: whole-row
select c.card_id, d from payments.cards c left join payments.disputes d on d.pan = c.pan

-- name: whole-row-as-text-like
-- agent: fraud-analyst
-- kind: pan
-- expect: error
-- feature: whole-row
select card_id from payments.cards c where c::text like '4%'

-- name: whole-row-to-json
-- agent: support-bot
-- kind: pan
-- expect: error
-- feature: whole-row
select row_to_json(c) from payments.cards c

-- name: whole-row-count-hidden-cards
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: whole-row
-- truth: select count(*) from payments.cards where card_id in (select card_id from payments.transactions where merchant_id in (1, 2, 3))
select count(c.*) from payments.cards c

-- name: whole-row-count-outer-join-hidden-transactions
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: whole-row
-- truth: select count(*) from payments.transactions where merchant_id in (1, 2, 3)
select count(t.*) from payments.cards c left join payments.transactions t on t.card_id = c.card_id

-- name: whole-row-is-not-null-hidden-transactions
-- agent: support-bot
-- kind: filtered_row
-- expect: rows
-- feature: whole-row
-- truth: select count(*) from payments.transactions where merchant_id in (1, 2, 3) and auth_code is not null
select count(*) from payments.transactions t where t is not null

-- name: whole-row-denied-cardholder-columns
-- agent: fraud-analyst
-- kind: pan
-- expect: rows
-- feature: whole-row
-- truth: select row(cardholder_id, city, postal_code, country, created_at)::text from payments.cardholders
select h from payments.cardholders h
