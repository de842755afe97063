-- Live accounts: one row per account per instance, with the owning (main) account's key.
-- Incremental: each build rewrites the accounts whose raw record changed or was deleted.
{{ twilio_incremental('account_key') }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__accounts', 'account_key', since) }}
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

accounts as (
    select
        account_key,
        instance_name,
        account_sid,
        owner_account_sid,
        owner_account_key,
        is_subaccount,
        friendly_name,
        status,
        account_type,
        created_at,
        updated_at
    from {{ ref('stg_twilio__accounts') }}
    where not is_deleted {{ twilio_and_changed_since(since) }}
)

{{ twilio_rewrite('accounts', 'account_key', since) }}
