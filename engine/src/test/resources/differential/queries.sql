-- The differential query corpus over the demo cardholder database (schema payments).
--
-- Each query starts with a line "-- name: <id>". A line "-- ordered" says the query has a total
-- ORDER BY, so results must match row for row; without it they are compared as multisets.
-- A line "-- postgresql-only: <why>" marks syntax or semantics that may not exist outside
-- PostgreSQL. Other comment lines describe the query. Queries end with a semicolon.
--
-- Written the way an agent writes PostgreSQL: lower-case unquoted names, :: casts, ILIKE,
-- date_trunc, LIMIT/OFFSET. Nothing depends on now(): dates are fixed, so results are stable for
-- a given size and seed. Run with the session time zone set to UTC (date_trunc and extract on
-- timestamptz follow it). Averages and quotients are rounded so that engines agree on scale.

-- name: join3_region_brand_totals
-- ordered
select m.region, c.brand, count(*) as txns, sum(t.amount) as total
from payments.transactions t
join payments.cards c on c.card_id = t.card_id
join payments.merchants m on m.merchant_id = t.merchant_id
where t.status = 'approved'
group by m.region, c.brand
order by m.region, c.brand;

-- name: left_join3_cardholder_cards_disputes
-- ordered
select h.cardholder_id, h.full_name, count(distinct c.card_id) as cards, count(d.dispute_id) as disputes
from payments.cardholders h
left join payments.cards c on c.cardholder_id = h.cardholder_id
left join payments.disputes d on d.pan = c.pan
group by h.cardholder_id, h.full_name
order by h.cardholder_id
limit 50;

-- name: left_join_merchants_without_january_sales
-- Merchants and their January 2023 sales; NULL where they sold nothing.
select m.merchant_id, m.name, sum(t.amount) as january_total
from payments.merchants m
left join payments.transactions t
  on t.merchant_id = m.merchant_id
 and t.created_at >= '2023-01-01' and t.created_at < '2023-02-01'
group by m.merchant_id, m.name;

-- name: full_join_transactions_settlements_by_merchant
-- ordered
select coalesce(t.merchant_id, s.merchant_id) as merchant_id, t.txn_total, s.settled_total
from (select merchant_id, sum(amount) as txn_total
      from payments.transactions
      where created_at < '2023-02-01'
      group by merchant_id) t
full join (select merchant_id, sum(amount) as settled_total
           from payments.settlements
           where settled_on < '2023-03-01'
           group by merchant_id) s
  on s.merchant_id = t.merchant_id
order by 1;

-- name: full_join3_merchant_activity
-- ordered
select coalesce(t.merchant_id, d.merchant_id, s.merchant_id) as merchant_id,
       t.n as txns, d.n as disputes, s.n as settlements
from (select merchant_id, count(*) as n
      from payments.transactions
      where created_at >= '2024-12-01'
      group by merchant_id) t
full join (select t2.merchant_id, count(*) as n
           from payments.disputes d2
           join payments.transactions t2 on t2.txn_id = d2.txn_id
           where d2.opened_at >= '2024-10-01'
           group by t2.merchant_id) d
  on d.merchant_id = t.merchant_id
full join (select merchant_id, count(*) as n
           from payments.settlements
           where settled_on >= '2024-12-01'
           group by merchant_id) s
  on s.merchant_id = coalesce(t.merchant_id, d.merchant_id)
order by 1;

-- name: join_on_pan_disputes_transactions_cards
-- The PAN is the join key here, as analysts join on it.
-- ordered
select d.dispute_id, c.brand, t.amount, d.amount as disputed, d.status
from payments.disputes d
join payments.transactions t on t.pan = d.pan and t.txn_id = d.txn_id
join payments.cards c on c.pan = t.pan
where d.status in ('won', 'lost')
order by d.dispute_id;

