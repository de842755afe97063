-- One row per Conversation Service per instance (the services of the account whose credentials the
-- instance uses); deleted services stay, flagged.
with raw as (
    {{ twilio_union_raw('conversation_services') }}
)

select
    {{ twilio_key('sid') }} as conversation_service_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as conversation_service_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
