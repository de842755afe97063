-- Live conversation participants, with their conversation resolved and, for chat participants, the
-- Conversation User whose identity they carry (in the conversation's service). Participants of a
-- conversation Twilio deleted are left out, as for messages.
with participants as (
    select * from {{ ref('stg_twilio__conversation_participants') }}
    where not is_deleted
),

deleted_conversations as (
    select conversation_key from {{ ref('stg_twilio__conversations') }}
    where is_deleted
),

conversations as (
    select conversation_key, account_sid, conversation_service_sid from {{ ref('int_twilio__conversations') }}
),

users as (
    select conversation_user_key, service_identity, account_sid from {{ ref('int_twilio__conversation_users') }}
),

linked as (
    select
        participants.*,
        conversations.conversation_key as resolved_conversation_key,
        case
            when participants.identity is not null and conversations.conversation_service_sid is not null
                then participants.instance_name || ':' || conversations.conversation_service_sid || ':' || participants.identity
        end as user_identity_key
    from participants
    left join conversations
        on conversations.conversation_key = participants.conversation_key
        and conversations.account_sid = participants.account_sid
    where not exists (
        select 1 from deleted_conversations where deleted_conversations.conversation_key = participants.conversation_key
    )
)

select
    linked.participant_key,
    linked.instance_name,
    linked.account_sid,
    linked.account_key,
    linked.participant_sid,
    linked.conversation_sid,
    linked.conversation_key,
    linked.resolved_conversation_key,
    linked.participant_kind,
    linked.identity,
    linked.user_identity_key,
    users.conversation_user_key as resolved_conversation_user_key,
    linked.binding_type,
    linked.binding_address,
    linked.binding_proxy_address,
    linked.role_sid,
    linked.last_read_message_index,
    linked.joined_at,
    linked.updated_at
from linked
left join users
    on users.service_identity = linked.user_identity_key
    and users.account_sid = linked.account_sid
