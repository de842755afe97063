-- One row per Conversation User per instance; deleted users stay, flagged.
with raw as (
    {{ twilio_union_raw('conversation_users') }}
)

select
    {{ twilio_key('sid') }} as conversation_user_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as conversation_user_sid,
    {{ twilio_text('chat_service_sid') }} as conversation_service_sid,
    {{ twilio_key('chat_service_sid') }} as conversation_service_key,
    {{ twilio_text('identity') }} as identity,
    -- Identities are unique within one service: what a participant's identity is matched on.
    (instance_name || ':' || nullif("chat_service_sid", '') || ':' || nullif("identity", '')) as service_identity,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('attributes') }} as attributes,
    {{ twilio_text('role_sid') }} as role_sid,
    is_online,
    is_notifiable,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
