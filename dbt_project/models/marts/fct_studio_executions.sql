-- One row per Studio execution per instance: its flow, how it started and ended, and its steps summed
-- up. Steps are aggregated to one row per execution before the join, so nothing fans out.
-- Incremental: a build recomputes the rewritten executions, the executions a rewritten step belonged to
-- before or belongs to now, and the executions of accounts that changed.
{{ twilio_incremental('execution_key', indexes=[['instance_name', 'account_sid']]) }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_groups('int_twilio__studio_executions', ['execution_key'], since) }}
    union
    select resolved_execution_key from ({{ twilio_changed_groups('int_twilio__studio_execution_steps', ['resolved_execution_key'], since) }}) as executions
    union
    select execution_key from {{ twilio_rows_matching(this, ['instance_name', 'account_sid'], twilio_changed_groups('int_twilio__accounts', ['instance_name', 'account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

executions as (
    select * from {{ twilio_rows_matching(ref('int_twilio__studio_executions'), 'execution_key', 'select execution_key from affected', since) }} as executions
),

ranked_steps as (
    select
        resolved_execution_key as execution_key,
        step_name,
        transitioned_from,
        created_at,
        row_number() over (partition by resolved_execution_key order by created_at, step_sid) as from_first,
        row_number() over (partition by resolved_execution_key order by created_at desc, step_sid desc) as from_last
    from {{ twilio_rows_matching(ref('int_twilio__studio_execution_steps'), 'resolved_execution_key', 'select execution_key as resolved_execution_key from affected', since) }} as steps
    where resolved_execution_key is not null
),

steps as (
    select
        execution_key,
        count(*) as step_count,
        max(step_name) filter (where from_first = 1) as first_step_name,
        max(step_name) filter (where from_last = 1) as last_step_name,
        max(transitioned_from) filter (where from_last = 1) as last_widget,
        max(created_at) as last_step_at
    from ranked_steps
    group by execution_key
),

accounts as (
    select account_key, friendly_name from {{ ref('int_twilio__accounts') }}
),

summed as (
    select
        executions.execution_key,
        executions.instance_name,
        executions.account_sid,
        accounts.friendly_name as account_name,
        executions.execution_sid,
        executions.flow_sid,
        executions.flow_name,
        executions.flow_version,
        executions.status,
        executions.trigger_type,
        executions.initiated_by,
        executions.resolved_call_key is not null as has_call,
        executions.resolved_message_key is not null as has_message,
        executions.contact_channel_address,
        executions.created_at as started_at,
        -- An ended execution's last change is its end.
        case when executions.status = 'ended' then executions.updated_at end as ended_at,
        case
            when executions.status = 'ended'
                then cast(extract(epoch from executions.updated_at - executions.created_at) as bigint)
        end as duration_seconds,
        coalesce(steps.step_count, 0) as step_count,
        steps.first_step_name,
        steps.last_step_name,
        steps.last_widget,
        steps.last_step_at,
        executions.activity_date
    from executions
    left join steps on steps.execution_key = executions.execution_key
    left join accounts on accounts.account_key = executions.account_key
)

{{ twilio_rewrite('summed', 'execution_key', since) }}
