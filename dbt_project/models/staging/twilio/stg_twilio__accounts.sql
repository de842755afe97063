-- One row per account (main account and subaccounts) per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('accounts') }}
)

select
    {{ twilio_key('sid') }} as account_key,
    instance_name,
    sid as account_sid,
    {{ twilio_text('owner_account_sid') }} as owner_account_sid,
    {{ twilio_key('owner_account_sid') }} as owner_account_key,
    -- Twilio gives a main account itself as owner.
    coalesce({{ twilio_text('owner_account_sid') }} <> sid, false) as is_subaccount,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('type') }} as account_type,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
