-- One row per TaskRouter task per instance. Twilio deletes finished tasks after a while: those rows
-- stay, flagged (`is_deleted`), in the last state the sync saw.
with raw as (
    {{ twilio_union_raw('taskrouter_tasks') }}
)

select
    {{ twilio_key('sid') }} as task_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as task_sid,
    {{ twilio_text('workspace_sid') }} as workspace_sid,
    {{ twilio_key('workspace_sid') }} as workspace_key,
    {{ twilio_text('assignment_status') }} as assignment_status,
    {{ twilio_text('reason') }} as reason,
    priority,
    age as age_seconds,
    timeout as timeout_seconds,
    {{ twilio_text('task_queue_sid') }} as task_queue_sid,
    {{ twilio_text('task_queue_friendly_name') }} as task_queue_name,
    {{ twilio_text('task_channel_sid') }} as task_channel_sid,
    {{ twilio_text('task_channel_unique_name') }} as task_channel,
    {{ twilio_text('workflow_sid') }} as workflow_sid,
    {{ twilio_text('workflow_friendly_name') }} as workflow_name,
    {{ twilio_text('routing_target') }} as routing_target,
    ignore_capacity as ignores_capacity,
    {{ twilio_text('attributes') }} as attributes,
    {{ twilio_text('addons') }} as addons,
    task_queue_entered_date as queue_entered_at,
    virtual_start_time as virtual_start_at,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
