-- The number each live call leg used, by direction: Twilio's phone_number_sid is the incoming
-- number that took an inbound call and the outgoing caller ID shown on an outbound one (both `PN…`),
-- so the key is split in two and each half resolved against its own collection (same account).
-- Incremental: a build rewrites the legs that int_twilio__call_legs added, removed or changed in
-- account, direction or number; the legs of numbers int_twilio__incoming_phone_numbers added, removed
-- or moved to another account; and the legs that a caller ID whose raw record changed no longer
-- resolves as they say (gone, moved) or now resolves (back, or new). The caller IDs are a list of what
-- exists now, small enough for int_twilio__outgoing_caller_ids to stay a table.
-- depends_on: {{ ref('stg_twilio__outgoing_caller_ids') }}
{{ twilio_incremental('call_key', indexes=[
    'phone_number_key', 'resolved_caller_id_key', ['caller_id_key', 'account_sid', 'resolved_caller_id_key']]) }}
{%- set since = twilio_since() %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_keys_changed_in('int_twilio__call_legs', ['instance_name', 'account_sid', 'direction', 'phone_number_sid'], since) }}
    union
    select call_key
    from {{ twilio_rows_matching(this, 'phone_number_key', twilio_keys_changed_in('int_twilio__incoming_phone_numbers', ['account_sid'], since), since) }} as previous
    union
    select call_key
    from {{ twilio_rows_relinked('caller_id_key', 'resolved_caller_id_key', ref('int_twilio__outgoing_caller_ids'),
        'caller_id_key', twilio_changed_keys('stg_twilio__outgoing_caller_ids', 'caller_id_key', since), since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

legs as (
    select call_key, instance_name, account_sid, direction, phone_number_sid
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select call_key from affected', since) }} as legs
),

keyed as (
    select
        legs.*,
        case when direction = 'inbound' then instance_name || ':' || phone_number_sid end as phone_number_key,
        case when direction like 'outbound%' then instance_name || ':' || phone_number_sid end as caller_id_key
    from legs
),

numbers as (
    select phone_number_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__incoming_phone_numbers'), 'phone_number_key', 'select phone_number_key from keyed', since) }} as numbers
),

caller_ids as (
    select caller_id_key, account_sid from {{ ref('int_twilio__outgoing_caller_ids') }}
),

linked as (
    select
        keyed.call_key,
        keyed.instance_name,
        keyed.account_sid,
        keyed.direction,
        keyed.phone_number_sid,
        keyed.phone_number_key,
        numbers.phone_number_key as resolved_phone_number_key,
        keyed.caller_id_key,
        caller_ids.caller_id_key as resolved_caller_id_key
    from keyed
    left join numbers
        on numbers.phone_number_key = keyed.phone_number_key
        and numbers.account_sid = keyed.account_sid
    left join caller_ids
        on caller_ids.caller_id_key = keyed.caller_id_key
        and caller_ids.account_sid = keyed.account_sid
)

{{ twilio_rewrite('linked', 'call_key', since) }}
