-- One row per debugger alert per instance (the instance's own account's). Twilio keeps alerts 30
-- days; rows synced earlier stay after that.
with raw as (
    {{ twilio_union_raw('alerts') }}
)

select
    {{ twilio_key('sid') }} as alert_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as alert_sid,
    {{ twilio_text('resource_sid') }} as resource_sid,
    -- The two-letter type of the resource the alert is about: CA (call), SM/MM (message), ...
    left(nullif(resource_sid, ''), 2) as resource_prefix,
    {{ twilio_text('service_sid') }} as service_sid,
    -- Text, as Twilio sends it; numeric codes compare with messages.error_code after a cast.
    {{ twilio_text('error_code') }} as error_code,
    {{ twilio_text('log_level') }} as log_level,
    {{ twilio_text('alert_text') }} as alert_text,
    {{ twilio_text('more_info') }} as more_info_url,
    {{ twilio_text('request_method') }} as request_method,
    {{ twilio_text('request_url') }} as request_url,
    {{ twilio_text('api_version') }} as api_version,
    date_generated as generated_at,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
