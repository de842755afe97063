-- One row per call leg per instance (a child leg names its parent); deleted legs stay, flagged.
with raw as (
    {{ twilio_union_raw('calls') }}
)

select
    {{ twilio_key('sid') }} as call_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as call_sid,
    {{ twilio_text('parent_call_sid') }} as parent_call_sid,
    {{ twilio_key('parent_call_sid') }} as parent_call_key,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('direction') }} as direction,
    {{ twilio_text('from') }} as from_number,
    {{ twilio_text('from_formatted') }} as from_formatted,
    {{ twilio_text('to') }} as to_number,
    {{ twilio_text('to_formatted') }} as to_formatted,
    -- Ambiguous in Twilio: an incoming number for inbound legs, an outgoing caller ID otherwise.
    {{ twilio_text('phone_number_sid') }} as phone_number_sid,
    {{ twilio_text('answered_by') }} as answered_by,
    {{ twilio_text('caller_name') }} as caller_name,
    {{ twilio_text('forwarded_from') }} as forwarded_from,
    start_time as started_at,
    end_time as ended_at,
    duration as duration_seconds,
    queue_time as queue_time_ms,
    price,
    {{ twilio_text('price_unit') }} as price_unit,
    {{ twilio_text('group_sid') }} as group_sid,
    {{ twilio_text('trunk_sid') }} as trunk_sid,
    {{ twilio_text('api_version') }} as api_version,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
