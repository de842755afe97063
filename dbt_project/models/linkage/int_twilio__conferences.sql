-- Live conferences, with the leg that ended the conference resolved when it is a live call.
with conferences as (
    select * from {{ ref('stg_twilio__conferences') }}
    where not is_deleted
),

legs as (
    select call_key, account_sid from {{ ref('int_twilio__call_legs') }}
)

select
    conferences.conference_key,
    conferences.instance_name,
    conferences.account_sid,
    conferences.account_key,
    conferences.conference_sid,
    conferences.friendly_name,
    conferences.status,
    conferences.region,
    conferences.end_reason,
    conferences.ending_call_sid,
    conferences.ending_call_key,
    legs.call_key is not null as has_ending_call,
    conferences.created_at,
    conferences.updated_at,
    {{ twilio_utc_date('conferences.created_at') }} as activity_date
from conferences
left join legs
    on legs.call_key = conferences.ending_call_key
    and legs.account_sid = conferences.account_sid
