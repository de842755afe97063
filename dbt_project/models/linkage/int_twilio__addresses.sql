-- Live addresses: one row per address per instance.
-- Incremental: each build rewrites the addresses whose raw record changed or was deleted.
{{ twilio_incremental('address_key') }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__addresses', 'address_key', since) }}
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

addresses as (
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
    where not is_deleted {{ twilio_and_changed_since(since) }}
)

{{ twilio_rewrite('addresses', 'address_key', since) }}
