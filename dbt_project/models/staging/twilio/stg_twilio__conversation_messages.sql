-- One row per conversation message per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('conversation_messages') }}
)

select
    {{ twilio_key('sid') }} as conversation_message_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as conversation_message_sid,
    {{ twilio_text('conversation_sid') }} as conversation_sid,
    {{ twilio_key('conversation_sid') }} as conversation_key,
    "index" as message_index,
    {{ twilio_text('author') }} as author,
    {{ twilio_text('participant_sid') }} as participant_sid,
    {{ twilio_key('participant_sid') }} as participant_key,
    -- Twilio names no participant for messages the system sent.
    nullif("participant_sid", '') is null as is_system_message,
    {{ twilio_text('body') }} as body,
    media,
    coalesce(jsonb_array_length(case when jsonb_typeof(media) = 'array' then media end), 0) as media_count,
    {{ twilio_text('attributes') }} as attributes,
    {{ twilio_text('content_sid') }} as content_sid,
    delivery,
    cast(delivery ->> 'total' as integer) as delivery_recipient_count,
    delivery ->> 'delivered' as delivered_to,
    delivery ->> 'undelivered' as undelivered_to,
    delivery ->> 'failed' as failed_to,
    {{ twilio_text('url') }} as url,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