-- name: join_settlements_numeric_pan
-- settlements.pan is a number: the join casts the card's PAN.
-- ordered
select c.brand, count(*) as settlements, sum(s.amount) as settled
from payments.settlements s
join payments.cards c on c.pan::numeric = s.pan
group by c.brand
order by c.brand;

-- name: self_join_card_repeat_merchant
-- ordered
select t1.card_id, t1.merchant_id, count(*) as repeat_pairs
from payments.transactions t1
join payments.transactions t2
  on t2.card_id = t1.card_id
 and t2.merchant_id = t1.merchant_id
 and t2.txn_id > t1.txn_id
where t1.merchant_id > 3
group by t1.card_id, t1.merchant_id
order by t1.card_id, t1.merchant_id;

-- name: group_having_busy_merchants
select t.merchant_id, count(*) as txns, sum(t.amount) as total
from payments.transactions t
group by t.merchant_id
having count(*) > 100;

-- name: group_currency_status_stats
-- ordered
select currency, status, count(*) as txns, round(avg(amount), 2) as avg_amount,
       min(amount) as min_amount, max(amount) as max_amount
from payments.transactions
group by currency, status
order by currency, status;

-- name: group_having_dispute_ratio
-- ordered
select t.merchant_id,
       round(sum(d.amount) / sum(t.amount) * 100, 2) as disputed_pct
from payments.transactions t
left join payments.disputes d on d.txn_id = t.txn_id
group by t.merchant_id
having sum(d.amount) is not null
order by disputed_pct desc, t.merchant_id;

-- name: group_by_bin
-- ordered
select substring(pan from 1 for 6) as bin, brand, count(*) as cards
from payments.cards
group by substring(pan from 1 for 6), brand
having count(*) >= 5
order by bin;

-- name: count_distinct_per_region
-- ordered
select m.region, count(distinct t.card_id) as cards, count(distinct t.pan) as pans,
       count(distinct t.merchant_id) as merchants, count(*) as txns
from payments.transactions t
join payments.merchants m on m.merchant_id = t.merchant_id
group by m.region
order by m.region;

-- name: window_latest_txn_per_card
-- ordered
select card_id, txn_id, amount, created_at
from (select card_id, txn_id, amount, created_at,
             row_number() over (partition by card_id order by created_at desc, txn_id desc) as rn
      from payments.transactions) latest
where rn = 1
order by card_id
limit 25;

-- name: window_rank_merchants_in_region
-- ordered
select region, merchant_id, total, rank() over (partition by region order by total desc) as rnk
from (select m.region, m.merchant_id, sum(t.amount) as total
      from payments.merchants m
      join payments.transactions t on t.merchant_id = m.merchant_id
      group by m.region, m.merchant_id) totals
order by region, rnk, merchant_id;

-- name: window_running_total_per_card
-- ordered
select card_id, txn_id, amount,
       sum(amount) over (partition by card_id order by created_at, txn_id
                         rows between unbounded preceding and current row) as running_total
from payments.transactions
where card_id in (1, 2, 3)
order by card_id, created_at, txn_id;

-- name: window_lag_gap_between_txns
-- ordered
select card_id, txn_id, created_at,
       lag(created_at) over (partition by card_id order by created_at, txn_id) as previous_at,
       amount - lag(amount) over (partition by card_id order by created_at, txn_id) as amount_change
from payments.transactions
where card_id <= 5
order by card_id, created_at, txn_id;

-- name: window_share_of_region
-- ordered
select merchant_id, region, total,
       round(total * 100 / sum(total) over (partition by region), 2) as pct_of_region,
       dense_rank() over (order by total desc) as overall
from (select t.merchant_id, m.region, sum(t.amount) as total
      from payments.transactions t
      join payments.merchants m on m.merchant_id = t.merchant_id
      group by t.merchant_id, m.region) per_merchant
order by merchant_id;

-- name: window_count_and_avg_partition
select d.dispute_id, d.status,
       count(*) over (partition by d.status) as same_status,
       round(avg(d.amount) over (partition by d.status), 2) as status_avg
from payments.disputes d
where d.opened_at < '2023-06-01';

