-- One row per phone number the account owns, per instance; deleted (released) numbers stay, flagged.
with raw as (
    {{ twilio_union_raw('incoming_phone_numbers') }}
)

select
    {{ twilio_key('sid') }} as phone_number_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as phone_number_sid,
    {{ twilio_text('phone_number') }} as phone_number,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('origin') }} as origin,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('type') }} as number_type,
    {{ twilio_text('address_sid') }} as address_sid,
    {{ twilio_key('address_sid') }} as address_key,
    {{ twilio_text('emergency_address_sid') }} as emergency_address_sid,
    {{ twilio_key('emergency_address_sid') }} as emergency_address_key,
    {{ twilio_text('address_requirements') }} as address_requirements,
    {{ twilio_text('emergency_status') }} as emergency_status,
    {{ twilio_text('emergency_address_status') }} as emergency_address_status,
    {{ twilio_text('bundle_sid') }} as bundle_sid,
    {{ twilio_text('identity_sid') }} as identity_sid,
    {{ twilio_text('trunk_sid') }} as trunk_sid,
    {{ twilio_text('voice_application_sid') }} as voice_application_sid,
    {{ twilio_text('sms_application_sid') }} as sms_application_sid,
    {{ twilio_text('voice_receive_mode') }} as voice_receive_mode,
    beta as is_beta,
    capabilities,
    -- The capability flags people filter on, out of the JSON object.
    cast(capabilities ->> 'voice' as boolean) as can_voice,
    cast(capabilities ->> 'sms' as boolean) as can_sms,
    cast(capabilities ->> 'mms' as boolean) as can_mms,
    {{ twilio_text('voice_url') }} as voice_url,
    {{ twilio_text('sms_url') }} as sms_url,
    {{ twilio_text('status_callback') }} as status_callback_url,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
