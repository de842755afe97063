-- Live Studio flows.
select
    flow_key,
    instance_name,
    account_sid,
    account_key,
    flow_sid,
    friendly_name,
    status,
    revision,
    author_sid,
    webhook_url,
    created_at,
    updated_at
from {{ ref('stg_twilio__studio_flows') }}
where not is_deleted