-- name: scalar_subquery_above_average
select count(*) as above_average
from payments.transactions t
where t.amount > (select avg(amount) from payments.transactions)
  and t.merchant_id = 1;

-- name: scalar_subquery_in_select
-- ordered
select m.merchant_id, m.name,
       (select count(*) from payments.transactions t where t.merchant_id = m.merchant_id) as txns,
       (select max(s.settled_on) from payments.settlements s where s.merchant_id = m.merchant_id) as last_settled
from payments.merchants m
order by m.merchant_id;

-- name: correlated_max_per_card
-- ordered
select t.card_id, t.txn_id, t.amount
from payments.transactions t
where t.card_id <= 20
  and t.amount = (select max(t2.amount) from payments.transactions t2 where t2.card_id = t.card_id)
order by t.card_id, t.txn_id;

-- name: correlated_exists_disputed_cards
-- ordered
select c.card_id, c.brand, c.status
from payments.cards c
where exists (select 1 from payments.disputes d where d.pan = c.pan)
order by c.card_id;

-- name: not_exists_cardholders_without_disputes
select h.country, count(*) as undisputed_holders
from payments.cardholders h
where not exists (select 1
                  from payments.cards c
                  join payments.disputes d on d.pan = c.pan
                  where c.cardholder_id = h.cardholder_id)
group by h.country;

-- name: in_subquery_eu_merchants
-- ordered
select t.currency, count(*) as txns
from payments.transactions t
where t.merchant_id in (select merchant_id from payments.merchants where region = 'EU')
group by t.currency
order by t.currency;

-- name: not_in_with_nulls
-- NOT IN over a list holding NULL is never true: the first count is 0, the second is not.
select
  (select count(*) from payments.disputes d
   where d.reason not in (select d2.reason from payments.disputes d2 where d2.dispute_id <= 10)) as with_null,
  (select count(*) from payments.disputes d
   where d.reason not in (select d2.reason from payments.disputes d2
                          where d2.dispute_id <= 10 and d2.reason is not null)) as without_null;

-- name: in_list_and_not_in_list
-- ordered
select status, count(*) as txns
from payments.transactions
where status not in ('declined', 'pending')
  and merchant_id in (1, 2, 3)
group by status
order by status;

-- name: cte_card_totals_ranked
-- ordered
with card_totals as (
  select card_id, sum(amount) as total, count(*) as txns
  from payments.transactions
  where status = 'approved'
  group by card_id
), ranked as (
  select card_id, total, txns, row_number() over (order by total desc, card_id) as position
  from card_totals
)
select r.position, r.card_id, c.brand, r.total, r.txns
from ranked r
join payments.cards c on c.card_id = r.card_id
where r.position <= 15
order by r.position;

-- name: cte_recursive_months
-- Every month of the two years, including any without disputes.
-- postgresql-only: interval literal '1 month' (standard SQL: interval '1' month)
-- ordered
with recursive months(month_start) as (
  select date '2023-01-01'
  union all
  select (month_start + interval '1 month')::date from months where month_start < date '2024-12-01'
)
select m.month_start, count(d.dispute_id) as disputes
from months m
left join payments.disputes d
  on d.opened_at >= m.month_start and d.opened_at < (m.month_start + interval '1 month')
group by m.month_start
order by m.month_start;

-- name: cte_used_twice
-- ordered
with eu as (
  select merchant_id from payments.merchants where region = 'EU'
)
select 'transactions' as source, count(*) as n
from payments.transactions where merchant_id in (select merchant_id from eu)
union all
select 'settlements', count(*)
from payments.settlements where merchant_id in (select merchant_id from eu)
order by source;

-- name: union_countries
-- ordered
select country from payments.merchants
union
select country from payments.cardholders
order by country;

-- name: union_all_card_events
-- ordered
select 'transaction' as kind, t.txn_id as id, t.amount
from payments.transactions t where t.card_id = 7
union all
select 'dispute', d.dispute_id, d.amount
from payments.disputes d join payments.cards c on c.pan = d.pan where c.card_id <= 40
order by kind, id;

