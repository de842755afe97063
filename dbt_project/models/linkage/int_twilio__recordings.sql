-- Live recordings with the call they belong to (rolled up to its root leg) and their conference
-- resolved, each when live and in the same account.
with recordings as (
    select * from {{ ref('stg_twilio__recordings') }}
    where not is_deleted
),

legs as (
    select call_key, root_call_key, account_sid from {{ ref('int_twilio__call_legs') }}
),

conferences as (
    select conference_key, account_sid from {{ ref('int_twilio__conferences') }}
)

select
    recordings.recording_key,
    recordings.instance_name,
    recordings.account_sid,
    recordings.account_key,
    recordings.recording_sid,
    recordings.call_sid,
    recordings.call_key,
    legs.call_key as resolved_call_key,
    legs.root_call_key,
    recordings.conference_sid,
    recordings.conference_key,
    conferences.conference_key as resolved_conference_key,
    recordings.status,
    recordings.source,
    recordings.channels,
    recordings.duration_seconds,
    recordings.price,
    recordings.price_unit,
    recordings.error_code,
    recordings.started_at,
    recordings.media_url,
    recordings.created_at,
    recordings.updated_at,
    {{ twilio_utc_date('recordings.created_at') }} as activity_date
from recordings
left join legs
    on legs.call_key = recordings.call_key
    and legs.account_sid = recordings.account_sid
left join conferences
    on conferences.conference_key = recordings.conference_key
    and conferences.account_sid = recordings.account_sid
