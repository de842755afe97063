-- Live messages, each with the UTC day it counts on.
-- Incremental: each build rewrites the messages whose raw record changed or was deleted.
{{ twilio_incremental('message_key', indexes=[['instance_name', 'account_sid', 'activity_date']]) }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__messages', 'message_key', since) }}
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

messages as (
    select
        message_key,
        instance_name,
        account_sid,
        account_key,
        message_sid,
        messaging_service_sid,
        direction,
        status,
        from_number,
        to_number,
        body,
        segment_count,
        media_count,
        price,
        price_unit,
        error_code,
        error_message,
        sent_at,
        created_at,
        updated_at,
        -- Scheduled or failed messages may have no send time: they count on the day they were created.
        {{ twilio_utc_date('coalesce(sent_at, created_at)') }} as activity_date
    from {{ ref('stg_twilio__messages') }}
    where not is_deleted {{ twilio_and_changed_since(since) }}
)

{{ twilio_rewrite('messages', 'message_key', since) }}
