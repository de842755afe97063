-- One row per message per instance.
-- Incremental: a build rewrites the messages rewritten in int_twilio__messages or
-- int_twilio__message_services and the messages of accounts that changed. Another joined table adds one `union` to `affected` (this table's messages
-- that point at its changed records, as for accounts) and one CTE joined like `accounts` below.
{{ twilio_incremental('message_key', indexes=[['instance_name', 'account_sid']]) }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_groups('int_twilio__messages', ['message_key'], since) }}
    union
    {{ twilio_changed_groups('int_twilio__message_services', ['message_key'], since) }}
    union
    select message_key from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

messages as (
    select * from {{ twilio_rows_matching(ref('int_twilio__messages'), 'message_key', 'select message_key from affected', since) }} as messages
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
),

message_services as (
    select message_key, messaging_service_name from {{ ref('int_twilio__message_services') }}
),

joined as (
    select
        messages.message_key,
        messages.instance_name,
        messages.account_sid,
        accounts.friendly_name as account_name,
        messages.message_sid,
        messages.direction,
        messages.direction = 'inbound' as is_inbound,
        messages.status,
        messages.from_number,
        messages.to_number,
        messages.body,
        messages.segment_count,
        messages.media_count,
        messages.price,
        messages.price_unit,
        messages.error_code,
        messages.error_message,
        messages.messaging_service_sid,
        message_services.messaging_service_name,
        messages.sent_at,
        messages.created_at,
        messages.updated_at,
        messages.activity_date
    from messages
    left join accounts on accounts.account_key = messages.account_key
    left join message_services on message_services.message_key = messages.message_key
)

{{ twilio_rewrite('joined', 'message_key', since) }}
