-- Live transcriptions with their recording resolved, and through it the call (root leg) or
-- conference the recording belongs to.
-- Incremental: a build rewrites the transcriptions whose raw record changed or was deleted, and those
-- whose recording was rewritten in int_twilio__recordings.
{{ twilio_incremental('transcription_key', indexes=[
    'root_call_key', 'recording_key', ['instance_name', 'account_sid', 'activity_date']]) }}
{%- set since = twilio_since() %}
{%- set transcription_columns = [
    'transcription_key', 'instance_name', 'account_sid', 'account_key', 'transcription_sid', 'recording_sid',
    'recording_key', 'status', 'transcription_type', 'duration_seconds', 'price', 'price_unit',
    'transcription_text', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__transcriptions', 'transcription_key', since) }}
    union
    select transcription_key from {{ twilio_previous_rows_linked_to('recording_key', 'int_twilio__recordings', since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

transcriptions as (
    {{ twilio_live_rows('stg_twilio__transcriptions', 'transcription_key', transcription_columns, since) }}
),

recordings as (
    select recording_key, account_sid, root_call_key, resolved_conference_key, started_at
    from {{ twilio_rows_matching(ref('int_twilio__recordings'), 'recording_key', 'select recording_key from transcriptions', since) }} as recordings
),

linked as (
    select
        transcriptions.transcription_key,
        transcriptions.instance_name,
        transcriptions.account_sid,
        transcriptions.account_key,
        transcriptions.transcription_sid,
        transcriptions.recording_sid,
        transcriptions.recording_key,
        recordings.recording_key as resolved_recording_key,
        recordings.root_call_key,
        recordings.resolved_conference_key as conference_key,
        recordings.started_at as recording_started_at,
        transcriptions.status,
        transcriptions.transcription_type,
        transcriptions.duration_seconds,
        transcriptions.price,
        transcriptions.price_unit,
        transcriptions.transcription_text,
        transcriptions.created_at,
        transcriptions.updated_at,
        {{ twilio_utc_date('transcriptions.created_at') }} as activity_date
    from transcriptions
    left join recordings
        on recordings.recording_key = transcriptions.recording_key
        and recordings.account_sid = transcriptions.account_sid
)

{{ twilio_rewrite('linked', 'transcription_key', since) }}
