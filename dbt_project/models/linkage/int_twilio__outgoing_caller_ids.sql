-- Live outgoing caller IDs: what outbound call legs' phone_number_sid names.
select
    caller_id_key,
    instance_name,
    account_sid,
    account_key,
    caller_id_sid,
    phone_number,
    friendly_name,
    created_at,
    updated_at
from {{ ref('stg_twilio__outgoing_caller_ids') }}
where not is_deleted
