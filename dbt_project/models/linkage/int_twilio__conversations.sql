-- Live conversations, with their Conversation Service resolved when it is a live service of the same
-- account, each counted on its creation day.
-- Incremental: a build rewrites the conversations whose raw record changed or was deleted, and those
-- that a service whose raw record changed no longer resolves as they say (gone, moved, renamed) or now
-- resolves (back, or new). The services are a list of what exists now, small enough for
-- int_twilio__conversation_services to stay a table.
-- depends_on: {{ ref('stg_twilio__conversation_services') }}
{{ twilio_incremental('conversation_key', indexes=[
    'resolved_conversation_service_key', ['conversation_service_key', 'account_sid', 'resolved_conversation_service_key']]) }}
{%- set since = twilio_since() %}
{%- set conversation_columns = [
    'conversation_key', 'instance_name', 'account_sid', 'account_key', 'conversation_sid',
    'conversation_service_sid', 'conversation_service_key', 'messaging_service_sid', 'messaging_service_key',
    'friendly_name', 'unique_name', 'state', 'inactive_timer_at', 'close_timer_at', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__conversations', 'conversation_key', since) }}
    union
    select conversation_key
    from {{ twilio_rows_relinked('conversation_service_key', 'resolved_conversation_service_key',
        ref('int_twilio__conversation_services'), 'conversation_service_key',
        twilio_changed_keys('stg_twilio__conversation_services', 'conversation_service_key', since), since,
        copied={'conversation_service_name': 'friendly_name'}) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

conversations as (
    {{ twilio_live_rows('stg_twilio__conversations', 'conversation_key', conversation_columns, since) }}
),

services as (
    select conversation_service_key, account_sid, friendly_name from {{ ref('int_twilio__conversation_services') }}
),

linked as (
    select
        conversations.conversation_key,
        conversations.instance_name,
        conversations.account_sid,
        conversations.account_key,
        conversations.conversation_sid,
        conversations.conversation_service_sid,
        conversations.conversation_service_key,
        services.conversation_service_key as resolved_conversation_service_key,
        services.friendly_name as conversation_service_name,
        conversations.messaging_service_sid,
        conversations.messaging_service_key,
        conversations.friendly_name,
        conversations.unique_name,
        conversations.state,
        conversations.inactive_timer_at,
        conversations.close_timer_at,
        conversations.created_at,
        conversations.updated_at,
        {{ twilio_utc_date('conversations.created_at') }} as activity_date
    from conversations
    left join services
        on services.conversation_service_key = conversations.conversation_service_key
        and services.account_sid = conversations.account_sid
)

{{ twilio_rewrite('linked', 'conversation_key', since) }}
