-- The calls mart accounts for every live call leg exactly once: per call, its leg count, duration
-- and price add up to those of the live legs rolling up to it. Checked for the calls the last builds
-- touched: those fct_calls rewrote and those of the legs int_twilio__call_legs rewrote (before and
-- after), every call after a full build (macros/last_build.sql). Rows returned are mismatches.
{{ config(meta={'dagster': {'ref': {'name': 'fct_calls'}}}) }}

with calls as (
    select call_key from ({{ twilio_last_build_groups('fct_calls', ['call_key']) }}) as rewritten_calls
    union
    select root_call_key from ({{ twilio_last_build_groups('int_twilio__call_legs', ['root_call_key']) }}) as rewritten_legs
),

mart as (
    select call_key, leg_count as legs, total_duration_seconds as duration_seconds, total_price as price
    from {{ twilio_rows_matching(ref('fct_calls'), 'call_key', 'select call_key from calls', {}) }} as mart_calls
),

legs as (
    select
        root_call_key as call_key,
        count(*) as legs,
        cast(sum(duration_seconds) as bigint) as duration_seconds,
        sum(price) as price
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'root_call_key', 'select call_key as root_call_key from calls', {}) }} as live_legs
    group by root_call_key
)

select
    coalesce(mart.call_key, legs.call_key) as call_key,
    mart.legs as mart_legs,
    legs.legs as live_legs,
    mart.duration_seconds as mart_duration_seconds,
    legs.duration_seconds as live_duration_seconds,
    mart.price as mart_price,
    legs.price as live_price
from mart
full outer join legs on legs.call_key = mart.call_key
where mart.legs is distinct from legs.legs
    or mart.duration_seconds is distinct from legs.duration_seconds
    or mart.price is distinct from legs.price
