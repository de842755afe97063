-- One row per phone number in a Messaging Service per instance (a number is in one service at a
-- time); numbers taken out of every service stay, flagged.
with raw as (
    {{ twilio_union_raw('messaging_service_phone_numbers') }}
)

select
    {{ twilio_key('sid') }} as messaging_service_phone_number_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as phone_number_sid,
    -- The same SID as the incoming phone number: this key joins stg_twilio__incoming_phone_numbers.
    {{ twilio_key('sid') }} as phone_number_key,
    {{ twilio_text('service_sid') }} as messaging_service_sid,
    {{ twilio_key('service_sid') }} as messaging_service_key,
    {{ twilio_text('phone_number') }} as phone_number,
    {{ twilio_text('country_code') }} as country_code,
    capabilities,
    coalesce(capabilities ? 'SMS', false) as can_sms,
    coalesce(capabilities ? 'MMS', false) as can_mms,
    coalesce(capabilities ? 'Voice', false) as can_voice,
    date_created as added_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
