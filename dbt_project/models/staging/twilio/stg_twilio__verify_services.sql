-- One row per Verify service per instance; deleted services stay, flagged.
with raw as (
    {{ twilio_union_raw('verify_services') }}
)

select
    {{ twilio_key('sid') }} as verify_service_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as verify_service_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    code_length,
    lookup_enabled as is_lookup_enabled,
    psd2_enabled as is_psd2_enabled,
    skip_sms_to_landlines as skips_sms_to_landlines,
    dtmf_input_required as is_dtmf_input_required,
    do_not_share_warning_enabled as has_do_not_share_warning,
    custom_code_enabled as is_custom_code_enabled,
    verify_event_subscription_enabled as is_event_subscription_enabled,
    {{ twilio_text('tts_name') }} as tts_name,
    {{ twilio_text('default_template_sid') }} as default_template_sid,
    push,
    totp,
    whatsapp,
    passkeys,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
