-- One row per Studio flow per instance; deleted flows stay, flagged.
with raw as (
    {{ twilio_union_raw('studio_flows') }}
)

select
    {{ twilio_key('sid') }} as flow_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as flow_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('status') }} as status,
    revision,
    {{ twilio_text('author_sid') }} as author_sid,
    {{ twilio_text('commit_message') }} as commit_message,
    valid as is_valid,
    definition,
    errors,
    warnings,
    {{ twilio_text('webhook_url') }} as webhook_url,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
