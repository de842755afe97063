-- The number each live call leg used, by direction: Twilio's phone_number_sid is the incoming
-- number that took an inbound call and the outgoing caller ID shown on an outbound one (both `PN…`),
-- so the key is split in two and each half resolved against its own collection (same account).
with legs as (
    select call_key, instance_name, account_sid, direction, phone_number_sid
    from {{ ref('int_twilio__call_legs') }}
),

keyed as (
    select
        legs.*,
        case when direction = 'inbound' then instance_name || ':' || phone_number_sid end as phone_number_key,
        case when direction like 'outbound%' then instance_name || ':' || phone_number_sid end as caller_id_key
    from legs
),

numbers as (
    select phone_number_key, account_sid from {{ ref('int_twilio__incoming_phone_numbers') }}
),

caller_ids as (
    select caller_id_key, account_sid from {{ ref('int_twilio__outgoing_caller_ids') }}
)

select
    keyed.call_key,
    keyed.instance_name,
    keyed.account_sid,
    keyed.direction,
    keyed.phone_number_sid,
    keyed.phone_number_key,
    numbers.phone_number_key as resolved_phone_number_key,
    keyed.caller_id_key,
    caller_ids.caller_id_key as resolved_caller_id_key
from keyed
left join numbers
    on numbers.phone_number_key = keyed.phone_number_key
    and numbers.account_sid = keyed.account_sid
left join caller_ids
    on caller_ids.caller_id_key = keyed.caller_id_key
    and caller_ids.account_sid = keyed.account_sid
