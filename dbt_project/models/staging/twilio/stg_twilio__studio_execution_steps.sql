-- One row per step of a Studio execution per instance; deleted steps stay, flagged.
with raw as (
    {{ twilio_union_raw('studio_execution_steps') }}
)

select
    {{ twilio_key('sid') }} as step_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as step_sid,
    {{ twilio_text('execution_sid') }} as execution_sid,
    {{ twilio_key('execution_sid') }} as execution_key,
    {{ twilio_text('flow_sid') }} as flow_sid,
    {{ twilio_key('flow_sid') }} as flow_key,
    {{ twilio_text('parent_step_sid') }} as parent_step_sid,
    {{ twilio_key('parent_step_sid') }} as parent_step_key,
    {{ twilio_text('name') }} as step_name,
    {{ twilio_text('type') }} as widget_type,
    {{ twilio_text('transitioned_from') }} as transitioned_from,
    {{ twilio_text('transitioned_to') }} as transitioned_to,
    context,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
