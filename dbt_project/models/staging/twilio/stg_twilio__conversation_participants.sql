-- One row per conversation participant per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('conversation_participants') }}
)

select
    {{ twilio_key('sid') }} as participant_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as participant_sid,
    {{ twilio_text('conversation_sid') }} as conversation_sid,
    {{ twilio_key('conversation_sid') }} as conversation_key,
    {{ twilio_text('identity') }} as identity,
    -- A participant has a chat identity (Conversations SDK) or a messaging binding (SMS, WhatsApp, ...).
    case
        when nullif("identity", '') is not null then 'chat'
        when nullif("binding_type", '') is not null then 'binding'
        else 'unknown'
    end as participant_kind,
    {{ twilio_text('binding_type') }} as binding_type,
    {{ twilio_text('binding_address') }} as binding_address,
    {{ twilio_text('binding_proxy_address') }} as binding_proxy_address,
    messaging_binding,
    {{ twilio_text('attributes') }} as attributes,
    {{ twilio_text('role_sid') }} as role_sid,
    last_read_message_index,
    {{ twilio_text('last_read_timestamp') }} as last_read_timestamp,
    {{ twilio_text('url') }} as url,
    date_created as joined_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