-- name: intersect_disputed_and_settled_pans
-- postgresql-only: the type name text in ::text (standard SQL: varchar)
select count(*) as pans
from (select pan from payments.disputes
      intersect
      select pan::text from payments.settlements where pan is not null) both_sides;

-- name: except_merchants_unsettled_q1
-- ordered
select merchant_id from payments.merchants
except
select merchant_id from payments.settlements
where settled_on >= date '2023-01-01' and settled_on < date '2023-04-01'
order by merchant_id;

-- name: intersect_except_regions
-- ordered
(select region from payments.merchants where country in ('DE', 'FR', 'US')
 intersect
 select region from payments.merchants where mcc = '5814')
except
select region from payments.merchants where region = 'LATAM'
order by region;

-- name: coalesce_phone_by_country
-- ordered
select country, count(*) as holders, count(phone) as with_phone,
       count(*) - count(phone) as without_phone,
       coalesce(min(phone), 'none') as first_phone
from payments.cardholders
group by country
order by country;

-- name: is_distinct_from_amounts
-- ordered
select d.status,
       count(*) filter (where d.amount is distinct from t.amount) as partial,
       count(*) filter (where d.amount is not distinct from t.amount) as full_amount,
       count(*) filter (where d.reason is not distinct from null) as no_reason
from payments.disputes d
join payments.transactions t on t.txn_id = d.txn_id
group by d.status
order by d.status;

-- name: nullif_decline_ratio
-- ordered
select merchant_id,
       count(*) as txns,
       round(count(*)::numeric / nullif(sum(case when status = 'declined' then 1 else 0 end), 0), 2) as txns_per_decline
from payments.transactions
where merchant_id <= 10
group by merchant_id
order by merchant_id;

-- name: null_ordering
-- ordered
select dispute_id, reason, status
from payments.disputes
order by reason nulls first, dispute_id
limit 20;

-- name: case_null_reason
-- ordered
select case when reason is null then 'unknown' else reason end as reason_label,
       count(*) as disputes, sum(amount) as disputed
from payments.disputes
group by case when reason is null then 'unknown' else reason end
order by reason_label;

-- name: nulls_in_auth_codes
-- ordered
select status, count(auth_code) as with_code, count(*) - count(auth_code) as without_code,
       min(coalesce(auth_code, '------')) as smallest
from payments.transactions
group by status
order by status;

-- name: extract_year_month
-- ordered
select extract(year from created_at) as yr, extract(month from created_at) as mon,
       count(*) as txns, sum(amount) as total
from payments.transactions
group by extract(year from created_at), extract(month from created_at)
order by yr, mon;

-- name: date_trunc_quarter_merchant
-- postgresql-only: date_trunc(text, timestamptz)
-- ordered
select date_trunc('quarter', created_at) as quarter, merchant_id, count(*) as txns
from payments.transactions
where merchant_id in (1, 2, 3)
group by date_trunc('quarter', created_at), merchant_id
order by quarter, merchant_id;

-- name: interval_dispute_within_30_days
-- postgresql-only: interval literal '30 days' (standard SQL: interval '30' day)
-- ordered
select d.status,
       count(*) filter (where d.opened_at <= t.created_at + interval '30 days') as within_30_days,
       count(*) filter (where d.opened_at > t.created_at + interval '30 days') as later
from payments.disputes d
join payments.transactions t on t.txn_id = d.txn_id
group by d.status
order by d.status;

-- name: date_range_comparisons
-- ordered
select brand, count(*) as issued, min(issued_at) as first_issued, max(issued_at) as last_issued
from payments.cards
where issued_at between date '2022-03-01' and date '2022-06-30'
  and expiry_year >= 2026
group by brand
order by brand;

