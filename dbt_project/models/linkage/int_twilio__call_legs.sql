-- Live call legs with their place in the call: the parent leg (when it is live and in the same
-- account) and the root leg every leg rolls up to. A leg whose parent is missing is its own root,
-- so each live leg belongs to exactly one call.
with recursive legs as (
    select * from {{ ref('stg_twilio__calls') }}
    where not is_deleted
),

resolved as (
    select
        leg.call_key,
        parent.call_key as resolved_parent_call_key
    from legs as leg
    left join legs as parent
        on parent.call_key = leg.parent_call_key
        and parent.account_sid = leg.account_sid
),

tree (call_key, root_call_key, leg_depth) as (
    select call_key, call_key, 0
    from resolved
    where resolved_parent_call_key is null

    union all

    select resolved.call_key, tree.root_call_key, tree.leg_depth + 1
    from resolved
    inner join tree on resolved.resolved_parent_call_key = tree.call_key
    -- Twilio nests legs one or two deep; the bound only guards against malformed data.
    where tree.leg_depth < 20
)

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
