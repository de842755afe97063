-- One row per usage trigger per instance: a threshold on one usage category over a period, and the
-- webhook Twilio calls when it is reached. Deleted triggers stay, flagged.
with raw as (
    {{ twilio_union_raw('usage_triggers') }}
)

select
    {{ twilio_key('sid') }} as usage_trigger_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as usage_trigger_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('usage_category') }} as usage_category,
    {{ twilio_text('trigger_by') }} as trigger_by,
    trigger_value,
    current_value,
    {{ twilio_text('recurring') }} as recurring,
    {{ twilio_text('callback_method') }} as callback_method,
    -- Twilio marks the webhook URL as personal data.
    {{ twilio_text('callback_url') }} as callback_url,
    date_fired as fired_at,
    {{ twilio_text('usage_record_uri') }} as usage_record_uri,
    {{ twilio_text('api_version') }} as api_version,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
