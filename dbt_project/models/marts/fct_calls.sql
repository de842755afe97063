-- One row per call per instance. A call is a root leg with every leg under it; each related
-- collection is aggregated to one row per root leg first, then joined, so nothing fans out.
with legs as (
    select * from {{ ref('int_twilio__call_legs') }}
),

roots as (
    select * from legs
    where is_root_leg
),

leg_totals as (
    select
        root_call_key,
        count(*) as leg_count,
        cast(sum(duration_seconds) as bigint) as total_duration_seconds,
        sum(price) as total_price,
        array_agg(call_sid order by started_at nulls last, call_sid) filter (where not is_root_leg) as child_call_sids
    from legs
    group by root_call_key
),

feedback as (
    select
        root_call_key,
        count(*) as feedback_count,
        min(quality_score) as feedback_quality_score
    from {{ ref('int_twilio__call_feedback') }}
    where root_call_key is not null
    group by root_call_key
),

feedback_issues as (
    select
        feedback.root_call_key,
        array_agg(distinct issue.value order by issue.value) as feedback_issues
    from {{ ref('int_twilio__call_feedback') }} as feedback
    cross join lateral jsonb_array_elements_text(feedback.issues) as issue (value)
    where feedback.root_call_key is not null
    group by feedback.root_call_key
),

recordings as (
    select
        root_call_key,
        count(*) as recording_count,
        cast(sum(duration_seconds) as bigint) as recording_duration_seconds,
        sum(price) as recording_price
    from {{ ref('int_twilio__recordings') }}
    where root_call_key is not null
    group by root_call_key
),

transcriptions as (
    select
        root_call_key,
        count(*) as transcription_count,
        string_agg(transcription_text, E'\n' order by recording_started_at nulls last, created_at, transcription_sid)
            filter (where status = 'completed' and transcription_text is not null) as transcription_text
    from {{ ref('int_twilio__transcriptions') }}
    where root_call_key is not null
    group by root_call_key
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
)

select
    roots.call_key,
    roots.instance_name,
    roots.account_sid,
    accounts.friendly_name as account_name,
    roots.call_sid,
    roots.direction,
    roots.status,
    roots.from_number,
    roots.to_number,
    roots.answered_by,
    roots.started_at,
    roots.ended_at,
    roots.activity_date,
    roots.duration_seconds,
    roots.price,
    roots.price_unit,
    leg_totals.leg_count,
    leg_totals.leg_count - 1 as child_leg_count,
    coalesce(leg_totals.child_call_sids, array[]::text[]) as child_call_sids,
    leg_totals.total_duration_seconds,
    leg_totals.total_price,
    coalesce(feedback.feedback_count, 0) as feedback_count,
    feedback.feedback_quality_score,
    coalesce(feedback_issues.feedback_issues, array[]::text[]) as feedback_issues,
    coalesce(recordings.recording_count, 0) as recording_count,
    coalesce(recordings.recording_duration_seconds, 0) as recording_duration_seconds,
    recordings.recording_price,
    coalesce(transcriptions.transcription_count, 0) as transcription_count,
    transcriptions.transcription_text
from roots
inner join leg_totals on leg_totals.root_call_key = roots.call_key
left join feedback on feedback.root_call_key = roots.call_key
left join feedback_issues on feedback_issues.root_call_key = roots.call_key
left join recordings on recordings.root_call_key = roots.call_key
left join transcriptions on transcriptions.root_call_key = roots.call_key
left join accounts on accounts.account_key = roots.account_key
