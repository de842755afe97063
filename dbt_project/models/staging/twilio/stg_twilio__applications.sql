-- One row per TwiML application per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('applications') }}
)

select
    {{ twilio_key('sid') }} as application_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as application_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('api_version') }} as api_version,
    {{ twilio_text('voice_url') }} as voice_url,
    {{ twilio_text('voice_method') }} as voice_method,
    {{ twilio_text('voice_fallback_url') }} as voice_fallback_url,
    {{ twilio_text('voice_fallback_method') }} as voice_fallback_method,
    voice_caller_id_lookup as has_caller_name_lookup,
    {{ twilio_text('status_callback') }} as status_callback_url,
    {{ twilio_text('status_callback_method') }} as status_callback_method,
    {{ twilio_text('sms_url') }} as sms_url,
    {{ twilio_text('sms_method') }} as sms_method,
    {{ twilio_text('sms_fallback_url') }} as sms_fallback_url,
    {{ twilio_text('sms_fallback_method') }} as sms_fallback_method,
    {{ twilio_text('sms_status_callback') }} as sms_status_callback_url,
    {{ twilio_text('message_status_callback') }} as message_status_callback_url,
    public_application_connect_enabled as is_public_application_connect_enabled,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
