-- One row per verification attempt per instance; deleted attempts stay, flagged.
with raw as (
    {{ twilio_union_raw('verify_attempts') }}
)

select
    {{ twilio_key('sid') }} as verify_attempt_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as verify_attempt_sid,
    {{ twilio_text('service_sid') }} as verify_service_sid,
    {{ twilio_key('service_sid') }} as verify_service_key,
    {{ twilio_text('verification_sid') }} as verification_sid,
    {{ twilio_text('channel') }} as channel,
    {{ twilio_text('conversion_status') }} as conversion_status,
    conversion_status = 'converted' as is_converted,
    {{ twilio_text('country') }} as country,
    {{ twilio_text('message_status') }} as message_status,
    price,
    {{ twilio_text('price_unit') }} as price_unit,
    channel_data,
    {{ twilio_text('url') }} as url,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
