-- Live conversation participants, with their conversation resolved and, for chat participants, the
-- Conversation User whose identity they carry (in the conversation's service). Participants of a
-- conversation Twilio deleted are left out, as for messages.
-- Incremental: a build rewrites the participants whose raw record changed or was deleted; those of
-- conversations that int_twilio__conversations added, removed or moved to another account or service,
-- or whose raw record turned up deleted; those that a user whose raw record changed no longer resolves
-- as they say (gone, moved, another identity) or now resolves; and, for a conversation that came back
-- (or is new), its participants, found in the raw tables through their index on conversation_sid (see
-- int_twilio__conversation_messages). The users are a list of what exists now, small enough for
-- int_twilio__conversation_users to stay a table.
-- depends_on: {{ ref('stg_twilio__conversation_users') }}
{{ twilio_incremental('participant_key', indexes=[
    'conversation_key', 'resolved_conversation_key', 'resolved_conversation_user_key',
    ['user_identity_key', 'account_sid', 'resolved_conversation_user_key']]) }}
{%- set since = twilio_since() %}
{%- set participant_columns = [
    'participant_key', 'instance_name', 'account_sid', 'account_key', 'participant_sid', 'conversation_sid',
    'conversation_key', 'participant_kind', 'identity', 'binding_type', 'binding_address', 'binding_proxy_address',
    'role_sid', 'last_read_message_index', 'joined_at', 'updated_at'] %}

{%- if since %}
{%- set affected_inputs %}
-- The participants of conversations int_twilio__conversations took in: new ones, and ones that came back.
returning_participants as (
    {{ twilio_raw_children('conversation_participants', 'conversation_sid',
        'select instance_name, conversation_sid as parent_sid from ' ~ twilio_rows_added_to('int_twilio__conversations', since) ~ ' as added') }}
)
{%- endset %}
{%- set affected_keys %}
with {{ affected_inputs }}
    {{ twilio_changed_keys('stg_twilio__conversation_participants', 'participant_key', since) }}
    union
    select participant_key
    from {{ twilio_rows_matching(this, 'conversation_key', twilio_keys_changed_in('int_twilio__conversations', ['account_sid', 'conversation_service_sid'], since), since) }} as previous
    union
    select participant_key
    from {{ twilio_rows_matching(this, 'conversation_key', 'select conversation_key from ' ~ ref('stg_twilio__conversations') ~ ' where is_deleted ' ~ twilio_and_changed_since(since), since) }} as previous
    union
    select participant_key
    from {{ twilio_rows_relinked('user_identity_key', 'resolved_conversation_user_key',
        ref('int_twilio__conversation_users'), 'conversation_user_key',
        twilio_changed_keys('stg_twilio__conversation_users', 'conversation_user_key', since), since,
        list_link='service_identity') }} as previous
    union
    select instance_name || ':' || sid from returning_participants
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
{{ affected_inputs }},

affected as (select * from {{ since.affected }}),
{%- endif %}

participants as (
    {{ twilio_live_rows('stg_twilio__conversation_participants', 'participant_key', participant_columns, since) }}
    {%- if since %}
    union all
    {{ twilio_returning_rows('stg_twilio__conversation_participants', 'participant_key', 'participant_sid', participant_columns, 'select instance_name, sid from returning_participants', since) }}
    {%- endif %}
),

deleted_conversations as (
    select conversation_key
    from {{ twilio_rows_matching(ref('stg_twilio__conversations'), ['instance_name', 'conversation_sid'], 'select instance_name, conversation_sid from participants', since) }} as conversations
    where is_deleted
),

conversations as (
    select conversation_key, account_sid, conversation_service_sid
    from {{ twilio_rows_matching(ref('int_twilio__conversations'), 'conversation_key', 'select conversation_key from participants', since) }} as conversations
),

users as (
    select conversation_user_key, service_identity, account_sid from {{ ref('int_twilio__conversation_users') }}
),

linked as (
    select
        participants.*,
        conversations.conversation_key as resolved_conversation_key,
        case
            when participants.identity is not null and conversations.conversation_service_sid is not null
                then participants.instance_name || ':' || conversations.conversation_service_sid || ':' || participants.identity
        end as user_identity_key
    from participants
    left join conversations
        on conversations.conversation_key = participants.conversation_key
        and conversations.account_sid = participants.account_sid
    where not exists (
        select 1 from deleted_conversations where deleted_conversations.conversation_key = participants.conversation_key
    )
),

resolved as (
    select
        linked.participant_key,
        linked.instance_name,
        linked.account_sid,
        linked.account_key,
        linked.participant_sid,
        linked.conversation_sid,
        linked.conversation_key,
        linked.resolved_conversation_key,
        linked.participant_kind,
        linked.identity,
        linked.user_identity_key,
        users.conversation_user_key as resolved_conversation_user_key,
        linked.binding_type,
        linked.binding_address,
        linked.binding_proxy_address,
        linked.role_sid,
        linked.last_read_message_index,
        linked.joined_at,
        linked.updated_at
    from linked
    left join users
        on users.service_identity = linked.user_identity_key
        and users.account_sid = linked.account_sid
)

{{ twilio_rewrite('resolved', 'participant_key', since) }}
