-- Spend adds prices up, which only makes sense in one currency. Twilio bills an account in one
-- currency, so more than one on an account's day is unexpected: worth a look, not a failed build.
-- Checked for the days the last builds of the priced records touched (every day after a full build).
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_account_daily_activity'}}}) }}
{%- set inputs = ['int_twilio__call_legs', 'int_twilio__messages', 'int_twilio__recordings', 'int_twilio__transcriptions'] %}
{%- set day = ['instance_name', 'account_sid', 'activity_date'] %}

with days as (
    {%- for input in inputs %}
    select * from ({{ twilio_last_build_groups(input, ['instance_name', 'account_sid', 'activity_date::date']) }}) as touched_{{ loop.index }}
    {{ 'union' if not loop.last }}
    {%- endfor %}
),

prices as (
    {%- for input in inputs %}
    select instance_name, account_sid, activity_date, price_unit
    from {{ twilio_rows_matching(ref(input), day, 'select instance_name, account_sid, activity_date from days', {}) }} as priced_{{ loop.index }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

-- Reported against the mart's own rows, whose spend columns are the ones that would be mixed.
select days.instance_name, days.account_sid, days.activity_date, array_agg(distinct upper(prices.price_unit)) as currencies
from {{ twilio_rows_matching(ref('fct_account_daily_activity'), day, 'select instance_name, account_sid, activity_date from days', {}) }} as days
inner join prices using (instance_name, account_sid, activity_date)
where prices.price_unit is not null
group by days.instance_name, days.account_sid, days.activity_date
having count(distinct upper(price_unit)) > 1
