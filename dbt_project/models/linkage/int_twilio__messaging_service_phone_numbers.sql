-- Live numbers in Messaging Services, with the service and the incoming phone number resolved
-- (each when live and in the same account).
with numbers as (
    select * from {{ ref('stg_twilio__messaging_service_phone_numbers') }}
    where not is_deleted
),

services as (
    select messaging_service_key, account_sid, friendly_name from {{ ref('int_twilio__messaging_services') }}
),

owned as (
    select phone_number_key, account_sid from {{ ref('int_twilio__incoming_phone_numbers') }}
)

select
    numbers.messaging_service_phone_number_key,
    numbers.instance_name,
    numbers.account_sid,
    numbers.account_key,
    numbers.phone_number_sid,
    numbers.phone_number_key,
    owned.phone_number_key as resolved_phone_number_key,
    numbers.messaging_service_sid,
    numbers.messaging_service_key,
    services.messaging_service_key as resolved_messaging_service_key,
    services.friendly_name as messaging_service_name,
    numbers.phone_number,
    numbers.country_code,
    numbers.can_sms,
    numbers.can_mms,
    numbers.can_voice,
    numbers.added_at,
    numbers.updated_at
from numbers
left join services
    on services.messaging_service_key = numbers.messaging_service_key
    and services.account_sid = numbers.account_sid
left join owned
    on owned.phone_number_key = numbers.phone_number_key
    and owned.account_sid = numbers.account_sid
