-- One row per message per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('messages') }}
)

select
    {{ twilio_key('sid') }} as message_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as message_sid,
    -- Twilio assigns a default value when no Messaging Service is used, so this is not proof of one.
    {{ twilio_text('messaging_service_sid') }} as messaging_service_sid,
    {{ twilio_text('direction') }} as direction,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('from') }} as from_number,
    {{ twilio_text('to') }} as to_number,
    {{ twilio_text('body') }} as body,
    num_segments as segment_count,
    num_media as media_count,
    price,
    {{ twilio_text('price_unit') }} as price_unit,
    error_code,
    {{ twilio_text('error_message') }} as error_message,
    {{ twilio_text('api_version') }} as api_version,
    date_sent as sent_at,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
