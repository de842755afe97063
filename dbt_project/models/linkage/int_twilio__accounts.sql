-- Live accounts: one row per account per instance, with the owning (main) account's key.
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
where not is_deleted
