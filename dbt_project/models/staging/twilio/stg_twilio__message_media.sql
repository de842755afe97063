-- One row per media file attached to a message, per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('message_media') }}
)

select
    {{ twilio_key('sid') }} as media_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as media_sid,
    {{ twilio_text('parent_sid') }} as message_sid,
    {{ twilio_key('parent_sid') }} as message_key,
    {{ twilio_text('content_type') }} as content_type,
    -- The MIME type's first part (image, video, audio, application, text): what people group by.
    split_part({{ twilio_text('content_type') }}, '/', 1) as media_kind,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
