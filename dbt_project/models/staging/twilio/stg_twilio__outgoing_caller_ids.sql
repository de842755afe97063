-- One row per outgoing caller ID (a number verified for outbound calls) per instance; removed ones stay, flagged.
with raw as (
    {{ twilio_union_raw('outgoing_caller_ids') }}
)

select
    {{ twilio_key('sid') }} as caller_id_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as caller_id_sid,
    {{ twilio_text('phone_number') }} as phone_number,
    {{ twilio_text('friendly_name') }} as friendly_name,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
