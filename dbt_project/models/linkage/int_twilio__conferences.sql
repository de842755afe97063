-- Live conferences, with the leg that ended the conference resolved when it is a live call.
-- Incremental: a build rewrites the conferences whose raw record changed or was deleted, and those
-- whose ending leg was rewritten in int_twilio__call_legs (it may have gone or come back).
{{ twilio_incremental('conference_key', indexes=['ending_call_key', ['instance_name', 'account_sid', 'activity_date']]) }}
{%- set since = twilio_since() %}
{%- set conference_columns = [
    'conference_key', 'instance_name', 'account_sid', 'account_key', 'conference_sid', 'friendly_name',
    'status', 'region', 'end_reason', 'ending_call_sid', 'ending_call_key', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__conferences', 'conference_key', since) }}
    union
    select conference_key from {{ twilio_previous_rows_linked_to('ending_call_key', 'int_twilio__call_legs', since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

conferences as (
    {{ twilio_live_rows('stg_twilio__conferences', 'conference_key', conference_columns, since) }}
),

legs as (
    select call_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select ending_call_key as call_key from conferences', since) }} as legs
),

linked as (
    select
        conferences.conference_key,
        conferences.instance_name,
        conferences.account_sid,
        conferences.account_key,
        conferences.conference_sid,
        conferences.friendly_name,
        conferences.status,
        conferences.region,
        conferences.end_reason,
        conferences.ending_call_sid,
        conferences.ending_call_key,
        legs.call_key is not null as has_ending_call,
        conferences.created_at,
        conferences.updated_at,
        {{ twilio_utc_date('conferences.created_at') }} as activity_date
    from conferences
    left join legs
        on legs.call_key = conferences.ending_call_key
        and legs.account_sid = conferences.account_sid
)

{{ twilio_rewrite('linked', 'conference_key', since) }}
