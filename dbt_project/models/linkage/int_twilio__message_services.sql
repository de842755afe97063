-- Live messages that name a Messaging Service, with the service resolved (when it is a live service
-- of the same account) and its name: what the message marts join for the service.
-- Incremental: a build rewrites the messages rewritten in int_twilio__messages and the messages of
-- services whose raw record changed or was deleted (renamed, gone, back). The services are a list of
-- what exists now, small enough for int_twilio__messaging_services to stay a table.
-- depends_on: {{ ref('stg_twilio__messaging_services') }}
{{ twilio_incremental('message_key', indexes=['messaging_service_key']) }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_groups('int_twilio__messages', ['message_key'], since) }}
    union
    select message_key from {{ twilio_rows_matching(this, 'messaging_service_key', twilio_changed_keys('stg_twilio__messaging_services', 'messaging_service_key', since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

messages as (
    select message_key, instance_name, account_sid, account_key, message_sid, messaging_service_sid
    from {{ twilio_rows_matching(ref('int_twilio__messages'), 'message_key', 'select message_key from affected', since) }} as messages
    where messaging_service_sid is not null
),

services as (
    select messaging_service_key, account_sid, friendly_name from {{ ref('int_twilio__messaging_services') }}
),

linked as (
    select
        messages.message_key,
        messages.instance_name,
        messages.account_sid,
        messages.account_key,
        messages.message_sid,
        messages.messaging_service_sid,
        messages.instance_name || ':' || messages.messaging_service_sid as messaging_service_key,
        services.messaging_service_key as resolved_messaging_service_key,
        services.friendly_name as messaging_service_name
    from messages
    left join services
        on services.messaging_service_key = messages.instance_name || ':' || messages.messaging_service_sid
        and services.account_sid = messages.account_sid
)

{{ twilio_rewrite('linked', 'message_key', since) }}
