-- One row per TaskRouter worker per instance; deleted workers stay, flagged.
with raw as (
    {{ twilio_union_raw('taskrouter_workers') }}
)

select
    {{ twilio_key('sid') }} as worker_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as worker_sid,
    {{ twilio_text('workspace_sid') }} as workspace_sid,
    {{ twilio_key('workspace_sid') }} as workspace_key,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('activity_name') }} as activity_name,
    {{ twilio_text('activity_sid') }} as activity_sid,
    available as is_available,
    date_status_changed as activity_changed_at,
    {{ twilio_text('attributes') }} as attributes,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