-- name: date_difference_settlement_lag
-- postgresql-only: date minus date is an integer number of days
-- ordered
select s.settled_on - t.created_at::date as lag_days, count(*) as settlements
from payments.settlements s
join payments.transactions t
  on t.merchant_id = s.merchant_id and t.amount = s.amount and t.pan::numeric = s.pan
where s.settled_on - t.created_at::date between 0 and 10
group by s.settled_on - t.created_at::date
order by lag_days;

-- name: date_plus_and_minus_days
-- postgresql-only: date + integer and date - integer add and subtract days
-- ordered
select card_id, issued_at + 30 as month_later, 7 + issued_at as week_later,
       issued_at - 1 as day_before
from payments.cards
where card_id <= 20 and issued_at - 365 < date '2023-01-01'
order by card_id;

-- name: timestamp_difference_dispute_delay
-- postgresql-only: timestamp - timestamp is an interval
-- ordered
select d.dispute_id, d.opened_at - t.created_at as delay,
       extract(day from d.opened_at - t.created_at) as delay_days
from payments.disputes d
join payments.transactions t on t.txn_id = d.txn_id
where d.dispute_id <= 25
order by d.dispute_id;

-- name: cards_by_age_in_days
-- postgresql-only: date - date is an integer number of days
-- ordered
select (date '2025-01-01' - issued_at) / 365 as years_old, count(*) as cards
from payments.cards
where date '2025-01-01' - issued_at > 30
group by (date '2025-01-01' - issued_at) / 365
order by years_old;

-- name: group_by_primary_key_selects_dependent_columns
-- postgresql-only: columns functionally dependent on a grouped primary key need not be grouped
-- ordered
select h.cardholder_id, h.full_name, h.city, count(*) as cards
from payments.cardholders h
join payments.cards c on c.cardholder_id = h.cardholder_id
group by h.cardholder_id
order by cards desc, h.cardholder_id
limit 10;

-- name: group_by_merchant_key_with_totals
-- postgresql-only: m.name and m.mcc depend on the grouped primary key m.merchant_id
-- ordered
select m.merchant_id, m.name, m.mcc, sum(t.amount) as total, count(*) as txns
from payments.merchants m
join payments.transactions t on t.merchant_id = m.merchant_id
where m.merchant_id <= 5
group by m.merchant_id
having count(*) > 1
order by m.merchant_id;

-- name: interval_literals_with_several_units
-- postgresql-only: interval literals with the units inside the string
select count(*) filter (where created_at > timestamp '2024-06-01 00:00:00' - interval '1 day 12 hours') as recent,
       count(*) filter (where created_at < timestamp '2024-06-01 00:00:00' - interval '1 year 6 months') as old,
       count(*) filter (where created_at between timestamp '2024-01-01 00:00:00' + interval '2 weeks, 3 days'
                                         and timestamp '2024-01-01 00:00:00' + interval '30 days 23 hours 59 minutes') as january
from payments.transactions;

-- name: string_cast_to_interval
-- postgresql-only: a string cast to an interval with ::interval
select count(*) as last_month
from payments.transactions
where created_at > timestamp '2024-12-31 00:00:00' - '30 days'::interval
  and created_at <= timestamp '2024-12-31 00:00:00' - '1 day 6 hours'::interval;

-- name: to_char_of_numbers_and_timestamps
-- postgresql-only: to_char with PostgreSQL's number and datetime format patterns
-- ordered
select txn_id, to_char(amount, 'FM999,990.00') as amount_text, to_char(created_at, 'YYYY-MM') as month
from payments.transactions
where txn_id <= 5
order by txn_id;

-- name: extract_dow_hour
-- ordered
select extract(dow from created_at) as dow, count(*) as txns,
       count(*) filter (where extract(hour from created_at) < 6) as night
from payments.transactions
group by extract(dow from created_at)
order by dow;

-- name: timestamp_window_fixed_dates
-- ordered
select txn_id, created_at, amount
from payments.transactions
where created_at >= timestamp '2024-02-28 00:00:00' and created_at < timestamp '2024-03-02 00:00:00'
  and merchant_id <= 3
