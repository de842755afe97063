-- Live media files with their message resolved (when it is a live message of the same account),
-- each counted on its message's day.
-- Incremental: a build rewrites the media files whose raw record changed or was deleted, and those of
-- messages that int_twilio__messages added, removed (a deleted message leaves its media unresolved,
-- on their own day) or moved to another account or day; a message's other changes (a delivery, a
-- price) leave its media alone.
{{ twilio_incremental('media_key', indexes=['message_key']) }}
{%- set since = twilio_since() %}
{%- set media_columns = [
    'media_key', 'instance_name', 'account_sid', 'account_key', 'media_sid', 'message_sid', 'message_key',
    'content_type', 'media_kind', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__message_media', 'media_key', since) }}
    union
    select media_key
    from {{ twilio_rows_matching(this, 'message_key', twilio_keys_changed_in('int_twilio__messages', ['account_sid', 'activity_date'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

media as (
    {{ twilio_live_rows('stg_twilio__message_media', 'media_key', media_columns, since) }}
),

messages as (
    select message_key, account_sid, activity_date
    from {{ twilio_rows_matching(ref('int_twilio__messages'), 'message_key', 'select message_key from media', since) }} as messages
),

linked as (
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
)

{{ twilio_rewrite('linked', 'media_key', since) }}
