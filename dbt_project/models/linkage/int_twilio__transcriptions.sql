-- Live transcriptions with their recording resolved, and through it the call (root leg) or
-- conference the recording belongs to.
with transcriptions as (
    select * from {{ ref('stg_twilio__transcriptions') }}
    where not is_deleted
),

recordings as (
    select recording_key, account_sid, root_call_key, resolved_conference_key, started_at
    from {{ ref('int_twilio__recordings') }}
)

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