order by created_at, txn_id;

-- name: numeric_round_sum_avg
-- ordered
select brand,
       sum(t.amount) as total,
       round(avg(t.amount), 2) as avg_amount,
       round(sum(t.amount) / count(*), 4) as mean_4dp,
       round(stddev_samp(t.amount), 2) as stddev
from payments.transactions t
join payments.cards c on c.card_id = t.card_id
group by brand
order by brand;

-- name: numeric_arithmetic_casts
-- PostgreSQL rounds numeric to integer casts (93.86::int is 94); other engines may truncate.
-- ordered
select txn_id, amount,
       amount::int as whole_rounded,
       floor(amount) as floor_amount,
       ceil(amount) as ceil_amount,
       (amount * 100)::bigint as cents,
       txn_id % 7 as bucket,
       abs(amount - 50) as distance_from_50
from payments.transactions
where txn_id between 100 and 120
order by txn_id;

-- name: numeric_integer_division
-- ordered
select merchant_id, count(*) / 10 as tens, count(*) % 10 as rest,
       round(sum(amount) / 3, 3) as third
from payments.transactions
where merchant_id between 4 and 12
group by merchant_id
order by merchant_id;

-- name: like_merchant_names
-- ordered
select merchant_id, name, mcc
from payments.merchants
where name like '%Coffee' or name like 'Blue %' or name like '%''s %'
order by merchant_id;

-- name: ilike_cardholders
-- ordered
select cardholder_id, full_name, email
from payments.cardholders
where full_name ilike '%müller%' or email ilike '%GARCIA%' or full_name ilike 'zo_ %'
order by cardholder_id;

