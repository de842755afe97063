-- One row per Elastic SIP trunk per instance (the instance's own account's); deleted trunks stay, flagged.
with raw as (
    {{ twilio_union_raw('trunks') }}
)

select
    {{ twilio_key('sid') }} as trunk_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as trunk_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('domain_name') }} as domain_name,
    {{ twilio_text('auth_type') }} as auth_type,
    secure as is_secure,
    cnam_lookup_enabled as looks_up_caller_name,
    symmetric_rtp_enabled as uses_symmetric_rtp,
    {{ twilio_text('transfer_mode') }} as transfer_mode,
    {{ twilio_text('transfer_caller_id') }} as transfer_caller_id,
    {{ twilio_text('recording_mode') }} as recording_mode,
    nullif(recording ->> 'trim', '') as recording_trim,
    {{ twilio_text('disaster_recovery_url') }} as disaster_recovery_url,
    {{ twilio_text('disaster_recovery_method') }} as disaster_recovery_method,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
