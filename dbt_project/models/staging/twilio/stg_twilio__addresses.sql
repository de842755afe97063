-- One row per address per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('addresses') }}
)

select
    {{ twilio_key('sid') }} as address_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as address_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('customer_name') }} as customer_name,
    {{ twilio_text('street') }} as street,
    {{ twilio_text('street_secondary') }} as street_secondary,
    {{ twilio_text('city') }} as city,
    {{ twilio_text('region') }} as region,
    {{ twilio_text('postal_code') }} as postal_code,
    {{ twilio_text('iso_country') }} as iso_country,
    emergency_enabled as is_emergency_enabled,
    validated as is_validated,
    verified as is_verified,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
