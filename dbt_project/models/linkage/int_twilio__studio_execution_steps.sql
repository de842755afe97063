-- Live steps of live Studio executions, with their execution resolved. Steps of an execution (or a flow)
-- Twilio deleted are left out: they went with it, though the sync only sees that for the execution
-- (steps are listed through their execution, so once it is gone nobody lists them again).
-- Incremental: a build rewrites the steps whose raw record changed or was deleted; those of executions
-- that int_twilio__studio_executions added, removed or moved to another account or day, or whose raw
-- record turned up deleted; those of flows whose raw record turned up deleted; and, for an execution
-- int_twilio__studio_executions took in (new, back, or its flow back), its steps, found in the raw
-- tables through their index on execution_sid, since they were left out while it was gone and did not
-- change.
{{ twilio_incremental('step_key', indexes=['execution_key', 'resolved_execution_key', 'flow_key']) }}
{%- set since = twilio_since() %}
{%- set step_columns = [
    'step_key', 'instance_name', 'account_sid', 'account_key', 'step_sid', 'execution_sid', 'execution_key',
    'flow_sid', 'flow_key', 'parent_step_sid', 'parent_step_key', 'step_name', 'widget_type', 'transitioned_from',
    'transitioned_to', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_inputs %}
-- The steps of executions int_twilio__studio_executions took in: new ones, and ones that came back.
returning_steps as (
    {{ twilio_raw_children('studio_execution_steps', 'execution_sid',
        'select instance_name, execution_sid as parent_sid from ' ~ twilio_rows_added_to('int_twilio__studio_executions', since) ~ ' as added') }}
)
{%- endset %}
{%- set affected_keys %}
with {{ affected_inputs }}
    {{ twilio_changed_keys('stg_twilio__studio_execution_steps', 'step_key', since) }}
    union
    select step_key
    from {{ twilio_rows_matching(this, 'execution_key', twilio_keys_changed_in('int_twilio__studio_executions', ['account_sid', 'activity_date'], since), since) }} as previous
    union
    select step_key
    from {{ twilio_rows_matching(this, 'execution_key', 'select execution_key from ' ~ ref('stg_twilio__studio_executions') ~ ' where is_deleted ' ~ twilio_and_changed_since(since), since) }} as previous
    union
    select step_key
    from {{ twilio_rows_matching(this, 'flow_key', 'select flow_key from ' ~ ref('stg_twilio__studio_flows') ~ ' where is_deleted ' ~ twilio_and_changed_since(since), since) }} as previous
    union
    select instance_name || ':' || sid from returning_steps
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
{{ affected_inputs }},

affected as (select * from {{ since.affected }}),
{%- endif %}

steps as (
    {{ twilio_live_rows('stg_twilio__studio_execution_steps', 'step_key', step_columns, since) }}
    {%- if since %}
    union all
    {{ twilio_returning_rows('stg_twilio__studio_execution_steps', 'step_key', 'step_sid', step_columns, 'select instance_name, sid from returning_steps', since) }}
    {%- endif %}
),

gone as (
    select execution_key as key
    from {{ twilio_rows_matching(ref('stg_twilio__studio_executions'), ['instance_name', 'execution_sid'], 'select instance_name, execution_sid from steps', since) }} as executions
    where is_deleted
    union all
    select flow_key from {{ ref('stg_twilio__studio_flows') }} where is_deleted
),

executions as (
    select execution_key, account_sid, activity_date
    from {{ twilio_rows_matching(ref('int_twilio__studio_executions'), 'execution_key', 'select execution_key from steps', since) }} as executions
),

linked as (
    select
        steps.step_key,
        steps.instance_name,
        steps.account_sid,
        steps.account_key,
        steps.step_sid,
        steps.execution_sid,
        steps.execution_key,
        executions.execution_key as resolved_execution_key,
        steps.flow_sid,
        steps.flow_key,
        steps.parent_step_sid,
        steps.parent_step_key,
        steps.step_name,
        steps.widget_type,
        steps.transitioned_from,
        steps.transitioned_to,
        steps.created_at,
        steps.updated_at,
        -- The execution's day when it is resolved, else the step's own.
        coalesce(executions.activity_date, {{ twilio_utc_date('steps.created_at') }}) as activity_date
    from steps
    left join executions
        on executions.execution_key = steps.execution_key
        and executions.account_sid = steps.account_sid
    where not exists (select 1 from gone where gone.key in (steps.execution_key, steps.flow_key))
)

{{ twilio_rewrite('linked', 'step_key', since) }}
