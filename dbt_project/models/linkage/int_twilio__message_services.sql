-- Live messages that name a Messaging Service, with the service resolved (when it is a live service
-- of the same account) and its name: what the message marts join for the service.
with messages as (
    select message_key, instance_name, account_sid, account_key, message_sid, messaging_service_sid
    from {{ ref('int_twilio__messages') }}
    where messaging_service_sid is not null
),

services as (
    select messaging_service_key, account_sid, friendly_name from {{ ref('int_twilio__messaging_services') }}
)

select
    messages.message_key,
    messages.instance_name,
    messages.account_sid,
    messages.account_key,
    messages.message_sid,
    messages.messaging_service_sid,
    messages.instance_name || ':' || messages.messaging_service_sid as messaging_service_key,
    services.messaging_service_key as resolved_messaging_service_key,
    services.friendly_name as messaging_service_name
from messages
left join services
    on services.messaging_service_key = messages.instance_name || ':' || messages.messaging_service_sid
    and services.account_sid = messages.account_sid
