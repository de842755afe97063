-- One row per call per instance. A call is a root leg with every leg under it; each related
-- collection is aggregated to one row per root leg first, then joined, so nothing fans out.
-- Incremental: a build recomputes the calls that a rewritten leg, annotation, recording or
-- transcription belonged to before or belongs to now, and the calls of accounts that changed.
{{ twilio_incremental('call_key', indexes=[['instance_name', 'account_sid']]) }}
{%- set since = twilio_since() %}
{%- set calls_affected = 'select call_key as root_call_key from affected' %}

{%- if since %}
{%- set affected_keys %}
    {%- for upstream in ['int_twilio__call_legs', 'int_twilio__call_feedback', 'int_twilio__recordings', 'int_twilio__transcriptions'] %}
    select root_call_key as call_key from ({{ twilio_changed_groups(upstream, ['root_call_key'], since) }}) as roots
    union
    {%- endfor %}
    select call_key from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

roots as (
    select * from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select call_key from affected', since) }} as legs
    where is_root_leg
),

leg_totals as (
    select
        root_call_key,
        count(*) as leg_count,
        cast(sum(duration_seconds) as bigint) as total_duration_seconds,
        sum(price) as total_price,
        array_agg(call_sid order by started_at nulls last, call_sid) filter (where not is_root_leg) as child_call_sids
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'root_call_key', calls_affected, since) }} as legs
    group by root_call_key
),

feedback_rows as (
    select root_call_key, quality_score, issues
    from {{ twilio_rows_matching(ref('int_twilio__call_feedback'), 'root_call_key', calls_affected, since) }} as feedback
    where root_call_key is not null
),

feedback as (
    select
        root_call_key,
        count(*) as feedback_count,
        min(quality_score) as feedback_quality_score
    from feedback_rows
    group by root_call_key
),

feedback_issues as (
    select
        feedback_rows.root_call_key,
        array_agg(distinct issue.value order by issue.value) as feedback_issues
    from feedback_rows
    cross join lateral jsonb_array_elements_text(feedback_rows.issues) as issue (value)
    group by feedback_rows.root_call_key
),

recordings as (
    select
        root_call_key,
        count(*) as recording_count,
        cast(sum(duration_seconds) as bigint) as recording_duration_seconds,
        sum(price) as recording_price
    from {{ twilio_rows_matching(ref('int_twilio__recordings'), 'root_call_key', calls_affected, since) }} as recordings
    where root_call_key is not null
    group by root_call_key
),

transcriptions as (
    select
        root_call_key,
        count(*) as transcription_count,
        string_agg(transcription_text, E'\n' order by recording_started_at nulls last, created_at, transcription_sid)
            filter (where status = 'completed' and transcription_text is not null) as transcription_text
    from {{ twilio_rows_matching(ref('int_twilio__transcriptions'), 'root_call_key', calls_affected, since) }} as transcriptions
    where root_call_key is not null
    group by root_call_key
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
),

calls as (
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
)

{{ twilio_rewrite('calls', 'call_key', since) }}
