-- One row per message per instance.
with messages as (
    select * from {{ ref('int_twilio__messages') }}
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
),

message_services as (
    select message_key, messaging_service_name from {{ ref('int_twilio__message_services') }}
)

select
    messages.message_key,
    messages.instance_name,
    messages.account_sid,
    accounts.friendly_name as account_name,
    messages.message_sid,
    messages.direction,
    messages.direction = 'inbound' as is_inbound,
    messages.status,
    messages.from_number,
    messages.to_number,
    messages.body,
    messages.segment_count,
    messages.media_count,
    messages.price,
    messages.price_unit,
    messages.error_code,
    messages.error_message,
    messages.messaging_service_sid,
    message_services.messaging_service_name,
    messages.sent_at,
    messages.created_at,
    messages.updated_at,
    messages.activity_date
from messages
left join accounts on accounts.account_key = messages.account_key
left join message_services on message_services.message_key = messages.message_key
