{#- History: snapshots of the raw collections whose records change, and status timelines on top
    (dbt_project/README.md, "History"). -#}


{#- The select of a snapshot of one staging model (every instance stacked), with dbt's `timestamp`
    strategy on `stored_at`: the time a sync stored the record's state (it changed, arrived, was
    deleted or came back). A run after the first reads only the rows stored since the previous run (the
    raw tables' indexed change time, less the safety margin), so its cost follows the changes, not the
    history; rows not read keep their current state (no hard deletes: a record Twilio deletes gets
    a state with `is_deleted`). `snapshotted_at` is when the snapshot run took the state in, which the
    timelines read incrementally. -#}
{% macro twilio_snapshot(staging_model, unique_key) %}
    {{ config(
        schema='twilio_history',
        strategy='timestamp',
        unique_key=unique_key,
        updated_at='stored_at',
        hard_deletes='ignore',
        indexes=[{'columns': [unique_key]}, {'columns': ['dbt_scd_id']}, {'columns': ['snapshotted_at']}],
        meta={'twilio_changed_rows_only': true},
        pre_hook=["{{ twilio_incremental_begin() }}"],
        post_hook=["{{ twilio_incremental_end() }}"],
    ) }}
    {%- set since = none -%}
    {%- if execute and adapter.get_relation(this.database, this.schema, this.identifier) is not none -%}
        {%- set since = twilio_watermark() -%}
    {%- endif %}
select
    *,
    greatest(last_changed_at, deleted_at) as stored_at,
    now() as snapshotted_at
from {{ ref(staging_model) }}
    {%- if since %}
where greatest(last_changed_at, deleted_at) > {{ since.raw }}
    {%- endif %}
{% endmacro %}


{#- dbt compares a snapshot's source rows with the current state of every record it holds. For the
    snapshots above the source holds only the rows stored since the last run, so the comparison is
    narrowed to those records (found through the snapshot's index on its key) instead of reading every
    current state: otherwise each run would cost as much as the whole history. Other snapshots get
    dbt's own SQL unchanged. -#}
{% macro postgres__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- set staging = dbt.default__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- if not (config.get('meta') or {}).get('twilio_changed_rows_only') -%}
        {{ return(staging) }}
    {%- endif -%}
    {%- set key = strategy.unique_key -%}
    {%- set current = 'from ' ~ target_relation ~ '\n        where' -%}
    {%- if key is not string or staging.count(current) != 1 -%}
        {{ exceptions.raise_compiler_error(
            "twilio_snapshot: could not narrow dbt's snapshot comparison for " ~ target_relation
            ~ " (dbt's snapshot SQL changed?). Fix: update postgres__snapshot_staging_table in macros/history.sql.") }}
    {%- endif -%}
    {{ return(staging.replace(current, current ~ ' ' ~ key ~ ' in (select ' ~ key ~ ' from snapshot_query) and')) }}
{%- endmacro %}


{#- The time dbt stamps snapshot rows with itself (only for hard deletes, which these snapshots leave
    alone). Kept in the type of `stored_at` for these snapshots, so dbt does not warn on every run that
    the two differ; dbt-postgres's own (timestamp without time zone) for any other. -#}
{% macro postgres__snapshot_get_time() -%}
    {%- if (config.get('meta') or {}).get('twilio_changed_rows_only') -%}
        {{ current_timestamp() }}
    {%- else -%}
        {{ current_timestamp() }}::timestamp without time zone
    {%- endif -%}
{%- endmacro %}


{#- A status timeline over a snapshot: one row per record and status spell (consecutive states with
    the same status and deletion flag), with when a sync first stored it, how long it lasted, and
    Twilio's own update time. Incremental: a build recomputes the timelines of the records the snapshot
    took a new state of since then. -#}
{% macro twilio_status_timeline(snapshot_name, key, sid_column) %}
    {{ twilio_incremental(key, unique=False, indexes=[{'columns': ['status_key'], 'unique': True}]) }}
    {%- set since = twilio_since() %}
    {%- if since %}
        {%- set affected_keys %}
    select distinct {{ key }} from {{ ref(snapshot_name) }} where snapshotted_at > {{ since.log }}
        {%- endset %}
        {%- set since = twilio_affected(since, affected_keys) %}
    {%- endif %}

with
    {%- if since %}
affected as (select * from {{ since.affected }}),
    {%- endif %}

states as (
    select
        {{ key }},
        instance_name,
        account_sid,
        {{ sid_column }},
        status,
        is_deleted,
        dbt_valid_from as stored_at,
        -- Twilio's update time means nothing once the record is gone.
        case when not is_deleted then updated_at end as twilio_updated_at
    from {{ twilio_rows_matching(ref(snapshot_name), key, 'select ' ~ key ~ ' from affected', since) }} as snapshot
),

marked as (
    select
        *,
        case
            when lag(status) over by_state is not distinct from status
                and lag(is_deleted) over by_state is not distinct from is_deleted then 0
            else 1
        end as starts_spell
    from states
    window by_state as (partition by {{ key }} order by stored_at)
),

numbered as (
    select
        *,
        sum(starts_spell) over (
            partition by {{ key }} order by stored_at rows between unbounded preceding and current row
        ) as status_sequence
    from marked
),

spells as (
    select
        {{ key }},
        instance_name,
        account_sid,
        {{ sid_column }},
        status_sequence,
        status,
        is_deleted,
        min(stored_at) as first_seen_at,
        (array_agg(twilio_updated_at order by stored_at))[1] as twilio_updated_at,
        count(*) as state_count
    from numbered
    group by {{ key }}, instance_name, account_sid, {{ sid_column }}, status_sequence, status, is_deleted
),

timeline as (
    select
        {{ key }} || ':' || status_sequence as status_key,
        {{ key }},
        instance_name,
        account_sid,
        {{ sid_column }},
        status_sequence,
        status,
        is_deleted,
        first_seen_at,
        lead(first_seen_at) over by_spell as next_seen_at,
        extract(epoch from lead(first_seen_at) over by_spell - first_seen_at) as seen_seconds,
        twilio_updated_at,
        extract(epoch from lead(twilio_updated_at) over by_spell - twilio_updated_at) as twilio_seconds,
        lead(first_seen_at) over by_spell is null as is_current,
        state_count
    from spells
    window by_spell as (partition by {{ key }} order by status_sequence)
)

{{ twilio_rewrite('timeline', key, since) }}
{% endmacro %}


{#- Each record has at most one current state (dbt_valid_to NULL) in a snapshot. Checked for the
    records the last snapshot run took a state of (macros/last_build.sql), each looked up through the snapshot's index on its
    key, so its cost follows the changes, not the history. It scopes itself: give it `where: ""`. -#}
{% test twilio_one_current_state(model, column_name) %}
select latest.{{ column_name }}, count(*) as current_states
from (
    select distinct {{ column_name }} from {{ twilio_last_build_rows(model) }} as states_taken_in
) as latest
cross join lateral (
    select 1 from {{ model }} as state
    where state.{{ column_name }} = latest.{{ column_name }} and state.dbt_valid_to is null
) as current_state
group by latest.{{ column_name }}
having count(*) > 1
{% endtest %}
