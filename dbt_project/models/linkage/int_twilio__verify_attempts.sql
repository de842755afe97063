-- Live verification attempts with their Verify service resolved (when it is a live service of the same
-- account).
with attempts as (
    select * from {{ ref('stg_twilio__verify_attempts') }}
    where not is_deleted
),

services as (
    select verify_service_key, account_sid, friendly_name from {{ ref('stg_twilio__verify_services') }}
    where not is_deleted
)

select
    attempts.verify_attempt_key,
    attempts.instance_name,
    attempts.account_sid,
    attempts.account_key,
    attempts.verify_attempt_sid,
    attempts.verify_service_sid,
    attempts.verify_service_key,
    services.verify_service_key as resolved_verify_service_key,
    services.friendly_name as verify_service_name,
    attempts.verification_sid,
    attempts.channel,
    attempts.conversion_status,
    attempts.is_converted,
    attempts.country,
    attempts.message_status,
    attempts.price,
    attempts.price_unit,
    attempts.created_at,
    attempts.updated_at,
    {{ twilio_utc_date('attempts.created_at') }} as activity_date
from attempts
left join services
    on services.verify_service_key = attempts.verify_service_key
    and services.account_sid = attempts.account_sid
