-- One row per Studio execution per instance; deleted executions stay, flagged.
with raw as (
    {{ twilio_union_raw('studio_executions') }}
)

select
    {{ twilio_key('sid') }} as execution_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as execution_sid,
    {{ twilio_text('flow_sid') }} as flow_sid,
    {{ twilio_key('flow_sid') }} as flow_key,
    flow_version,
    {{ twilio_text('status') }} as status,
    {{ twilio_text('contact_channel_address') }} as contact_channel_address,
    {{ twilio_text('contact_sid') }} as contact_sid,
    {{ twilio_text('initiated_by') }} as initiated_by,
    -- What started it, from the prefix of the SID it names: a call, a message, or a REST API request.
    case
        when initiated_by like 'CA%' then 'call'
        when initiated_by like 'SM%' or initiated_by like 'MM%' then 'message'
        when nullif(initiated_by, '') is not null then 'api'
    end as trigger_type,
    context,
    {{ twilio_text('url') }} as url,
    links,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
