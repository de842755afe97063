-- One row per transcription per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('transcriptions') }}
)

select
    {{ twilio_key('sid') }} as transcription_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as transcription_sid,
    {{ twilio_text('recording_sid') }} as recording_sid,
    {{ twilio_key('recording_sid') }} as recording_key,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('type') }} as transcription_type,
    duration as duration_seconds,
    price,
    {{ twilio_text('price_unit') }} as price_unit,
    {{ twilio_text('transcription_text') }} as transcription_text,
    {{ twilio_text('api_version') }} as api_version,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
