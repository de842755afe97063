-- Live debugger alerts, with the call or message each one names resolved from `resource_sid` by its
-- prefix (CA: a call leg, rolled up to its call; SM/MM: a message), each when live and in the same account.
-- Incremental: a build rewrites the alerts whose raw record changed or was deleted, and those naming a
-- call leg that int_twilio__call_legs added, removed or moved to another account or call, or a message
-- that int_twilio__messages added, removed or moved to another account.
{{ twilio_incremental('alert_key', indexes=['call_key', 'message_key']) }}
{%- set since = twilio_since() %}
{%- set alert_columns = [
    'alert_key', 'instance_name', 'account_sid', 'account_key', 'alert_sid', 'resource_sid', 'service_sid',
    'error_code', 'log_level', 'alert_text', 'more_info_url', 'request_method', 'request_url', 'generated_at',
    'created_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__alerts', 'alert_key', since) }}
    union
    select alert_key
    from {{ twilio_rows_matching(this, 'call_key', twilio_keys_changed_in('int_twilio__call_legs', ['account_sid', 'root_call_key'], since), since) }} as previous
    union
    select alert_key
    from {{ twilio_rows_matching(this, 'message_key', twilio_keys_changed_in('int_twilio__messages', ['account_sid'], since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

live_alerts as (
    {{ twilio_live_rows('stg_twilio__alerts', 'alert_key', alert_columns, since) }}
),

alerts as (
    select
        *,
        -- The resource's two-letter prefix (the staging view's resource_prefix).
        case when left(resource_sid, 2) = 'CA' then resource_sid end as call_sid,
        case when left(resource_sid, 2) in ('SM', 'MM') then resource_sid end as message_sid
    from live_alerts
),

legs as (
    select call_key, root_call_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', "select instance_name || ':' || call_sid as call_key from alerts", since) }} as legs
),

messages as (
    select message_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__messages'), 'message_key', "select instance_name || ':' || message_sid as message_key from alerts", since) }} as messages
),

linked as (
    select
        alerts.alert_key,
        alerts.instance_name,
        alerts.account_sid,
        alerts.account_key,
        alerts.alert_sid,
        alerts.resource_sid,
        alerts.call_sid,
        alerts.instance_name || ':' || alerts.call_sid as call_key,
        legs.call_key as resolved_call_key,
        legs.root_call_key,
        alerts.message_sid,
        alerts.instance_name || ':' || alerts.message_sid as message_key,
        messages.message_key as resolved_message_key,
        alerts.service_sid,
        alerts.error_code,
        alerts.log_level,
        alerts.alert_text,
        alerts.more_info_url,
        alerts.request_method,
        alerts.request_url,
        alerts.generated_at,
        alerts.created_at,
        {{ twilio_utc_date('alerts.generated_at') }} as activity_date
    from alerts
    left join legs
        on legs.call_key = alerts.instance_name || ':' || alerts.call_sid
        and legs.account_sid = alerts.account_sid
    left join messages
        on messages.message_key = alerts.instance_name || ':' || alerts.message_sid
        and messages.account_sid = alerts.account_sid
)

{{ twilio_rewrite('linked', 'alert_key', since) }}
