-- Live steps of live Studio executions, with their execution resolved. Steps of an execution (or a flow)
-- Twilio deleted are left out: they went with it, though the sync only sees that for the execution
-- (steps are listed through their execution, so once it is gone nobody lists them again).
with steps as (
    select * from {{ ref('stg_twilio__studio_execution_steps') }}
    where not is_deleted
),

gone as (
    select execution_key as key from {{ ref('stg_twilio__studio_executions') }} where is_deleted
    union all
    select flow_key from {{ ref('stg_twilio__studio_flows') }} where is_deleted
),

executions as (
    select execution_key, account_sid, activity_date from {{ ref('int_twilio__studio_executions') }}
)

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