-- name: not_like_and_escape
select count(*) filter (where email not like '%@example.com') as not_dot_com,
       count(*) filter (where postal_code like '% %' or postal_code like '%-%') as spaced_postcodes,
       count(*) filter (where street like '%\_%' escape '\') as underscore_streets
from payments.cardholders;

-- name: string_functions
-- ordered
select cardholder_id,
       upper(city) as city_upper,
       lower(full_name) as name_lower,
       char_length(full_name) as name_length,
       substring(email from 1 for position('@' in email) - 1) as mailbox,
       trim(both ' ' from '  ' || country || '  ') as country_trimmed,
       full_name || ' <' || email || '>' as display
from payments.cardholders
where cardholder_id <= 30
order by cardholder_id;

-- name: string_card_labels
-- postgresql-only: right(), left() and length()
-- ordered
select card_id, brand || ' ending ' || right(pan, 4) as label, left(pan, 1) as first_digit,
       length(pan) as pan_length
from payments.cards
where card_id <= 25
order by card_id;

-- name: string_email_domains
-- postgresql-only: split_part
-- ordered
select split_part(email, '@', 2) as domain, count(*) as holders
from payments.cardholders
group by split_part(email, '@', 2)
order by domain;

-- name: case_amount_bands
-- ordered
select case
         when amount < 10 then 'a: under 10'
         when amount < 50 then 'b: 10 to 50'
         when amount < 200 then 'c: 50 to 200'
         else 'd: 200 and more'
       end as band,
       count(*) as txns, sum(amount) as total
from payments.transactions
group by 1
order by 1;

-- name: case_conditional_sums
-- ordered
select m.region,
       sum(case when t.status = 'approved' then t.amount else 0 end) as approved,
       sum(case when t.status in ('declined', 'reversed') then t.amount end) as not_captured,
       count(case when t.auth_code is null then 1 end) as without_auth_code
from payments.transactions t
join payments.merchants m on m.merchant_id = t.merchant_id
group by m.region
order by m.region;

-- name: limit_offset_top_amounts
-- ordered
select txn_id, merchant_id, amount
from payments.transactions
order by amount desc, txn_id
limit 10 offset 5;

-- name: distinct_currencies
-- ordered
select distinct currency
from payments.transactions
order by currency;

-- name: count_distinct_monthly
-- postgresql-only: date_trunc(text, timestamptz)
-- ordered
select date_trunc('month', created_at)::date as month_start,
       count(distinct card_id) as cards,
       count(distinct merchant_id) as merchants,
       count(*) as txns
from payments.transactions
where created_at >= '2024-01-01'
group by date_trunc('month', created_at)::date
order by month_start;

-- name: pan_brand_consistency
-- Every transaction carries its card's PAN: the count of mismatches is 0.
select count(*) filter (where t.pan <> c.pan) as mismatches, count(*) as checked
from payments.transactions t
join payments.cards c on c.card_id = t.card_id;

-- name: cast_and_compare_dates
-- ordered
select created_at::date as day, count(*) as txns
from payments.transactions
where created_at::date in (date '2023-12-24', date '2023-12-25', date '2024-02-29')
group by created_at::date
order by day;

-- name: merchant_country_region_cardholders
-- ordered
select m.region, h.country as holder_country, count(*) as txns
from payments.transactions t
join payments.merchants m on m.merchant_id = t.merchant_id
join payments.cards c on c.card_id = t.card_id
join payments.cardholders h on h.cardholder_id = c.cardholder_id
where m.merchant_id in (1, 2, 3)
group by m.region, h.country
order by m.region, h.country;

-- name: money_keeps_its_decimals
-- Unconstrained numeric keeps PostgreSQL's scale: no rounding to integers.
select round(avg(amount)::numeric, 2) as average, sum(amount::numeric) as total,
       '12.75'::numeric as literal, 1.5::numeric * 3 as product, avg(card_id) as mean_card
from payments.transactions;

-- name: numeric_functions_keep_postgresqls_types
select exp(12.5::numeric) as e, percentile_cont(0.5) within group (order by card_id) as median,
       stddev(amount::real) as spread
from payments.transactions;

-- name: left_join_lateral_keeps_outer_rows
-- postgresql-only: LATERAL
select m.merchant_id, big.txn_id
from payments.merchants m
left join lateral (select t.txn_id from payments.transactions t
                   where t.merchant_id = m.merchant_id and t.amount > 4990
                   order by t.txn_id limit 1) big on true;

-- name: order_of_a_sub_query_is_kept
-- ordered
select * from (select txn_id from payments.transactions order by txn_id desc) s limit 3;

-- name: strings_in_postgresqls_other_forms
-- postgresql-only: escape, Unicode and dollar-quoted strings
select E'tab\there' as tabbed, U&'\0041BC' as unicode, $q$it's $$ $q$ as dollar, 'con'
'tinued' as continued, length(E'a\nb') as escaped_length;

-- name: casts_of_literals_keep_their_type
select 1::int8 << 40 as shifted, (-1)::int2 as small, 2.5::float8::int as rounded;

-- name: nested_comments
select /* outer /* nested */ still a comment */ count(*) as merchants from payments.merchants;

-- name: operators_bind_as_in_postgresql
-- || binds looser than arithmetic; ^ is exponentiation; << looser than +
select 'card ' || card_id + 1 as label, 'x' || (card_id * 2) || 'y' as wrapped,
       2 ^ 3 ^ 2 as power, 1 << 2 + 3 as shifted
from payments.cards where card_id < 4;

-- name: named_window_with_its_own_frame
-- ordered
select txn_id, sum(amount) over (w rows between current row and 2 following) as ahead,
       count(*) over (w rows between 1 preceding and 1 following exclude current row) as neighbours
from payments.transactions where txn_id <= 20
window w as (order by txn_id)
order by txn_id;

-- name: ordered_aggregates_order_their_input
select array_agg(card_id order by card_id desc) as ids,
       string_agg(distinct brand, ',' order by brand) as brands
from payments.cards where card_id <= 10;

-- name: quantified_comparison_with_an_array
-- postgresql-only: arrays
select count(*) as n from payments.cards where card_id = any(array[1, 2, 3]);
