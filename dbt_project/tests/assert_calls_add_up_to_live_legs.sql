-- The calls mart accounts for every live call leg exactly once: per instance and account, its leg
-- counts, durations and prices add up to those of the live legs. Rows returned are mismatches.
{{ config(meta={'dagster': {'ref': {'name': 'fct_calls'}}}) }}

with mart as (
    select
        instance_name,
        account_sid,
        sum(leg_count) as legs,
        coalesce(sum(total_duration_seconds), 0) as duration_seconds,
        coalesce(sum(total_price), 0) as price
    from {{ ref('fct_calls') }}
    group by instance_name, account_sid
),

legs as (
    select
        instance_name,
        account_sid,
        count(*) as legs,
        coalesce(sum(duration_seconds), 0) as duration_seconds,
        coalesce(sum(price), 0) as price
    from {{ ref('int_twilio__call_legs') }}
    group by instance_name, account_sid
)

select
    coalesce(mart.instance_name, legs.instance_name) as instance_name,
    coalesce(mart.account_sid, legs.account_sid) as account_sid,
    mart.legs as mart_legs,
    legs.legs as live_legs,
    mart.duration_seconds as mart_duration_seconds,
    legs.duration_seconds as live_duration_seconds,
    mart.price as mart_price,
    legs.price as live_price
from mart
full outer join legs
    on legs.instance_name = mart.instance_name
    and legs.account_sid = mart.account_sid
where mart.legs is distinct from legs.legs
    or mart.duration_seconds is distinct from legs.duration_seconds
    or mart.price is distinct from legs.price
