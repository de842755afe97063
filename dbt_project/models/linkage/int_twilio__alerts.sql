-- Live debugger alerts, with the call or message each one names resolved from `resource_sid` by its
-- prefix (CA: a call leg, rolled up to its call; SM/MM: a message), each when live and in the same account.
with alerts as (
    select
        *,
        case when resource_prefix = 'CA' then resource_sid end as call_sid,
        case when resource_prefix in ('SM', 'MM') then resource_sid end as message_sid
    from {{ ref('stg_twilio__alerts') }}
    where not is_deleted
),

legs as (
    select call_key, root_call_key, account_sid from {{ ref('int_twilio__call_legs') }}
),

messages as (
    select message_key, account_sid from {{ ref('int_twilio__messages') }}
)

select
    alerts.alert_key,
    alerts.instance_name,
    alerts.account_sid,
    alerts.account_key,
    alerts.alert_sid,
    alerts.resource_sid,
    alerts.call_sid,
    alerts.instance_name || ':' || alerts.call_sid as call_key,
    legs.call_key as resolved_call_key,
    legs.root_call_key,
    alerts.message_sid,
    alerts.instance_name || ':' || alerts.message_sid as message_key,
    messages.message_key as resolved_message_key,
    alerts.service_sid,
    alerts.error_code,
    alerts.log_level,
    alerts.alert_text,
    alerts.more_info_url,
    alerts.request_method,
    alerts.request_url,
    alerts.generated_at,
    alerts.created_at,
    {{ twilio_utc_date('alerts.generated_at') }} as activity_date
from alerts
left join legs
    on legs.call_key = alerts.instance_name || ':' || alerts.call_sid
    and legs.account_sid = alerts.account_sid
left join messages
    on messages.message_key = alerts.instance_name || ':' || alerts.message_sid
    and messages.account_sid = alerts.account_sid
