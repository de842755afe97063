-- Live Studio executions with their flow resolved, and the call or message that started them when it
-- is a live record of the same account. Executions of a flow Twilio deleted are left out: they went
-- with it (the sync only sees that on the days it re-reads, since executions are listed per flow).
-- Incremental: a build rewrites the executions whose raw record changed or was deleted; those started
-- by a call leg or message that int_twilio__call_legs or int_twilio__messages added, removed or moved
-- to another account; those of flows whose raw record turned up deleted, and those that a flow whose
-- raw record changed no longer resolves as they say (moved, renamed) or now resolves; and, for a flow
-- that is live again and has no execution here, its executions, found in the raw tables through their
-- index on flow_sid, since they were left out while it was deleted and did not change. The flows are a
-- list of what exists now, small enough for int_twilio__studio_flows to stay a table.
{{ twilio_incremental('execution_key', indexes=[
    'flow_key', 'resolved_flow_key', ['flow_key', 'account_sid', 'resolved_flow_key'],
    'initiated_by_call_key', 'initiated_by_message_key']) }}
{%- set since = twilio_since() %}
{%- set execution_columns = [
    'execution_key', 'instance_name', 'account_sid', 'account_key', 'execution_sid', 'flow_sid', 'flow_key',
    'flow_version', 'status', 'trigger_type', 'initiated_by', 'contact_channel_address', 'contact_sid',
    'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_inputs %}
changed_flows as (
    select flow_key, instance_name, flow_sid, is_deleted from {{ ref('stg_twilio__studio_flows') }}
    where true {{ twilio_and_changed_since(since) }}
),

-- The executions of flows that are live again (or new) and have none here: they were left out.
returning_executions as (
    {{ twilio_raw_children('studio_executions', 'flow_sid', '
        select changed_flows.instance_name, changed_flows.flow_sid as parent_sid from changed_flows
        where not changed_flows.is_deleted
            and not exists (select 1 from ' ~ this ~ ' as previous where previous.flow_key = changed_flows.flow_key offset 0)') }}
)
{%- endset %}
{%- set affected_keys %}
with {{ affected_inputs }}
    {{ twilio_changed_keys('stg_twilio__studio_executions', 'execution_key', since) }}
    union
    select execution_key
    from {{ twilio_rows_matching(this, 'initiated_by_call_key', 'select call_key as initiated_by_call_key from (' ~ twilio_keys_changed_in('int_twilio__call_legs', ['account_sid'], since) ~ ') as legs', since) }} as previous
    union
    select execution_key
    from {{ twilio_rows_matching(this, 'initiated_by_message_key', 'select message_key as initiated_by_message_key from (' ~ twilio_keys_changed_in('int_twilio__messages', ['account_sid'], since) ~ ') as messages', since) }} as previous
    union
    select execution_key
    from {{ twilio_rows_matching(this, 'flow_key', 'select flow_key from changed_flows where is_deleted', since) }} as previous
    union
    select execution_key
    from {{ twilio_rows_relinked('flow_key', 'resolved_flow_key', ref('int_twilio__studio_flows'), 'flow_key',
        'select flow_key from changed_flows', since, copied={'flow_name': 'friendly_name'}) }} as previous
    union
    select instance_name || ':' || sid from returning_executions
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
{{ affected_inputs }},

affected as (select * from {{ since.affected }}),
{%- endif %}

live_executions as (
    {{ twilio_live_rows('stg_twilio__studio_executions', 'execution_key', execution_columns, since) }}
    {%- if since %}
    union all
    {{ twilio_returning_rows('stg_twilio__studio_executions', 'execution_key', 'execution_sid', execution_columns, 'select instance_name, sid from returning_executions', since) }}
    {%- endif %}
),

executions as (
    select
        *,
        case when trigger_type = 'call' then {{ twilio_key('initiated_by') }} end as initiated_by_call_key,
        case when trigger_type = 'message' then {{ twilio_key('initiated_by') }} end as initiated_by_message_key
    from live_executions
),

deleted_flows as (
    select flow_key from {{ ref('stg_twilio__studio_flows') }}
    where is_deleted
),

flows as (
    select flow_key, account_sid, friendly_name from {{ ref('int_twilio__studio_flows') }}
),

legs as (
    select call_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select initiated_by_call_key as call_key from executions', since) }} as legs
),

messages as (
    select message_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__messages'), 'message_key', 'select initiated_by_message_key as message_key from executions', since) }} as messages
),

linked as (
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
        executions.initiated_by_call_key,
        legs.call_key as resolved_call_key,
        executions.initiated_by_message_key,
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
)

{{ twilio_rewrite('linked', 'execution_key', since) }}
