-- One row per audit-log event per instance (the instance's own account's).
with raw as (
    {{ twilio_union_raw('events') }}
)

select
    {{ twilio_key('sid') }} as event_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as event_sid,
    {{ twilio_text('event_type') }} as event_type,
    {{ twilio_text('resource_sid') }} as resource_sid,
    {{ twilio_text('resource_type') }} as resource_type,
    {{ twilio_text('actor_sid') }} as actor_sid,
    {{ twilio_text('actor_type') }} as actor_type,
    {{ twilio_text('source') }} as source,
    {{ twilio_text('source_ip_address') }} as source_ip_address,
    {{ twilio_text('description') }} as description,
    event_data,
    event_date as occurred_at,
    {{ twilio_sync_columns() }}
from raw
