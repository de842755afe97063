-- Live Messaging Services, each with how many live numbers are in it.
with services as (
    select * from {{ ref('stg_twilio__messaging_services') }}
    where not is_deleted
),

numbers as (
    select messaging_service_key, account_sid, count(*) as phone_number_count
    from {{ ref('stg_twilio__messaging_service_phone_numbers') }}
    where not is_deleted
    group by messaging_service_key, account_sid
)

select
    services.messaging_service_key,
    services.instance_name,
    services.account_sid,
    services.account_key,
    services.messaging_service_sid,
    services.friendly_name,
    services.usecase,
    services.is_us_a2p_registered,
    services.inbound_request_url,
    services.status_callback_url,
    services.validity_period_seconds,
    coalesce(numbers.phone_number_count, 0) as phone_number_count,
    services.created_at,
    services.updated_at
from services
left join numbers
    on numbers.messaging_service_key = services.messaging_service_key
    and numbers.account_sid = services.account_sid
