-- Live Studio executions with their flow resolved, and the call or message that started them when it
-- is a live record of the same account. Executions of a flow Twilio deleted are left out: they went
-- with it (the sync only sees that on the days it re-reads, since executions are listed per flow).
with executions as (
    select * from {{ ref('stg_twilio__studio_executions') }}
    where not is_deleted
),

deleted_flows as (
    select flow_key from {{ ref('stg_twilio__studio_flows') }}
    where is_deleted
),

flows as (
    select flow_key, account_sid, friendly_name from {{ ref('int_twilio__studio_flows') }}
),

legs as (
    select call_key, account_sid from {{ ref('int_twilio__call_legs') }}
),

messages as (
    select message_key, account_sid from {{ ref('int_twilio__messages') }}
)

select
    executions.execution_key,
    executions.instance_name,
    executions.account_sid,
    executions.account_key,
    executions.execution_sid,
    executions.flow_sid,
    executions.flow_key,
    flows.flow_key as resolved_flow_key,
    flows.friendly_name as flow_name,
    executions.flow_version,
    executions.status,
    executions.trigger_type,
    executions.initiated_by,
    case when executions.trigger_type = 'call' then {{ twilio_key('initiated_by') }} end as initiated_by_call_key,
    legs.call_key as resolved_call_key,
    case when executions.trigger_type = 'message' then {{ twilio_key('initiated_by') }} end as initiated_by_message_key,
    messages.message_key as resolved_message_key,
    executions.contact_channel_address,
    executions.contact_sid,
    executions.created_at,
    executions.updated_at,
    {{ twilio_utc_date('executions.created_at') }} as activity_date
from executions
left join flows
    on flows.flow_key = executions.flow_key
    and flows.account_sid = executions.account_sid
left join legs
    on executions.trigger_type = 'call'
    and legs.call_key = executions.instance_name || ':' || executions.initiated_by
    and legs.account_sid = executions.account_sid
left join messages
    on executions.trigger_type = 'message'
    and messages.message_key = executions.instance_name || ':' || executions.initiated_by
    and messages.account_sid = executions.account_sid
where not exists (select 1 from deleted_flows where deleted_flows.flow_key = executions.flow_key)
