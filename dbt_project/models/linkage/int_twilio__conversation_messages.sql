-- Live conversation messages, with their conversation and author resolved. Messages of a conversation
-- Twilio deleted are left out: they went with it, though the sync only sees that for the conversation
-- (its messages are listed through it, so once it is gone nobody lists them again).
with messages as (
    select * from {{ ref('stg_twilio__conversation_messages') }}
    where not is_deleted
),

deleted_conversations as (
    select conversation_key from {{ ref('stg_twilio__conversations') }}
    where is_deleted
),

conversations as (
    select conversation_key, account_sid, activity_date from {{ ref('int_twilio__conversations') }}
),

participants as (
    select participant_key, account_sid from {{ ref('stg_twilio__conversation_participants') }}
    where not is_deleted
)

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
