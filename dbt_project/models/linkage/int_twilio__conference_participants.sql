-- Live conference participants with their conference and their call leg resolved (each a
-- many-to-one join, so one row per participant).
with participants as (
    select * from {{ ref('stg_twilio__conference_participants') }}
    where not is_deleted
),

conferences as (
    select conference_key, account_sid from {{ ref('int_twilio__conferences') }}
),

legs as (
    select call_key, root_call_key, account_sid, price, duration_seconds from {{ ref('int_twilio__call_legs') }}
)

select
    participants.participant_key,
    participants.instance_name,
    participants.account_sid,
    participants.account_key,
    participants.participant_sid,
    participants.conference_sid,
    participants.conference_key,
    conferences.conference_key as resolved_conference_key,
    participants.call_sid,
    participants.call_key,
    legs.call_key as resolved_call_key,
    legs.root_call_key,
    participants.label,
    participants.call_direction,
    participants.call_status,
    participants.call_type,
    participants.from_number,
    participants.to_number,
    participants.country_code,
    participants.is_moderator,
    participants.is_coach,
    participants.coached_call_sids,
    participants.joined_at,
    participants.left_at,
    participants.duration_seconds,
    legs.duration_seconds as call_duration_seconds,
    legs.price as call_price,
    participants.processing_state
from participants
left join conferences
    on conferences.conference_key = participants.conference_key
    and conferences.account_sid = participants.account_sid
left join legs
    on legs.call_key = participants.call_key
    and legs.account_sid = participants.account_sid
