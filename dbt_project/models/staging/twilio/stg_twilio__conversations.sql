-- One row per conversation per instance; deleted conversations stay, flagged.
with raw as (
    {{ twilio_union_raw('conversations') }}
)

select
    {{ twilio_key('sid') }} as conversation_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as conversation_sid,
    {{ twilio_text('chat_service_sid') }} as conversation_service_sid,
    {{ twilio_key('chat_service_sid') }} as conversation_service_key,
    {{ twilio_text('messaging_service_sid') }} as messaging_service_sid,
    {{ twilio_key('messaging_service_sid') }} as messaging_service_key,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('unique_name') }} as unique_name,
    {{ twilio_text('attributes') }} as attributes,
    {{ twilio_text('state') }} as state,
    date_inactive as inactive_timer_at,
    date_closed as close_timer_at,
    timers,
    bindings,
    {{ twilio_text('url') }} as url,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
