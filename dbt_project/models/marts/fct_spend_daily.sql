-- What each account spent per UTC day and usage category, from Twilio's own usage records.
-- Leaf categories only: Twilio's parent categories (`calls`, `sms`, ... and `totalprice`) are sums of
-- their children, so adding up every category would count spend twice or more. Each row also carries
-- Twilio's `totalprice` for its account and day, repeated on every row of that day: compare it, do
-- not add it up. Accounts are synced one by one without their subaccounts' usage, so adding up
-- accounts counts nothing twice either.
-- Incremental: a build rewrites the records whose raw record changed or was deleted (re-rated, new,
-- gone), every row of an account and day whose `totalprice` record changed (found through the index on
-- instance, account and day), and the rows of accounts that changed. Unchanged records are rebuilt
-- from their previous row; the day's total is read for the days rebuilt only.
{{ twilio_incremental('spend_key', indexes=[['instance_name', 'account_sid', 'usage_date']], min_keys=50) }}
{%- set since = twilio_since() %}
{%- set spend_columns = [
    'spend_key', 'instance_name', 'account_sid', 'account_key', 'usage_date', 'category', 'parent_category',
    'category_description', 'is_known_category', 'price', 'currency', 'usage_count', 'count_unit', 'usage_amount',
    'usage_unit', 'rated_as_of'] %}

{%- if since %}
{%- set affected_inputs %}
changed_records as (
    select * from {{ ref('stg_twilio__usage_records') }}
    where true {{ twilio_and_changed_since(since) }}
)
{%- endset %}
{%- set affected_keys %}
with {{ affected_inputs }}
    select usage_record_key as spend_key from changed_records
    union
    select spend_key
    from {{ twilio_rows_matching(this, ['instance_name', 'account_sid', 'usage_date'], "
        select instance_name, account_sid, start_date as usage_date from changed_records
        where category = 'totalprice' and start_date = end_date", since) }} as previous
    union
    select spend_key from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
{{ affected_inputs }},

affected as (select * from {{ since.affected }}),
{%- endif %}

records as (
    select
        usage_record_key as spend_key,
        instance_name,
        account_sid,
        account_key,
        start_date as usage_date,
        category,
        parent_category,
        category_description,
        is_known_category,
        price,
        upper(price_unit) as currency,
        usage_count,
        count_unit,
        usage_amount,
        usage_unit,
        rated_as_of
    from {{ 'changed_records' if since else ref('stg_twilio__usage_records') }}
    where not is_deleted
      and start_date = end_date  -- daily records
      and is_leaf_category
      and category <> 'totalprice'
    {%- if since %}
    union all
    -- The affected records that did not change, as the previous build found them.
    select {{ spend_columns | join(', ') }}
    from {{ twilio_rows_matching(this, 'spend_key', 'select spend_key from affected', since) }} as previous
    where spend_key not in (select usage_record_key from changed_records)
    {%- endif %}
),

totals as (
    select instance_name, account_sid, start_date as usage_date, price as twilio_total_price
    from {{ twilio_rows_matching(ref('stg_twilio__usage_records'), ['instance_name', 'account_sid', 'start_date'], 'select instance_name, account_sid, usage_date as start_date from records', since) }} as totals
    where not is_deleted
      and start_date = end_date
      and category = 'totalprice'
),

accounts as (
    select instance_name, account_sid, friendly_name from {{ ref('int_twilio__accounts') }}
),

spend as (
    select
        records.spend_key,
        records.instance_name,
        records.account_sid,
        records.account_key,
        accounts.friendly_name as account_name,
        records.usage_date,
        records.category,
        records.parent_category,
        records.category_description,
        records.is_known_category,
        records.price,
        records.currency,
        records.usage_count,
        records.count_unit,
        records.usage_amount,
        records.usage_unit,
        totals.twilio_total_price,
        records.rated_as_of
    from records
    left join totals using (instance_name, account_sid, usage_date)
    left join accounts using (instance_name, account_sid)
)

{{ twilio_rewrite('spend', 'spend_key', since) }}
