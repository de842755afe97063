-- Live recordings with the call they belong to (rolled up to its root leg) and their conference
-- resolved, each when live and in the same account.
-- Incremental: a build rewrites the recordings whose raw record changed or was deleted, and those
-- whose call leg or conference was rewritten upstream (its root or its liveness may have changed).
{{ twilio_incremental('recording_key', indexes=[
    'root_call_key', 'call_key', 'conference_key', 'resolved_conference_key',
    ['instance_name', 'account_sid', 'activity_date']]) }}
{%- set since = twilio_since() %}
{%- set recording_columns = [
    'recording_key', 'instance_name', 'account_sid', 'account_key', 'recording_sid', 'call_sid', 'call_key',
    'conference_sid', 'conference_key', 'status', 'source', 'channels', 'duration_seconds', 'price',
    'price_unit', 'error_code', 'started_at', 'media_url', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__recordings', 'recording_key', since) }}
    union
    select recording_key from {{ twilio_previous_rows_linked_to('call_key', 'int_twilio__call_legs', since) }} as previous
    union
    select recording_key from {{ twilio_previous_rows_linked_to('conference_key', 'int_twilio__conferences', since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

recordings as (
    {{ twilio_live_rows('stg_twilio__recordings', 'recording_key', recording_columns, since) }}
),

legs as (
    select call_key, root_call_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select call_key from recordings', since) }} as legs
),

conferences as (
    select conference_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__conferences'), 'conference_key', 'select conference_key from recordings', since) }} as conferences
),

linked as (
    select
        recordings.recording_key,
        recordings.instance_name,
        recordings.account_sid,
        recordings.account_key,
        recordings.recording_sid,
        recordings.call_sid,
        recordings.call_key,
        legs.call_key as resolved_call_key,
        legs.root_call_key,
        recordings.conference_sid,
        recordings.conference_key,
        conferences.conference_key as resolved_conference_key,
        recordings.status,
        recordings.source,
        recordings.channels,
        recordings.duration_seconds,
        recordings.price,
        recordings.price_unit,
        recordings.error_code,
        recordings.started_at,
        recordings.media_url,
        recordings.created_at,
        recordings.updated_at,
        {{ twilio_utc_date('recordings.created_at') }} as activity_date
    from recordings
    left join legs
        on legs.call_key = recordings.call_key
        and legs.account_sid = recordings.account_sid
    left join conferences
        on conferences.conference_key = recordings.conference_key
        and conferences.account_sid = recordings.account_sid
)

{{ twilio_rewrite('linked', 'recording_key', since) }}
