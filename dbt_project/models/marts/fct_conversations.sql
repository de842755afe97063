-- One row per conversation per instance, with its messages and participants summed up. Each is
-- aggregated to one row per conversation before the join, so nothing fans out.
-- Incremental: a build recomputes the rewritten conversations, the conversations a rewritten message or
-- participant belonged to before or belongs to now, and the conversations of accounts that changed.
{{ twilio_incremental('conversation_key', indexes=[['instance_name', 'account_sid']]) }}
{%- set since = twilio_since() %}
{%- set conversations_affected = 'select conversation_key as resolved_conversation_key from affected' %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_groups('int_twilio__conversations', ['conversation_key'], since) }}
    {%- for upstream in ['int_twilio__conversation_messages', 'int_twilio__conversation_participants'] %}
    union
    select resolved_conversation_key from ({{ twilio_changed_groups(upstream, ['resolved_conversation_key'], since) }}) as conversations
    {%- endfor %}
    union
    select conversation_key from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

conversations as (
    select * from {{ twilio_rows_matching(ref('int_twilio__conversations'), 'conversation_key', 'select conversation_key from affected', since) }} as conversations
),

messages as (
    select
        resolved_conversation_key as conversation_key,
        count(*) as message_count,
        count(*) filter (where is_system_message) as system_message_count,
        count(*) filter (where media_count > 0) as media_message_count,
        count(*) filter (where undelivered_to in ('all', 'some') or failed_to in ('all', 'some')) as undelivered_message_count,
        min(created_at) as first_message_at,
        max(created_at) as last_message_at
    from {{ twilio_rows_matching(ref('int_twilio__conversation_messages'), 'resolved_conversation_key', conversations_affected, since) }} as messages
    where resolved_conversation_key is not null
    group by resolved_conversation_key
),

participants as (
    select
        resolved_conversation_key as conversation_key,
        count(*) as participant_count,
        count(*) filter (where participant_kind = 'chat') as chat_participant_count,
        count(*) filter (where participant_kind = 'binding') as binding_participant_count
    from {{ twilio_rows_matching(ref('int_twilio__conversation_participants'), 'resolved_conversation_key', conversations_affected, since) }} as participants
    where resolved_conversation_key is not null
    group by resolved_conversation_key
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
),

summed as (
    select
        conversations.conversation_key,
        conversations.instance_name,
        conversations.account_sid,
        accounts.friendly_name as account_name,
        conversations.conversation_sid,
        conversations.conversation_service_sid,
        conversations.conversation_service_name,
        conversations.messaging_service_sid,
        conversations.friendly_name,
        conversations.unique_name,
        conversations.state,
        conversations.created_at,
        conversations.updated_at,
        conversations.activity_date,
        coalesce(messages.message_count, 0) as message_count,
        coalesce(messages.system_message_count, 0) as system_message_count,
        coalesce(messages.media_message_count, 0) as media_message_count,
        coalesce(messages.undelivered_message_count, 0) as undelivered_message_count,
        coalesce(participants.participant_count, 0) as participant_count,
        coalesce(participants.chat_participant_count, 0) as chat_participant_count,
        coalesce(participants.binding_participant_count, 0) as binding_participant_count,
        messages.first_message_at,
        messages.last_message_at,
        cast(extract(epoch from messages.last_message_at - conversations.created_at) as bigint) as duration_seconds,
        cast(extract(epoch from messages.first_message_at - conversations.created_at) as bigint) as seconds_to_first_message
    from conversations
    left join messages on messages.conversation_key = conversations.conversation_key
    left join participants on participants.conversation_key = conversations.conversation_key
    left join accounts on accounts.account_key = conversations.account_key
)

{{ twilio_rewrite('summed', 'conversation_key', since) }}
