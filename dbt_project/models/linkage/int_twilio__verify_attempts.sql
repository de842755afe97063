-- Live verification attempts with their Verify service resolved (when it is a live service of the same
-- account).
-- Incremental: a build rewrites the attempts whose raw record changed or was deleted, and those that a
-- service whose raw record changed no longer resolves as they say (gone, moved, renamed) or now
-- resolves (back, or new). The services are a short list, read whole from their staging view.
{{ twilio_incremental('verify_attempt_key', indexes=[
    'resolved_verify_service_key', ['verify_service_key', 'account_sid', 'resolved_verify_service_key']]) }}
{%- set since = twilio_since() %}
{%- set attempt_columns = [
    'verify_attempt_key', 'instance_name', 'account_sid', 'account_key', 'verify_attempt_sid', 'verify_service_sid',
    'verify_service_key', 'verification_sid', 'channel', 'conversion_status', 'is_converted', 'country',
    'message_status', 'price', 'price_unit', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_inputs %}
live_services as (
    select verify_service_key, account_sid, friendly_name from {{ ref('stg_twilio__verify_services') }}
    where not is_deleted
)
{%- endset %}
{%- set affected_keys %}
with {{ affected_inputs }}
    {{ twilio_changed_keys('stg_twilio__verify_attempts', 'verify_attempt_key', since) }}
    union
    select verify_attempt_key
    from {{ twilio_rows_relinked('verify_service_key', 'resolved_verify_service_key', 'live_services',
        'verify_service_key', twilio_changed_keys('stg_twilio__verify_services', 'verify_service_key', since), since,
        copied={'verify_service_name': 'friendly_name'}) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
{{ affected_inputs }},

affected as (select * from {{ since.affected }}),
{%- endif %}

attempts as (
    {{ twilio_live_rows('stg_twilio__verify_attempts', 'verify_attempt_key', attempt_columns, since) }}
),

services as (
    select verify_service_key, account_sid, friendly_name from {{ ref('stg_twilio__verify_services') }}
    where not is_deleted
),

linked as (
    select
        attempts.verify_attempt_key,
        attempts.instance_name,
        attempts.account_sid,
        attempts.account_key,
        attempts.verify_attempt_sid,
        attempts.verify_service_sid,
        attempts.verify_service_key,
        services.verify_service_key as resolved_verify_service_key,
        services.friendly_name as verify_service_name,
        attempts.verification_sid,
        attempts.channel,
        attempts.conversion_status,
        attempts.is_converted,
        attempts.country,
        attempts.message_status,
        attempts.price,
        attempts.price_unit,
        attempts.created_at,
        attempts.updated_at,
        {{ twilio_utc_date('attempts.created_at') }} as activity_date
    from attempts
    left join services
        on services.verify_service_key = attempts.verify_service_key
        and services.account_sid = attempts.account_sid
)

{{ twilio_rewrite('linked', 'verify_attempt_key', since) }}
