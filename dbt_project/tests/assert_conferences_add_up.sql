-- The conferences mart counts each live participant and conference recording that belongs to a
-- live conference exactly once. Rows returned are mismatches, per instance and account.
{{ config(meta={'dagster': {'ref': {'name': 'fct_conferences'}}}) }}

with mart as (
    select instance_name, account_sid, sum(participant_count) as participants, sum(recording_count) as recordings
    from {{ ref('fct_conferences') }}
    group by instance_name, account_sid
),

participants as (
    select instance_name, account_sid, count(*) as participants
    from {{ ref('int_twilio__conference_participants') }}
    where resolved_conference_key is not null
    group by instance_name, account_sid
),

recordings as (
    select instance_name, account_sid, count(*) as recordings
    from {{ ref('int_twilio__recordings') }}
    where resolved_conference_key is not null
    group by instance_name, account_sid
)

select
    coalesce(mart.instance_name, participants.instance_name, recordings.instance_name) as instance_name,
    coalesce(mart.account_sid, participants.account_sid, recordings.account_sid) as account_sid
from mart
full outer join participants
    on participants.instance_name = mart.instance_name and participants.account_sid = mart.account_sid
full outer join recordings
    on recordings.instance_name = coalesce(mart.instance_name, participants.instance_name)
    and recordings.account_sid = coalesce(mart.account_sid, participants.account_sid)
where coalesce(mart.participants, 0) <> coalesce(participants.participants, 0)
    or coalesce(mart.recordings, 0) <> coalesce(recordings.recordings, 0)
