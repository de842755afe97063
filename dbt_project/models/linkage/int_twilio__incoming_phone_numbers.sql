-- Live phone numbers with their regulatory and emergency addresses resolved (same instance and
-- account; an address that is not live leaves the resolved key NULL).
with numbers as (
    select * from {{ ref('stg_twilio__incoming_phone_numbers') }}
    where not is_deleted
),

addresses as (
    select address_key, account_sid from {{ ref('int_twilio__addresses') }}
)

select
    numbers.phone_number_key,
    numbers.instance_name,
    numbers.account_sid,
    numbers.account_key,
    numbers.phone_number_sid,
    numbers.phone_number,
    numbers.friendly_name,
    numbers.origin,
    numbers.status,
    numbers.number_type,
    numbers.address_sid,
    numbers.address_key,
    address.address_key is not null as has_address,
    numbers.emergency_address_sid,
    numbers.emergency_address_key,
    emergency_address.address_key is not null as has_emergency_address,
    numbers.address_requirements,
    numbers.emergency_status,
    numbers.emergency_address_status,
    numbers.can_voice,
    numbers.can_sms,
    numbers.can_mms,
    numbers.created_at,
    numbers.updated_at
from numbers
left join addresses as address
    on address.address_key = numbers.address_key
    and address.account_sid = numbers.account_sid
left join addresses as emergency_address
    on emergency_address.address_key = numbers.emergency_address_key
    and emergency_address.account_sid = numbers.account_sid
