-- One row per TaskRouter workspace per instance; deleted workspaces stay, flagged.
with raw as (
    {{ twilio_union_raw('taskrouter_workspaces') }}
)

select
    {{ twilio_key('sid') }} as workspace_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as workspace_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('default_activity_name') }} as default_activity_name,
    {{ twilio_text('default_activity_sid') }} as default_activity_sid,
    {{ twilio_text('timeout_activity_name') }} as timeout_activity_name,
    {{ twilio_text('timeout_activity_sid') }} as timeout_activity_sid,
    {{ twilio_text('prioritize_queue_order') }} as queue_order,
    multi_task_enabled as is_multi_task_enabled,
    {{ twilio_text('event_callback_url') }} as event_callback_url,
    {{ twilio_text('events_filter') }} as events_filter,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
