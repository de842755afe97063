-- Live conversation messages, with their conversation and author resolved. Messages of a conversation
-- Twilio deleted are left out: they went with it, though the sync only sees that for the conversation
-- (its messages are listed through it, so once it is gone nobody lists them again).
-- Incremental: a build rewrites the messages whose raw record changed or was deleted; the messages of
-- conversations that int_twilio__conversations added, removed or moved to another account or day, or
-- whose raw record turned up deleted; the messages whose author's raw record changed so that the
-- author no longer resolves as the message says; and, for a conversation that came back (or is new),
-- its messages, found in the raw tables through their index on conversation_sid, since they were left
-- out while it was deleted and did not change.
{{ twilio_incremental('conversation_message_key', indexes=['conversation_key', 'resolved_conversation_key', 'participant_key']) }}
{%- set since = twilio_since() %}
{%- set message_columns = [
    'conversation_message_key', 'instance_name', 'account_sid', 'account_key', 'conversation_message_sid',
    'conversation_sid', 'conversation_key', 'message_index', 'author', 'participant_sid', 'participant_key',
    'is_system_message', 'media_count', 'delivery_recipient_count', 'delivered_to', 'undelivered_to', 'failed_to',
    'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_inputs %}
changed_conversations as (
    select conversation_key, is_deleted from {{ ref('stg_twilio__conversations') }}
    where true {{ twilio_and_changed_since(since) }}
),

changed_participants as (
    select participant_key, account_sid, is_deleted from {{ ref('stg_twilio__conversation_participants') }}
    where true {{ twilio_and_changed_since(since) }}
),

-- The messages of conversations int_twilio__conversations took in: new ones, and ones that came back.
returning_messages as (
    {{ twilio_raw_children('conversation_messages', 'conversation_sid',
        'select instance_name, conversation_sid as parent_sid from ' ~ twilio_rows_added_to('int_twilio__conversations', since) ~ ' as added') }}
)
{%- endset %}
{%- set affected_keys %}
with {{ affected_inputs }}
    {{ twilio_changed_keys('stg_twilio__conversation_messages', 'conversation_message_key', since) }}
    union
    select conversation_message_key
    from {{ twilio_rows_matching(this, 'conversation_key', twilio_keys_changed_in('int_twilio__conversations', ['account_sid', 'activity_date'], since), since) }} as previous
    union
    select conversation_message_key
    from {{ twilio_rows_matching(this, 'conversation_key', 'select conversation_key from changed_conversations where is_deleted', since) }} as previous
    union
    select previous.conversation_message_key
    from {{ twilio_rows_matching(this, 'participant_key', 'select participant_key from changed_participants', since) }} as previous
    inner join changed_participants on changed_participants.participant_key = previous.participant_key
    where previous.resolved_participant_key is distinct from (
        case when not changed_participants.is_deleted and changed_participants.account_sid = previous.account_sid
            then changed_participants.participant_key end)
    union
    select instance_name || ':' || sid from returning_messages
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
{{ affected_inputs }},

affected as (select * from {{ since.affected }}),
{%- endif %}

messages as (
    {{ twilio_live_rows('stg_twilio__conversation_messages', 'conversation_message_key', message_columns, since) }}
    {%- if since %}
    union all
    {{ twilio_returning_rows('stg_twilio__conversation_messages', 'conversation_message_key', 'conversation_message_sid', message_columns, 'select instance_name, sid from returning_messages', since) }}
    {%- endif %}
),

deleted_conversations as (
    select conversation_key
    from {{ twilio_rows_matching(ref('stg_twilio__conversations'), ['instance_name', 'conversation_sid'], 'select instance_name, conversation_sid from messages', since) }} as conversations
    where is_deleted
),

conversations as (
    select conversation_key, account_sid, activity_date
    from {{ twilio_rows_matching(ref('int_twilio__conversations'), 'conversation_key', 'select conversation_key from messages', since) }} as conversations
),

participants as (
    select participant_key, account_sid
    from {{ twilio_rows_matching(ref('stg_twilio__conversation_participants'), ['instance_name', 'participant_sid'], 'select instance_name, participant_sid from messages', since) }} as participants
    where not is_deleted
),

linked as (
    select
        messages.conversation_message_key,
        messages.instance_name,
        messages.account_sid,
        messages.account_key,
        messages.conversation_message_sid,
        messages.conversation_sid,
        messages.conversation_key,
        conversations.conversation_key as resolved_conversation_key,
        messages.message_index,
        messages.author,
        messages.participant_sid,
        messages.participant_key,
        participants.participant_key as resolved_participant_key,
        messages.is_system_message,
        messages.media_count,
        messages.delivery_recipient_count,
        messages.delivered_to,
        messages.undelivered_to,
        messages.failed_to,
        messages.created_at,
        messages.updated_at,
        -- The conversation's day when it is resolved, else the message's own.
        coalesce(conversations.activity_date, {{ twilio_utc_date('messages.created_at') }}) as activity_date
    from messages
    left join conversations
        on conversations.conversation_key = messages.conversation_key
        and conversations.account_sid = messages.account_sid
    left join participants
        on participants.participant_key = messages.participant_key
        and participants.account_sid = messages.account_sid
    where not exists (
        select 1 from deleted_conversations where deleted_conversations.conversation_key = messages.conversation_key
    )
)

{{ twilio_rewrite('linked', 'conversation_message_key', since) }}
