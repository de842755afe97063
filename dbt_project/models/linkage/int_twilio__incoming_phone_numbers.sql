-- Live phone numbers with their regulatory and emergency addresses resolved (same instance and
-- account; an address that is not live leaves the resolved key NULL).
-- Incremental: a build rewrites the numbers whose raw record changed or was deleted, and those
-- whose regulatory or emergency address was rewritten in int_twilio__addresses.
{{ twilio_incremental('phone_number_key', indexes=['address_key', 'emergency_address_key']) }}
{%- set since = twilio_since() %}
{%- set number_columns = [
    'phone_number_key', 'instance_name', 'account_sid', 'account_key', 'phone_number_sid', 'phone_number',
    'friendly_name', 'origin', 'status', 'number_type', 'address_sid', 'address_key', 'emergency_address_sid',
    'emergency_address_key', 'address_requirements', 'emergency_status', 'emergency_address_status',
    'can_voice', 'can_sms', 'can_mms', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__incoming_phone_numbers', 'phone_number_key', since) }}
    union
    select phone_number_key from {{ twilio_previous_rows_linked_to('address_key', 'int_twilio__addresses', since) }} as previous
    union
    select phone_number_key from {{ twilio_previous_rows_linked_to('emergency_address_key', 'int_twilio__addresses', since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

numbers as (
    {{ twilio_live_rows('stg_twilio__incoming_phone_numbers', 'phone_number_key', number_columns, since) }}
),

addresses as (
    select address_key, account_sid from {{ ref('int_twilio__addresses') }}
),

linked as (
    select
        numbers.phone_number_key,
        numbers.instance_name,
        numbers.account_sid,
        numbers.account_key,
        numbers.phone_number_sid,
        numbers.phone_number,
        numbers.friendly_name,
        numbers.origin,
        numbers.status,
        numbers.number_type,
        numbers.address_sid,
        numbers.address_key,
        address.address_key is not null as has_address,
        numbers.emergency_address_sid,
        numbers.emergency_address_key,
        emergency_address.address_key is not null as has_emergency_address,
        numbers.address_requirements,
        numbers.emergency_status,
        numbers.emergency_address_status,
        numbers.can_voice,
        numbers.can_sms,
        numbers.can_mms,
        numbers.created_at,
        numbers.updated_at
    from numbers
    left join addresses as address
        on address.address_key = numbers.address_key
        and address.account_sid = numbers.account_sid
    left join addresses as emergency_address
        on emergency_address.address_key = numbers.emergency_address_key
        and emergency_address.account_sid = numbers.account_sid
)

{{ twilio_rewrite('linked', 'phone_number_key', since) }}
