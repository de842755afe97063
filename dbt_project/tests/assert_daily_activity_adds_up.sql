-- The daily activity mart adds up to the live records it summarizes: nothing counted twice, nothing
-- lost. Checked per instance, account and UTC day, for the days the last builds of its inputs touched
-- (each rewritten leg, message, recording, transcription or conference's day before and after), every
-- day after a full build (macros/last_build.sql). Rows returned are mismatches.
{{ config(meta={'dagster': {'ref': {'name': 'fct_account_daily_activity'}}}) }}
{%- set inputs = ['int_twilio__call_legs', 'int_twilio__messages', 'int_twilio__recordings', 'int_twilio__transcriptions', 'int_twilio__conferences'] %}
{%- set day = ['instance_name', 'account_sid', 'activity_date'] %}
{%- set days_wanted = 'select instance_name, account_sid, activity_date from days' %}

with days as (
    {%- for input in inputs %}
    select * from ({{ twilio_last_build_groups(input, ['instance_name', 'account_sid', 'activity_date::date']) }}) as touched_{{ loop.index }}
    {{ 'union' if not loop.last }}
    {%- endfor %}
),

mart as (
    select *
    from {{ twilio_rows_matching(ref('fct_account_daily_activity'), day, days_wanted, {}) }} as mart_days
),

calls as (
    select instance_name, account_sid, activity_date, count(*) as calls,
        coalesce(sum(duration_seconds), 0) as call_seconds, coalesce(-sum(price), 0) as call_spend
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), day, days_wanted, {}) }} as legs
    group by instance_name, account_sid, activity_date
),

messages as (
    select instance_name, account_sid, activity_date, count(*) as messages,
        coalesce(sum(segment_count), 0) as segments, coalesce(-sum(price), 0) as message_spend
    from {{ twilio_rows_matching(ref('int_twilio__messages'), day, days_wanted, {}) }} as messages
    group by instance_name, account_sid, activity_date
),

recordings as (
    select instance_name, account_sid, activity_date, count(*) as recordings,
        coalesce(sum(duration_seconds), 0) as recording_seconds, coalesce(-sum(price), 0) as recording_spend
    from {{ twilio_rows_matching(ref('int_twilio__recordings'), day, days_wanted, {}) }} as recordings
    group by instance_name, account_sid, activity_date
),

transcriptions as (
    select instance_name, account_sid, activity_date, count(*) as transcriptions,
        coalesce(-sum(price), 0) as transcription_spend
    from {{ twilio_rows_matching(ref('int_twilio__transcriptions'), day, days_wanted, {}) }} as transcriptions
    group by instance_name, account_sid, activity_date
),

conferences as (
    select instance_name, account_sid, activity_date, count(*) as conferences
    from {{ twilio_rows_matching(ref('int_twilio__conferences'), day, days_wanted, {}) }} as conferences
    group by instance_name, account_sid, activity_date
)

select days.instance_name, days.account_sid, days.activity_date
from days
left join mart using (instance_name, account_sid, activity_date)
left join calls using (instance_name, account_sid, activity_date)
left join messages using (instance_name, account_sid, activity_date)
left join recordings using (instance_name, account_sid, activity_date)
left join transcriptions using (instance_name, account_sid, activity_date)
left join conferences using (instance_name, account_sid, activity_date)
where coalesce(mart.call_count, 0) <> coalesce(calls.calls, 0)
    or coalesce(mart.call_duration_seconds, 0) <> coalesce(calls.call_seconds, 0)
    or coalesce(mart.call_spend, 0) <> coalesce(calls.call_spend, 0)
    or coalesce(mart.message_count, 0) <> coalesce(messages.messages, 0)
    or coalesce(mart.message_segment_count, 0) <> coalesce(messages.segments, 0)
    or coalesce(mart.message_spend, 0) <> coalesce(messages.message_spend, 0)
    or coalesce(mart.recording_count, 0) <> coalesce(recordings.recordings, 0)
    or coalesce(mart.recording_duration_seconds, 0) <> coalesce(recordings.recording_seconds, 0)
    or coalesce(mart.recording_spend, 0) <> coalesce(recordings.recording_spend, 0)
    or coalesce(mart.transcription_count, 0) <> coalesce(transcriptions.transcriptions, 0)
    or coalesce(mart.transcription_spend, 0) <> coalesce(transcriptions.transcription_spend, 0)
    or coalesce(mart.conference_count, 0) <> coalesce(conferences.conferences, 0)
