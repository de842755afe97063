-- One row per recording per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('recordings') }}
)

select
    {{ twilio_key('sid') }} as recording_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as recording_sid,
    -- Twilio always names the parent leg of a two-leg call here.
    {{ twilio_text('call_sid') }} as call_sid,
    {{ twilio_key('call_sid') }} as call_key,
    {{ twilio_text('conference_sid') }} as conference_sid,
    {{ twilio_key('conference_sid') }} as conference_key,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('source') }} as source,
    channels,
    duration as duration_seconds,
    price,
    {{ twilio_text('price_unit') }} as price_unit,
    error_code,
    start_time as started_at,
    {{ twilio_text('media_url') }} as media_url,
    encryption_details,
    {{ twilio_text('api_version') }} as api_version,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
