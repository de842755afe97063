-- Live Conversation Users, with their service resolved when it is a live service of the same account.
with users as (
    select * from {{ ref('stg_twilio__conversation_users') }}
    where not is_deleted
),

services as (
    select conversation_service_key, account_sid from {{ ref('int_twilio__conversation_services') }}
)

select
    users.conversation_user_key,
    users.instance_name,
    users.account_sid,
    users.account_key,
    users.conversation_user_sid,
    users.conversation_service_sid,
    users.conversation_service_key,
    services.conversation_service_key as resolved_conversation_service_key,
    users.identity,
    users.service_identity,
    users.friendly_name,
    users.role_sid,
    users.created_at,
    users.updated_at
from users
left join services
    on services.conversation_service_key = users.conversation_service_key
    and services.account_sid = users.account_sid
