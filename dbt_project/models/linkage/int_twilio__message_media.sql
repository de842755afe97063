-- Live media files with their message resolved (when it is a live message of the same account),
-- each counted on its message's day.
with media as (
    select * from {{ ref('stg_twilio__message_media') }}
    where not is_deleted
),

messages as (
    select message_key, account_sid, activity_date from {{ ref('int_twilio__messages') }}
)

select
    media.media_key,
    media.instance_name,
    media.account_sid,
    media.account_key,
    media.media_sid,
    media.message_sid,
    media.message_key,
    messages.message_key as resolved_message_key,
    media.content_type,
    media.media_kind,
    media.created_at,
    media.updated_at,
    -- The message's day when it is resolved, else the file's own creation day.
    coalesce(messages.activity_date, {{ twilio_utc_date('media.created_at') }}) as activity_date
from media
left join messages
    on messages.message_key = media.message_key
    and messages.account_sid = media.account_sid
