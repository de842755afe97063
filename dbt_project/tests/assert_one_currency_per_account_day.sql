-- Spend adds prices up, which only makes sense in one currency. Twilio bills an account in one
-- currency, so more than one on an account's day is unexpected: worth a look, not a failed build.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_account_daily_activity'}}}) }}

with prices as (
    select instance_name, account_sid, activity_date, price_unit from {{ ref('int_twilio__call_legs') }}
    union all
    select instance_name, account_sid, activity_date, price_unit from {{ ref('int_twilio__messages') }}
    union all
    select instance_name, account_sid, activity_date, price_unit from {{ ref('int_twilio__recordings') }}
    union all
    select instance_name, account_sid, activity_date, price_unit from {{ ref('int_twilio__transcriptions') }}
)

-- Reported against the mart's own rows, whose spend columns are the ones that would be mixed.
select days.instance_name, days.account_sid, days.activity_date, array_agg(distinct upper(prices.price_unit)) as currencies
from {{ ref('fct_account_daily_activity') }} as days
inner join prices using (instance_name, account_sid, activity_date)
where prices.price_unit is not null
group by days.instance_name, days.account_sid, days.activity_date
having count(distinct upper(price_unit)) > 1
