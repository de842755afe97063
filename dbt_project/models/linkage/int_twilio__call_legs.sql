-- Live call legs with their place in the call: the parent leg (when it is live and in the same
-- account) and the root leg every leg rolls up to. A leg whose parent is missing is its own root,
-- so each live leg belongs to exactly one call.
-- Incremental: a leg's row depends on the legs above it, so a build rewrites the legs whose raw
-- record changed or was deleted and every leg below them (through the previous build's parent links);
-- the unchanged legs among those are rebuilt from their previous row, and a leg hanging under an
-- unchanged leg outside that set continues the tree that leg's previous row records.
{{ twilio_incremental('call_key', indexes=[
    'root_call_key', 'parent_call_key', ['instance_name', 'account_sid', 'activity_date']]) }}
{%- set since = twilio_since() %}
{%- set leg_columns = [
    'call_key', 'instance_name', 'account_sid', 'account_key', 'call_sid', 'parent_call_sid',
    'parent_call_key', 'status', 'direction', 'from_number', 'to_number', 'phone_number_sid',
    'answered_by', 'caller_name', 'forwarded_from', 'started_at', 'ended_at', 'duration_seconds',
    'queue_time_ms', 'price', 'price_unit', 'trunk_sid', 'created_at', 'updated_at'] %}

{%- if since %}
{%- set affected_keys %}
with recursive affected (call_key) as (
    {{ twilio_changed_keys('stg_twilio__calls', 'call_key', since) }}
    union
    select below.call_key
    from affected
    cross join lateral (
        select previous.call_key from {{ this }} as previous where previous.parent_call_key = affected.call_key
    ) as below
)
select call_key from affected
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with recursive
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

legs as (
    {{ twilio_live_rows('stg_twilio__calls', 'call_key', leg_columns, since) }}
),

-- The legs a leg may name as parent: the rebuilt legs, and (incrementally) the unchanged live legs
-- outside them, with their place in the call as the previous build found it.
parents as (
    select
        call_key,
        account_sid,
        true as is_rebuilt,
        cast(null as text) as root_call_key,
        cast(null as integer) as leg_depth,
        cast(null as boolean) as is_in_tree
    from legs
    {%- if since %}
    union all
    select
        call_key,
        account_sid,
        false,
        root_call_key,
        leg_depth,
        -- A leg of depth 0 that has a parent was caught in a cycle: it is in no tree.
        resolved_parent_call_key is null or leg_depth > 0
    from {{ twilio_rows_matching(this, 'call_key', 'select parent_call_key as call_key from legs', since) }} as outside
    where call_key not in (select call_key from affected)
    {%- endif %}
),

resolved as (
    select
        leg.call_key,
        parent.call_key as resolved_parent_call_key,
        parent.is_rebuilt as parent_is_rebuilt,
        parent.root_call_key as parent_root_call_key,
        parent.leg_depth as parent_leg_depth,
        parent.is_in_tree as parent_is_in_tree
    from legs as leg
    left join parents as parent
        on parent.call_key = leg.parent_call_key
        and parent.account_sid = leg.account_sid
),

tree (call_key, root_call_key, leg_depth) as (
    select call_key, call_key, 0
    from resolved
    where resolved_parent_call_key is null
    {%- if since %}

    union all

    select call_key, parent_root_call_key, parent_leg_depth + 1
    from resolved
    where not parent_is_rebuilt and parent_is_in_tree and parent_leg_depth < 20
    {%- endif %}

    union all

    select resolved.call_key, tree.root_call_key, tree.leg_depth + 1
    from resolved
    inner join tree on resolved.resolved_parent_call_key = tree.call_key
    -- Twilio nests legs one or two deep; the bound only guards against malformed data.
    where tree.leg_depth < 20
),

call_legs as (
    select
        legs.call_key,
        legs.instance_name,
        legs.account_sid,
        legs.account_key,
        legs.call_sid,
        legs.parent_call_sid,
        legs.parent_call_key,
        resolved.resolved_parent_call_key,
        -- Legs caught in a parent cycle (never seen from Twilio) count as their own call.
        coalesce(tree.root_call_key, legs.call_key) as root_call_key,
        coalesce(tree.leg_depth, 0) as leg_depth,
        coalesce(tree.root_call_key, legs.call_key) = legs.call_key as is_root_leg,
        legs.status,
        legs.direction,
        legs.from_number,
        legs.to_number,
        legs.phone_number_sid,
        legs.answered_by,
        legs.caller_name,
        legs.forwarded_from,
        legs.started_at,
        legs.ended_at,
        legs.duration_seconds,
        legs.queue_time_ms,
        legs.price,
        legs.price_unit,
        legs.trunk_sid,
        legs.created_at,
        legs.updated_at,
        -- Calls that never started (queued, canceled) count on the day they were created.
        {{ twilio_utc_date('coalesce(legs.started_at, legs.created_at)') }} as activity_date
    from legs
    inner join resolved on resolved.call_key = legs.call_key
    left join tree on tree.call_key = legs.call_key
)

{{ twilio_rewrite('call_legs', 'call_key', since) }}
