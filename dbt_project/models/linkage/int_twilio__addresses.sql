-- Live addresses: one row per address per instance.
select
    address_key,
    instance_name,
    account_sid,
    account_key,
    address_sid,
    friendly_name,
    customer_name,
    street,
    street_secondary,
    city,
    region,
    postal_code,
    iso_country,
    is_emergency_enabled,
    is_validated,
    is_verified,
    created_at,
    updated_at
from {{ ref('stg_twilio__addresses') }}
where not is_deleted
