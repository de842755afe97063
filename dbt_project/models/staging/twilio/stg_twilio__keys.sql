-- One row per API key per instance (SID, name and dates: never a secret); deleted (rotated) keys stay, flagged.
with raw as (
    {{ twilio_union_raw('keys') }}
)

select
    {{ twilio_key('sid') }} as api_key_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as api_key_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
