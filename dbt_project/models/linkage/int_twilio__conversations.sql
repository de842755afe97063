-- Live conversations, with their Conversation Service resolved when it is a live service of the same
-- account, each counted on its creation day.
with conversations as (
    select * from {{ ref('stg_twilio__conversations') }}
    where not is_deleted
),

services as (
    select conversation_service_key, account_sid, friendly_name from {{ ref('int_twilio__conversation_services') }}
)

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
