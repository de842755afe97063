-- What each account spent per UTC day and usage category, from Twilio's own usage records.
-- Leaf categories only: Twilio's parent categories (`calls`, `sms`, ... and `totalprice`) are sums of
-- their children, so adding up every category would count spend twice or more. Each row also carries
-- Twilio's `totalprice` for its account and day, repeated on every row of that day: compare it, do
-- not add it up. Accounts are synced one by one without their subaccounts' usage, so adding up
-- accounts counts nothing twice either.
with records as (
    select *
    from {{ ref('stg_twilio__usage_records') }}
    where not is_deleted
      and start_date = end_date  -- daily records
),

totals as (
    select instance_name, account_sid, start_date, price as twilio_total_price
    from records
    where category = 'totalprice'
),

accounts as (
    select instance_name, account_sid, friendly_name from {{ ref('int_twilio__accounts') }}
)

select
    records.usage_record_key as spend_key,
    records.instance_name,
    records.account_sid,
    records.account_key,
    accounts.friendly_name as account_name,
    records.start_date as usage_date,
    records.category,
    records.parent_category,
    records.category_description,
    records.is_known_category,
    records.price,
    upper(records.price_unit) as currency,
    records.usage_count,
    records.count_unit,
    records.usage_amount,
    records.usage_unit,
    totals.twilio_total_price,
    records.rated_as_of
from records
left join totals using (instance_name, account_sid, start_date)
left join accounts using (instance_name, account_sid)
where records.is_leaf_category
  and records.category <> 'totalprice'
