-- The daily activity mart adds up, per instance and account, to the live records it summarizes:
-- nothing counted twice, nothing lost. Rows returned are mismatches.
{{ config(meta={'dagster': {'ref': {'name': 'fct_account_daily_activity'}}}) }}

with mart as (
    select
        instance_name,
        account_sid,
        sum(call_count) as calls,
        sum(call_duration_seconds) as call_seconds,
        sum(call_spend) as call_spend,
        sum(message_count) as messages,
        sum(message_segment_count) as segments,
        sum(message_spend) as message_spend,
        sum(recording_count) as recordings,
        sum(recording_duration_seconds) as recording_seconds,
        sum(recording_spend) as recording_spend,
        sum(transcription_count) as transcriptions,
        sum(transcription_spend) as transcription_spend,
        sum(conference_count) as conferences
    from {{ ref('fct_account_daily_activity') }}
    group by instance_name, account_sid
),

calls as (
    select instance_name, account_sid, count(*) as calls,
        coalesce(sum(duration_seconds), 0) as call_seconds, coalesce(-sum(price), 0) as call_spend
    from {{ ref('int_twilio__call_legs') }}
    group by instance_name, account_sid
),

messages as (
    select instance_name, account_sid, count(*) as messages,
        coalesce(sum(segment_count), 0) as segments, coalesce(-sum(price), 0) as message_spend
    from {{ ref('int_twilio__messages') }}
    group by instance_name, account_sid
),

recordings as (
    select instance_name, account_sid, count(*) as recordings,
        coalesce(sum(duration_seconds), 0) as recording_seconds, coalesce(-sum(price), 0) as recording_spend
    from {{ ref('int_twilio__recordings') }}
    group by instance_name, account_sid
),

transcriptions as (
    select instance_name, account_sid, count(*) as transcriptions,
        coalesce(-sum(price), 0) as transcription_spend
    from {{ ref('int_twilio__transcriptions') }}
    group by instance_name, account_sid
),

conferences as (
    select instance_name, account_sid, count(*) as conferences
    from {{ ref('int_twilio__conferences') }}
    group by instance_name, account_sid
),

accounts as (
    select instance_name, account_sid from mart
    union select instance_name, account_sid from calls
    union select instance_name, account_sid from messages
    union select instance_name, account_sid from recordings
    union select instance_name, account_sid from transcriptions
    union select instance_name, account_sid from conferences
)

select accounts.instance_name, accounts.account_sid
from accounts
left join mart using (instance_name, account_sid)
left join calls using (instance_name, account_sid)
left join messages using (instance_name, account_sid)
left join recordings using (instance_name, account_sid)
left join transcriptions using (instance_name, account_sid)
left join conferences using (instance_name, account_sid)
where coalesce(mart.calls, 0) <> coalesce(calls.calls, 0)
    or coalesce(mart.call_seconds, 0) <> coalesce(calls.call_seconds, 0)
    or coalesce(mart.call_spend, 0) <> coalesce(calls.call_spend, 0)
    or coalesce(mart.messages, 0) <> coalesce(messages.messages, 0)
    or coalesce(mart.segments, 0) <> coalesce(messages.segments, 0)
    or coalesce(mart.message_spend, 0) <> coalesce(messages.message_spend, 0)
    or coalesce(mart.recordings, 0) <> coalesce(recordings.recordings, 0)
    or coalesce(mart.recording_seconds, 0) <> coalesce(recordings.recording_seconds, 0)
    or coalesce(mart.recording_spend, 0) <> coalesce(recordings.recording_spend, 0)
    or coalesce(mart.transcriptions, 0) <> coalesce(transcriptions.transcriptions, 0)
    or coalesce(mart.transcription_spend, 0) <> coalesce(transcriptions.transcription_spend, 0)
    or coalesce(mart.conferences, 0) <> coalesce(conferences.conferences, 0)
