-- One row per call queue per instance; deleted rows stay, flagged. Sizes are as of the last sync.
with raw as (
    {{ twilio_union_raw('queues') }}
)

select
    {{ twilio_key('sid') }} as queue_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as queue_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    current_size,
    average_wait_time as average_wait_seconds,
    max_size,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
