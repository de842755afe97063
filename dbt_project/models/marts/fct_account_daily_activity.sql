-- One row per instance, account and UTC day with any activity. Each collection is summed to that
-- grain on its own and the sums are joined on the grain, so no two many-sided tables meet.
-- Spend is Twilio's price with the sign turned round: Twilio reports charges as negative prices.
-- Incremental: a build recomputes the (instance, account, day) groups that a rewritten call leg,
-- message, recording, transcription or conference counted in before or counts in now, and every day
-- of an account that changed.
{{ twilio_incremental(['instance_name', 'account_sid', 'activity_date'], min_keys=50) }}
{%- set since = twilio_since() %}
{%- set grain = ['instance_name', 'account_sid', 'activity_date'] %}

{%- if since %}
{%- set affected_keys %}
    {%- for upstream in ['int_twilio__call_legs', 'int_twilio__messages', 'int_twilio__recordings', 'int_twilio__transcriptions', 'int_twilio__conferences'] %}
    {{ twilio_changed_groups(upstream, ['instance_name', 'account_sid', 'activity_date::date'], since) }}
    union
    {%- endfor %}
    select instance_name, account_sid, activity_date from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}


calls as (
    select
        instance_name,
        account_sid,
        activity_date,
        count(*) as call_count,
        count(*) filter (where is_root_leg) as root_call_count,
        count(*) filter (where direction = 'inbound') as inbound_call_count,
        count(*) filter (where direction like 'outbound%') as outbound_call_count,
        count(*) filter (where status = 'completed') as completed_call_count,
        cast(coalesce(sum(duration_seconds), 0) as bigint) as call_duration_seconds,
        coalesce(-sum(price), 0) as call_spend,
        max(upper(price_unit)) as price_unit
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), grain, 'select * from affected', since) }} as grouped
    group by instance_name, account_sid, activity_date
),

messages as (
    select
        instance_name,
        account_sid,
        activity_date,
        count(*) as message_count,
        count(*) filter (where direction = 'inbound') as inbound_message_count,
        count(*) filter (where direction like 'outbound%') as outbound_message_count,
        cast(coalesce(sum(segment_count), 0) as bigint) as message_segment_count,
        coalesce(-sum(price), 0) as message_spend,
        max(upper(price_unit)) as price_unit
    from {{ twilio_rows_matching(ref('int_twilio__messages'), grain, 'select * from affected', since) }} as grouped
    group by instance_name, account_sid, activity_date
),

recordings as (
    select
        instance_name,
        account_sid,
        activity_date,
        count(*) as recording_count,
        cast(coalesce(sum(duration_seconds), 0) as bigint) as recording_duration_seconds,
        coalesce(-sum(price), 0) as recording_spend,
        max(upper(price_unit)) as price_unit
    from {{ twilio_rows_matching(ref('int_twilio__recordings'), grain, 'select * from affected', since) }} as grouped
    group by instance_name, account_sid, activity_date
),

transcriptions as (
    select
        instance_name,
        account_sid,
        activity_date,
        count(*) as transcription_count,
        coalesce(-sum(price), 0) as transcription_spend,
        max(upper(price_unit)) as price_unit
    from {{ twilio_rows_matching(ref('int_twilio__transcriptions'), grain, 'select * from affected', since) }} as grouped
    group by instance_name, account_sid, activity_date
),

conferences as (
    select
        instance_name,
        account_sid,
        activity_date,
        count(*) as conference_count
    from {{ twilio_rows_matching(ref('int_twilio__conferences'), grain, 'select * from affected', since) }} as grouped
    group by instance_name, account_sid, activity_date
),

days as (
    select instance_name, account_sid, activity_date from calls
    union
    select instance_name, account_sid, activity_date from messages
    union
    select instance_name, account_sid, activity_date from recordings
    union
    select instance_name, account_sid, activity_date from transcriptions
    union
    select instance_name, account_sid, activity_date from conferences
),

accounts as (
    select instance_name, account_sid, friendly_name from {{ ref('int_twilio__accounts') }}
),

daily as (
    select
        days.instance_name,
        days.account_sid,
        accounts.friendly_name as account_name,
        days.activity_date,
        coalesce(calls.call_count, 0) as call_count,
        coalesce(calls.root_call_count, 0) as root_call_count,
        coalesce(calls.inbound_call_count, 0) as inbound_call_count,
        coalesce(calls.outbound_call_count, 0) as outbound_call_count,
        coalesce(calls.completed_call_count, 0) as completed_call_count,
        coalesce(calls.call_duration_seconds, 0) as call_duration_seconds,
        coalesce(calls.call_spend, 0) as call_spend,
        coalesce(messages.message_count, 0) as message_count,
        coalesce(messages.inbound_message_count, 0) as inbound_message_count,
        coalesce(messages.outbound_message_count, 0) as outbound_message_count,
        coalesce(messages.message_segment_count, 0) as message_segment_count,
        coalesce(messages.message_spend, 0) as message_spend,
        coalesce(recordings.recording_count, 0) as recording_count,
        coalesce(recordings.recording_duration_seconds, 0) as recording_duration_seconds,
        coalesce(recordings.recording_spend, 0) as recording_spend,
        coalesce(transcriptions.transcription_count, 0) as transcription_count,
        coalesce(transcriptions.transcription_spend, 0) as transcription_spend,
        coalesce(conferences.conference_count, 0) as conference_count,
        coalesce(calls.call_spend, 0) + coalesce(messages.message_spend, 0)
            + coalesce(recordings.recording_spend, 0) + coalesce(transcriptions.transcription_spend, 0) as total_spend,
        coalesce(calls.price_unit, messages.price_unit, recordings.price_unit, transcriptions.price_unit) as currency
    from days
    left join calls using (instance_name, account_sid, activity_date)
    left join messages using (instance_name, account_sid, activity_date)
    left join recordings using (instance_name, account_sid, activity_date)
    left join transcriptions using (instance_name, account_sid, activity_date)
    left join conferences using (instance_name, account_sid, activity_date)
    left join accounts using (instance_name, account_sid)
)

{{ twilio_rewrite('daily', ['instance_name', 'account_sid', 'activity_date'], since) }}
