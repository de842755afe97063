-- One row per SIP domain per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('sip_domains') }}
)

select
    {{ twilio_key('sid') }} as sip_domain_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as sip_domain_sid,
    {{ twilio_text('domain_name') }} as domain_name,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('auth_type') }} as auth_type,
    {{ twilio_text('voice_url') }} as voice_url,
    {{ twilio_text('voice_method') }} as voice_method,
    {{ twilio_text('voice_fallback_url') }} as voice_fallback_url,
    {{ twilio_text('voice_fallback_method') }} as voice_fallback_method,
    {{ twilio_text('voice_status_callback_url') }} as voice_status_callback_url,
    {{ twilio_text('voice_status_callback_method') }} as voice_status_callback_method,
    sip_registration as is_sip_registration_enabled,
    emergency_calling_enabled as is_emergency_calling_enabled,
    secure as is_secure,
    {{ twilio_text('byoc_trunk_sid') }} as byoc_trunk_sid,
    {{ twilio_text('emergency_caller_sid') }} as emergency_caller_sid,
    {{ twilio_text('api_version') }} as api_version,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
