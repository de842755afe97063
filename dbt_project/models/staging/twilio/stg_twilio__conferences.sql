-- One row per conference per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('conferences') }}
)

select
    {{ twilio_key('sid') }} as conference_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as conference_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('region') }} as region,
    {{ twilio_text('reason_conference_ended') }} as end_reason,
    {{ twilio_text('call_sid_ending_conference') }} as ending_call_sid,
    {{ twilio_key('call_sid_ending_conference') }} as ending_call_key,
    {{ twilio_text('api_version') }} as api_version,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
