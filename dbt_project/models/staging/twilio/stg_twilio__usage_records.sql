-- One row per usage record per instance: an account's own usage of one category over one period
-- (daily rows: start_date = end_date). Each row carries its place in Twilio's category tree
-- (macros/twilio_usage_categories.sql); a category missing from the tree counts as a leaf. Rows
-- Twilio no longer lists stay, flagged.
with raw as (
    {{ twilio_union_raw('usage_records') }}
),

tree as (
    {{ twilio_usage_category_tree() }}
)

select
    raw.instance_name || ':' || raw.usage_key as usage_record_key,
    raw.instance_name,
    raw.account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    nullif(raw.category, '') as category,
    tree.parent_category,
    coalesce(tree.is_leaf, true) as is_leaf_category,
    tree.category is not null as is_known_category,
    nullif(raw.description, '') as category_description,
    raw.start_date,
    raw.end_date,
    raw.price,
    nullif(raw.price_unit, '') as price_unit,
    raw."count" as usage_count,
    nullif(raw.count_unit, '') as count_unit,
    raw."usage" as usage_amount,
    nullif(raw.usage_unit, '') as usage_unit,
    cast(nullif(raw.as_of, '') as timestamptz) as rated_as_of,
    nullif(raw.api_version, '') as api_version,
    raw._first_loaded_at as first_loaded_at,
    raw._last_changed_at as last_changed_at,
    raw._deleted_at as deleted_at,
    raw._deleted_at is not null as is_deleted
from raw
left join tree on tree.category = raw.category
