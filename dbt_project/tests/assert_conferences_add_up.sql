-- The conferences mart counts each live participant and conference recording that belongs to a
-- live conference exactly once. Checked per conference, for the conferences the last builds touched:
-- those fct_conferences rewrote and those of the participants and recordings rewritten upstream
-- (before and after), every conference after a full build. Rows returned are mismatches.
{{ config(meta={'dagster': {'ref': {'name': 'fct_conferences'}}}) }}

with conferences as (
    select conference_key from ({{ twilio_last_build_groups('fct_conferences', ['conference_key']) }}) as rewritten
    union
    select resolved_conference_key from ({{ twilio_last_build_groups('int_twilio__conference_participants', ['resolved_conference_key']) }}) as participants
    union
    select resolved_conference_key from ({{ twilio_last_build_groups('int_twilio__recordings', ['resolved_conference_key']) }}) as recordings
),

wanted as (
    select conference_key as resolved_conference_key from conferences where conference_key is not null
),

mart as (
    select conference_key, participant_count as participants, recording_count as recordings
    from {{ twilio_rows_matching(ref('fct_conferences'), 'conference_key', 'select resolved_conference_key as conference_key from wanted', {}) }} as mart_conferences
),

participants as (
    select resolved_conference_key as conference_key, count(*) as participants
    from {{ twilio_rows_matching(ref('int_twilio__conference_participants'), 'resolved_conference_key', 'select resolved_conference_key from wanted', {}) }} as live_participants
    group by resolved_conference_key
),

recordings as (
    select resolved_conference_key as conference_key, count(*) as recordings
    from {{ twilio_rows_matching(ref('int_twilio__recordings'), 'resolved_conference_key', 'select resolved_conference_key from wanted', {}) }} as live_recordings
    group by resolved_conference_key
)

select
    coalesce(mart.conference_key, participants.conference_key, recordings.conference_key) as conference_key,
    mart.participants as mart_participants,
    participants.participants as live_participants,
    mart.recordings as mart_recordings,
    recordings.recordings as live_recordings
from mart
full outer join participants on participants.conference_key = mart.conference_key
full outer join recordings on recordings.conference_key = coalesce(mart.conference_key, participants.conference_key)
where coalesce(mart.participants, 0) <> coalesce(participants.participants, 0)
    or coalesce(mart.recordings, 0) <> coalesce(recordings.recordings, 0)
