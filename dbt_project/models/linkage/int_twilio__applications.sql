-- Live TwiML applications: what phone numbers' voice and SMS application SIDs name.
select
    application_key,
    instance_name,
    account_sid,
    account_key,
    application_sid,
    friendly_name,
    voice_url,
    voice_method,
    sms_url,
    sms_method,
    status_callback_url,
    created_at,
    updated_at
from {{ ref('stg_twilio__applications') }}
where not is_deleted
