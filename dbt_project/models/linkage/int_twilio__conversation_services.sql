-- Live Conversation Services.
select
    conversation_service_key,
    instance_name,
    account_sid,
    account_key,
    conversation_service_sid,
    friendly_name,
    created_at,
    updated_at
from {{ ref('stg_twilio__conversation_services') }}
where not is_deleted
