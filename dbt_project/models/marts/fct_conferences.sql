-- One row per conference per instance, with its participants and recordings summed up. Each is
-- aggregated to one row per conference before the join, so nothing fans out.
-- Incremental: a build recomputes the rewritten conferences, the conferences a rewritten participant
-- or recording belonged to before or belongs to now, and the conferences of accounts that changed.
{{ twilio_incremental('conference_key', indexes=[['instance_name', 'account_sid']]) }}
{%- set since = twilio_since() %}
{%- set conferences_affected = 'select conference_key as resolved_conference_key from affected' %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_groups('int_twilio__conferences', ['conference_key'], since) }}
    {%- for upstream in ['int_twilio__conference_participants', 'int_twilio__recordings'] %}
    union
    select resolved_conference_key from ({{ twilio_changed_groups(upstream, ['resolved_conference_key'], since) }}) as conferences
    {%- endfor %}
    union
    select conference_key from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

conferences as (
    select * from {{ twilio_rows_matching(ref('int_twilio__conferences'), 'conference_key', 'select conference_key from affected', since) }} as conferences
),

participants as (
    select
        resolved_conference_key as conference_key,
        count(*) as participant_count,
        count(*) filter (where is_moderator) as moderator_count,
        count(resolved_call_key) as participants_with_call_count,
        min(joined_at) as first_joined_at,
        max(left_at) as last_left_at,
        cast(sum(duration_seconds) as bigint) as participant_duration_seconds,
        sum(call_price) as participant_call_price,
        array_agg(call_sid order by joined_at nulls last, call_sid) filter (where call_sid is not null) as participant_call_sids
    from {{ twilio_rows_matching(ref('int_twilio__conference_participants'), 'resolved_conference_key', conferences_affected, since) }} as participants
    where resolved_conference_key is not null
    group by resolved_conference_key
),

recordings as (
    select
        resolved_conference_key as conference_key,
        count(*) as recording_count,
        cast(sum(duration_seconds) as bigint) as recording_duration_seconds,
        sum(price) as recording_price
    from {{ twilio_rows_matching(ref('int_twilio__recordings'), 'resolved_conference_key', conferences_affected, since) }} as recordings
    where resolved_conference_key is not null
    group by resolved_conference_key
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
),

summed as (
    select
        conferences.conference_key,
        conferences.instance_name,
        conferences.account_sid,
        accounts.friendly_name as account_name,
        conferences.conference_sid,
        conferences.friendly_name,
        conferences.status,
        conferences.region,
        conferences.end_reason,
        conferences.ending_call_sid,
        conferences.created_at,
        conferences.updated_at,
        conferences.activity_date,
        coalesce(participants.participant_count, 0) as participant_count,
        coalesce(participants.moderator_count, 0) as moderator_count,
        coalesce(participants.participants_with_call_count, 0) as participants_with_call_count,
        coalesce(participants.participant_call_sids, array[]::text[]) as participant_call_sids,
        participants.first_joined_at,
        participants.last_left_at,
        participants.participant_duration_seconds,
        participants.participant_call_price,
        coalesce(recordings.recording_count, 0) as recording_count,
        coalesce(recordings.recording_duration_seconds, 0) as recording_duration_seconds,
        recordings.recording_price
    from conferences
    left join participants on participants.conference_key = conferences.conference_key
    left join recordings on recordings.conference_key = conferences.conference_key
    left join accounts on accounts.account_key = conferences.account_key
)

{{ twilio_rewrite('summed', 'conference_key', since) }}
