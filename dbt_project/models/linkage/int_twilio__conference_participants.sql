-- Live conference participants with their conference and their call leg resolved (each a
-- many-to-one join, so one row per participant).
-- Incremental: a build rewrites the participants whose raw record changed or was deleted, and those
-- whose conference or call leg was rewritten upstream.
{{ twilio_incremental('participant_key', indexes=['resolved_conference_key', 'conference_key', 'call_key']) }}
{%- set since = twilio_since() %}
{%- set participant_columns = [
    'participant_key', 'instance_name', 'account_sid', 'account_key', 'participant_sid', 'conference_sid',
    'conference_key', 'call_sid', 'call_key', 'label', 'call_direction', 'call_status', 'call_type',
    'from_number', 'to_number', 'country_code', 'is_moderator', 'is_coach', 'coached_call_sids', 'joined_at',
    'left_at', 'duration_seconds', 'processing_state'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__conference_participants', 'participant_key', since) }}
    union
    select participant_key from {{ twilio_previous_rows_linked_to('conference_key', 'int_twilio__conferences', since) }} as previous
    union
    select participant_key from {{ twilio_previous_rows_linked_to('call_key', 'int_twilio__call_legs', since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

participants as (
    {{ twilio_live_rows('stg_twilio__conference_participants', 'participant_key', participant_columns, since) }}
),

conferences as (
    select conference_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__conferences'), 'conference_key', 'select conference_key from participants', since) }} as conferences
),

legs as (
    select call_key, root_call_key, account_sid, price, duration_seconds
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select call_key from participants', since) }} as legs
),

linked as (
    select
        participants.participant_key,
        participants.instance_name,
        participants.account_sid,
        participants.account_key,
        participants.participant_sid,
        participants.conference_sid,
        participants.conference_key,
        conferences.conference_key as resolved_conference_key,
        participants.call_sid,
        participants.call_key,
        legs.call_key as resolved_call_key,
        legs.root_call_key,
        participants.label,
        participants.call_direction,
        participants.call_status,
        participants.call_type,
        participants.from_number,
        participants.to_number,
        participants.country_code,
        participants.is_moderator,
        participants.is_coach,
        participants.coached_call_sids,
        participants.joined_at,
        participants.left_at,
        participants.duration_seconds,
        legs.duration_seconds as call_duration_seconds,
        legs.price as call_price,
        participants.processing_state
    from participants
    left join conferences
        on conferences.conference_key = participants.conference_key
        and conferences.account_sid = participants.account_sid
    left join legs
        on legs.call_key = participants.call_key
        and legs.account_sid = participants.account_sid
)

{{ twilio_rewrite('linked', 'participant_key', since) }}
