-- Per instance, account and UTC day, the mart's leaf spend equals Twilio's own `totalprice` (within a
-- cent, for Twilio's rounding). A failure means a category is missing from, or misplaced in, the tree
-- (macros/twilio_usage_categories.sql), or that a day's rows are missing on one side. Checked for the
-- days the last build of fct_spend_daily rewrote and those whose `totalprice` record this tick
-- brought in, every day after a full build (macros/last_build.sql).
{{ config(meta={'dagster': {'ref': {'name': 'fct_spend_daily'}}}) }}
{%- set day = ['instance_name', 'account_sid', 'usage_date'] %}

with days as (
    select * from ({{ twilio_last_build_groups('fct_spend_daily', ['instance_name', 'account_sid', 'usage_date::date']) }}) as rewritten
    union
    select instance_name, account_sid, start_date
    from {{ twilio_last_build_rows(ref('stg_twilio__usage_records')) }} as brought_in
    where category = 'totalprice' and start_date = end_date
),

leaves as (
    select instance_name, account_sid, usage_date, sum(price) as leaf_price
    from {{ twilio_rows_matching(ref('fct_spend_daily'), day, 'select instance_name, account_sid, usage_date from days', {}) }} as spend
    group by instance_name, account_sid, usage_date
),

totals as (
    select instance_name, account_sid, start_date as usage_date, price as twilio_total_price
    from {{ twilio_rows_matching(ref('stg_twilio__usage_records'), ['instance_name', 'account_sid', 'start_date'], 'select instance_name, account_sid, usage_date as start_date from days', {}) }} as records
    where not is_deleted and category = 'totalprice' and start_date = end_date
)

select
    coalesce(leaves.instance_name, totals.instance_name) as instance_name,
    coalesce(leaves.account_sid, totals.account_sid) as account_sid,
    coalesce(leaves.usage_date, totals.usage_date) as usage_date,
    leaves.leaf_price,
    totals.twilio_total_price
from leaves
full outer join totals using (instance_name, account_sid, usage_date)
where abs(coalesce(leaves.leaf_price, 0) - coalesce(totals.twilio_total_price, 0)) > 0.01
   or leaves.leaf_price is null
   or totals.twilio_total_price is null
