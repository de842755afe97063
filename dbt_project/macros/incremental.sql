{#- Incremental builds of the linkage, mart and history tables (dbt_project/README.md, "Incremental
    builds"). Each build rewrites only the keys whose rows can have changed since the model's last
    build, and leaves every other row as it was:

    * What changed comes from the model's direct inputs: a staging view's rows whose raw record changed
      or was deleted since then (`twilio_changed_keys`, one index scan of each raw table), an
      incremental model's rewritten keys (`twilio_changed_groups`, read from the change log that every
      incremental build writes, with each rewritten row as it was before).
    * The model selects the rows of those keys and ends with `twilio_rewrite()`: one row per affected
      key, with the new row when the key still has one. The `twilio_rewrite` strategy logs the
      previous rows, deletes every affected key, and inserts the rows that exist.
    * Bookkeeping lives in the profile's own schema (`twilio_dbt`): `incremental_watermarks` (per
      model, the time its last build read changes up to) and `incremental_changes` (the log).

    A first build, a `--full-refresh`, and a build whose model SQL changed since its last build are
    full builds; a full build tells the models reading it to rebuild in full too. -#}


{#- The schema of the bookkeeping tables. -#}
{% macro twilio_state_schema() -%}
    {{ return(target.schema) }}
{%- endmacro %}


{#- Configure a model as an incremental Twilio model. `unique_key` is the key (or keys) a build rewrites;
    each listed index (a column, a list of columns, or dbt's index dict) is created with the table, so
    the lookups of later builds stay cheap. With `unique=False` the key is not unique in the model
    (several rows per key, rewritten together). `min_keys` overrides `twilio_incremental_min_keys`
    (see twilio_affected) for a model whose key is costly to rebuild, such as a day of an account. -#}
{% macro twilio_incremental(unique_key, indexes=[], unique=True, min_keys=none) %}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set all_indexes = [{'columns': keys, 'unique': unique}] -%}
    {%- for index in indexes -%}
        {%- if index is mapping -%}
            {%- do all_indexes.append(index) -%}
        {%- else -%}
            {%- do all_indexes.append({'columns': [index] if index is string else index, 'unique': False}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='twilio_rewrite',
        unique_key=unique_key,
        on_schema_change='ignore',
        indexes=all_indexes,
        pre_hook=["{{ twilio_incremental_begin() }}"],
        post_hook=["{{ twilio_incremental_end() }}"],
        twilio_min_keys=min_keys,
    ) }}
{% endmacro %}


{#- Where this build reads changes from, or none for a full build: not incremental (first build,
    --full-refresh), no watermark yet, the model's SQL changed since its last build, or an incremental
    input was rebuilt in full since then. `since.log` (a SQL timestamp) is the last build's moment, for
    the change logs and snapshots dbt writes itself; `since.raw` is that less the safety margin
    `twilio_incremental_margin` (a var, default 15 minutes), for the raw tables the sync writes. -#}
{% macro twilio_since() %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set since = twilio_watermark() -%}
    {%- if since is none -%}
        {#- Every key would be rewritten (the model changed, or an input was rebuilt in full): building
            the table anew and swapping it in costs a fraction of deleting and inserting every row with
            its old row logged (2 s against 16 s for fct_messages' 302,400 rows). -#}
        {%- do twilio_build_in_full() -%}
    {%- elif twilio_inputs_past_budget(since) -%}
        {%- do twilio_build_in_full() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(since) }}
{% endmacro %}


{#- How many keys an incremental build of the current model may rewrite, or log entries of its inputs
    read, before building it in full costs less: `twilio_incremental_rebuild_share` (a var, default 0.2)
    of the table's rows, and never under `twilio_incremental_min_keys` (default 1000; a model's
    `min_keys` overrides it: the daily aggregates, whose every key is a day of an account's calls and
    messages, set 50; that floor counts keys, which are days there, so the log entries read, a call or a
    message each, keep the general floor: `model_floor=false`). -#}
{% macro twilio_rebuild_budget(row_count, model_floor=true) %}
    {%- set min_keys = model.config.get('twilio_min_keys') if model_floor else none -%}
    {{ return([
        (var('twilio_incremental_rebuild_share', 0.2) | float) * (row_count or 0),
        (var('twilio_incremental_min_keys', 1000) if min_keys is none else min_keys) | int,
    ] | max) }}
{% endmacro %}


{#- Whether the model's inputs changed more since `since` than its budget: the entries of its incremental
    inputs' change logs, and the rows of its staging inputs changed (by the sync) since. Finding the
    affected keys reads each of them (a lookup per changed call leg, say), so a small model over a busy
    input (2,000 conferences looking through 20,000 rewritten call legs), or a model whose every raw row
    changed, costs more that way than rebuilt from scratch: then it is built in full without computing
    them. Counted up to the budget only, each through its index (the log's (model, changed_at), the raw
    tables' change moment). -#}
{% macro twilio_inputs_past_budget(since) %}
    {%- if flags.WHICH not in ['run', 'build'] -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set budget = twilio_rebuild_budget(since.row_count, model_floor=false) | int -%}
    {%- set sources = [] -%}
    {%- if since.inputs -%}
        {%- do sources.append(
            "select 1 from " ~ twilio_state_schema() ~ ".incremental_changes "
            ~ "where model = any(array[" ~ (since.inputs | join(', ')) ~ "]::text[]) and key is not null "
            ~ "and changed_at > " ~ since.log) -%}
    {%- endif -%}
    {%- for node_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node and node.name.startswith('stg_twilio__') and node.config.materialized == 'view' -%}
            {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- do sources.append("select 1 from " ~ relation ~ " where true " ~ twilio_and_changed_since(since)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not sources -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for source in sources -%}
        {%- do parts.append("(select count(*) from (" ~ source ~ " limit " ~ (budget + 1) ~ ") as entries)") -%}
    {%- endfor -%}
    {%- set counted = run_query("select " ~ (parts | join(' + '))) -%}
    {%- if counted.rows[0][0] > budget -%}
        {{ log(model.name ~ ": its inputs changed more than the " ~ budget ~ " rows and keys an incremental "
            ~ "build reads; building it in full", info=True) }}
        {{ return(true) }}
    {%- endif -%}
    {{ return(false) }}
{% endmacro %}


{#- This session's build of the current model is a full build, swapped in as `--full-refresh` does
    (read by `should_full_refresh` below); only where dbt builds (`run`, `build`). -#}
{% macro twilio_build_in_full() %}
    {%- if flags.WHICH in ['run', 'build'] -%}
        {%- do run_query("select set_config('twilio.full_build', '" ~ model.name ~ "', false)") -%}
    {%- endif -%}
{% endmacro %}


{#- The keys an incremental build rewrites, computed once, before the model's statement: `keys_sql`
    (the model's affected keys) runs into a temporary table of this session, which is analyzed and
    counted. Returns `since` with `affected` (that table) for the model to read, or none when the
    change set is past the model's budget (`twilio_rebuild_budget`): then the model is built in full
    instead (see `should_full_refresh` below), since rewriting most of a table key by key costs more
    than building it again.
    Why a table: the planner then knows how many keys there are. Estimated from a CTE, a few thousand
    keys looked like one to two hundred, and nested loops re-ran whole subtrees per key (a tick after
    a backfill ran for more than 15 minutes instead of seconds).
    Why no nested loops (here and, through the pre-hook, in the model's statement): the keys' own
    count is known, but not how many rows each finds nor how many groups their aggregates make, and a
    guess of one row put a whole per-call aggregate under a loop over the calls (cubic: 3,336 calls
    never finished; 1.4 s without). Hash and merge joins cost what their inputs hold, whatever the
    guess. Lookups by key (`twilio_rows_matching`) stay index probes: a lateral reference can only
    be joined by a loop, and each turn is one probe. JIT is off with them: a disabled join method
    adds a huge constant to the plan's cost, which made PostgreSQL compile every such statement
    (1.6 s of JIT for a 30 ms statement on the demo's data, on each model of each tick). Outside
    `dbt run` and `dbt build` (compile, docs, show) the keys stay inline in the statement, and
    nothing is run. -#}
{% macro twilio_affected(since, keys_sql) %}
    {%- if since is none or not execute -%}
        {{ return(since) }}
    {%- endif -%}
    {%- if flags.WHICH not in ['run', 'build'] -%}
        {{ return({'log': since.log, 'raw': since.raw, 'affected': '(' ~ keys_sql ~ ')'}) }}
    {%- endif -%}
    {%- do twilio_refresh_statistics(twilio_input_tables()) -%}
    {%- set keys_table = 'pg_temp.' ~ adapter.quote('twilio_affected__' ~ model.name) -%}
    {%- set state = twilio_state_schema() -%}
    {#- The keys are read now, before the build's pre-hook notes the moment the next build reads from:
        that moment must not be later than this one (twilio_incremental_begin takes the earlier). -#}
    {%- set counted = run_query(
        "select set_config('twilio.read_from', (" ~ twilio_as_of() ~ ")::text, false);\n"
        ~ "drop table if exists " ~ keys_table ~ ";\n"
        ~ "set enable_nestloop = off;\nset jit = off;\n"
        ~ "create temporary table " ~ keys_table ~ " as select distinct * from (\n" ~ keys_sql ~ "\n) as keys;\n"
        ~ "reset enable_nestloop;\nreset jit;\n"
        ~ "analyze " ~ keys_table ~ ";\n"
        ~ "select (select count(*) from " ~ keys_table ~ "), "
        ~ "(select row_count from " ~ state ~ ".incremental_watermarks where model = '" ~ model.name ~ "')"
    ) -%}
    {%- set key_count = counted.rows[0][0] -%}
    {%- set budget = twilio_rebuild_budget(counted.rows[0][1]) -%}
    {%- if key_count > budget -%}
        {{ log(model.name ~ ": " ~ key_count ~ " keys changed, more than the " ~ (budget | int)
            ~ " an incremental build rewrites; building it in full", info=True) }}
        {%- do twilio_build_in_full() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'log': since.log, 'raw': since.raw, 'affected': keys_table}) }}
{% endmacro %}


{#- dbt's own test (`--full-refresh`, the model's `full_refresh` config), or twilio_affected chose a full
    build of this model in this session: then dbt builds the table anew and swaps it in, as for
    `--full-refresh`. -#}
{% macro should_full_refresh() %}
    {%- if dbt.should_full_refresh() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute or model.resource_type != 'model' or model.config.materialized != 'incremental' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set chosen = run_query("select coalesce(current_setting('twilio.full_build', true), '')") -%}
    {{ return(chosen.columns[0].values()[0] == model.name) }}
{% endmacro %}


{#- Analyze the tables the builds read whose statistics are stale (more than 1,000 rows plus a tenth
    of the table written since the last analyze): the raw tables after a large sync, the models and
    the change log a build has just rewritten. Autovacuum gets there eventually; a build that reads a
    table right after it changed would otherwise plan with its old size. Every dbt invocation starts
    with all of them (dbt_project.yml); each incremental build then checks `tables`, its own inputs
    (`twilio_input_tables`), so a small model never waits on analyzing a big table it does not read. -#}
{% macro twilio_refresh_statistics(tables=none) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if tables is none -%}
        {%- set schemas = [twilio_state_schema()] -%}
        {%- for instance in twilio_catalogue()['instances'] -%}
            {%- do schemas.append(instance['schema']) -%}
        {%- endfor -%}
        {%- for node in graph.nodes.values() if node.resource_type in ['model', 'snapshot'] and node.schema not in schemas -%}
            {%- do schemas.append(node.schema) -%}
        {%- endfor -%}
        {%- set chosen = "schemaname = any(array['" ~ (schemas | join("', '")) ~ "'])" -%}
    {%- else -%}
        {%- set chosen = "schemaname || '.' || relname = any(array['" ~ (tables | join("', '")) ~ "'])" -%}
    {%- endif -%}
    {%- set stale = run_query(
        "select format('%I.%I', schemaname, relname) from pg_stat_user_tables "
        ~ "where " ~ chosen ~ " and n_mod_since_analyze > 1000 + 0.1 * n_live_tup"
    ) -%}
    {%- for row in stale.rows -%}
        {%- do run_query('analyze ' ~ row[0]) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- The tables (`schema.name`) the current model reads: its inputs', looking through views to the
    tables under them (a staging view reads each instance's raw table), and its own. Not the change
    log: every build writes it, so it would be analyzed again and again; it is read through its index,
    and analyzed once per invocation at the start. -#}
{% macro twilio_input_tables() %}
    {%- set tables = [model.schema ~ '.' ~ model.alias] -%}
    {%- set pending = model.depends_on.nodes | list -%}
    {%- set seen = [] -%}
    {#- Jinja has no while loop: each turn handles one node and may queue its inputs (a view's). -#}
    {%- for _ in range(200) if pending -%}
        {%- set unique_id = pending.pop() -%}
        {%- if unique_id not in seen -%}
            {%- do seen.append(unique_id) -%}
            {%- if unique_id.startswith('source.') -%}
                {%- set source = graph.sources[unique_id] -%}
                {%- do tables.append(source.schema ~ '.' ~ source.identifier) -%}
            {%- elif unique_id in graph.nodes -%}
                {%- set node = graph.nodes[unique_id] -%}
                {%- if node.config.materialized in ['view', 'ephemeral'] -%}
                    {%- do pending.extend(node.depends_on.nodes) -%}
                {%- else -%}
                    {%- do tables.append(node.schema ~ '.' ~ node.alias) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables | unique | list) }}
{% endmacro %}


{#- A model of this project, by name (one lookup; see twilio_node_of). -#}
{% macro twilio_model_node(model_name) -%}
    {{ return(graph.nodes['model.' ~ project_name ~ '.' ~ model_name]) }}
{%- endmacro %}


{#- Whether the bookkeeping tables exist yet (the first build creates them). Commands that run the
    project's hooks created them at their start, so they know without asking: this is read by every
    test of a tick, and a round trip each was a good part of a tick's time. -#}
{% macro twilio_bookkeeping_exists() -%}
    {%- if flags.WHICH in ['run', 'build', 'test', 'seed', 'snapshot'] -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set found = run_query("select to_regclass('" ~ twilio_state_schema() ~ ".incremental_watermarks') is not null") -%}
    {{ return(found.columns[0].values()[0]) }}
{%- endmacro %}


{#- The model's watermark (see twilio_since), whatever its materialization. -#}
{% macro twilio_watermark() %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not twilio_bookkeeping_exists() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = twilio_state_schema() -%}
    {%- set parents = [] -%}
    {%- for node_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node and node.config.materialized == 'incremental' -%}
            {%- do parents.append("'" ~ node.name ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set found = run_query(
        "select w.changes_since::text, w.checksum is not distinct from '" ~ model.checksum.checksum ~ "', "
        ~ "w.row_count, "
        ~ "exists (select 1 from " ~ state ~ ".incremental_changes as c where c.key is null "
        ~ "and c.model = any(array[" ~ (parents | join(', ')) ~ "]::text[]) and c.changed_at > w.changes_since) "
        ~ "from " ~ state ~ ".incremental_watermarks as w "
        ~ "where w.model = '" ~ model.name ~ "' and w.changes_since is not null"
    ) -%}
    {%- if found.rows | length == 0 -%}
        {{ log(model.name ~ ": no watermark, building every key", info=False) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set since, same_sql, row_count, parent_rebuilt = found.rows[0] -%}
    {%- if not same_sql or parent_rebuilt -%}
        {{ log(model.name ~ ": the model changed or an input was rebuilt in full; building it in full", info=True) }}
        {{ return(none) }}
    {%- endif -%}
    {{ return({
        'log': "'" ~ since ~ "'::timestamptz",
        'raw': "('" ~ since ~ "'::timestamptz - interval '" ~ var('twilio_incremental_margin', '15 minutes') ~ "')",
        'row_count': row_count,
        'inputs': parents,
    }) }}
{% endmacro %}


{#- The moment the next build reads changes from: this transaction's start, or the start of the oldest
    transaction still open on the database if earlier (the sync stamps rows with its transaction's
    start, and an open transaction's rows are not visible yet). -#}
{% macro twilio_as_of() -%}
    least(now(), coalesce((
        select min(activity.xact_start)
        from pg_stat_activity as activity
        where activity.datname = current_database()
            and activity.pid <> pg_backend_pid()
            and activity.backend_type = 'client backend'
            and activity.xact_start is not null
    ), now()))
{%- endmacro %}


{#- The bookkeeping tables, created on first use: at the start of every invocation that runs the
    project's hooks (dbt_project.yml), and checked again by each build's pre-hook. -#}
{% macro twilio_create_bookkeeping() %}
    {%- set state = twilio_state_schema() -%}
do $twilio$
begin
    if to_regclass('{{ state }}.incremental_changes') is null then
        perform pg_advisory_xact_lock(hashtext('twilio_assets:incremental bookkeeping'));
        create schema if not exists {{ state }};
        create table if not exists {{ state }}.incremental_watermarks (
            model text primary key,
            changes_since timestamptz,
            previous_since timestamptz,
            pending_since timestamptz not null,
            checksum text,
            built_at timestamptz,
            row_count bigint
        );
        comment on table {{ state }}.incremental_watermarks is
            'Per incremental dbt model, snapshot and staging view: its next build reads the changes made after '
            'changes_since (previous_since: the build before); row_count: the rows of its table.';
        create table if not exists {{ state }}.incremental_changes (
            model text not null,
            key text,
            old_row jsonb,
            changed_at timestamptz not null
        );
        comment on table {{ state }}.incremental_changes is
            'Keys each incremental dbt build rewrote, with the row as it was before (key NULL: every key).';
        create index if not exists incremental_changes__model_changed_at
            on {{ state }}.incremental_changes (model, changed_at);
    end if;
end
$twilio$;
{%- endmacro %}


{#- Pre-hook of every incremental model and snapshot (inside its transaction): create the bookkeeping
    tables on first use, note the moment the next build will read changes from, and, for a full build of
    an incremental model, log that every key changed. -#}
{% macro twilio_incremental_begin() %}
    {%- set state = twilio_state_schema() -%}
{{ twilio_create_bookkeeping() }}
insert into {{ state }}.incremental_watermarks (model, pending_since)
values ('{{ model.name }}', least({{ twilio_as_of() }},
    nullif(current_setting('twilio.read_from', true), '')::timestamptz))
on conflict (model) do update set pending_since = excluded.pending_since;
    {%- if model.config.materialized == 'incremental' and not is_incremental() %}
insert into {{ state }}.incremental_changes (model, key, old_row, changed_at)
values ('{{ model.name }}', null, null, now());
    {%- elif model.config.materialized == 'incremental' %}
-- An incremental build joins by hash or merge, never by nested loop, and compiles nothing
-- (twilio_affected says why).
set local enable_nestloop = off;
set local jit = off;
    {%- endif %}
{% endmacro %}


{#- Post-hook (same transaction): the build is done, so its moment becomes the watermark (the one it
    read from is kept as `previous_since`, for the tests of views, unless its SQL changed); then drop the log entries every
    model has read (one build at a time prunes, the others skip it). -#}
{% macro twilio_incremental_end() %}
    {%- set state = twilio_state_schema() -%}
update {{ state }}.incremental_watermarks
set previous_since = case when checksum is not distinct from '{{ model.checksum.checksum }}' then changes_since end,
    changes_since = pending_since, checksum = '{{ model.checksum.checksum }}', built_at = now()
where model = '{{ model.name }}';
    {%- if model.resource_type == 'snapshot' %}
-- A snapshot only ever adds states: this run's are those stamped with its moment.
update {{ state }}.incremental_watermarks
set row_count = coalesce(row_count + (select count(*) from {{ this }} where snapshotted_at = now()), (select count(*) from {{ this }}))
where model = '{{ model.name }}';
    {%- elif model.config.materialized == 'incremental' %}
-- A full build (its pre-hook logged every key as changed) counts the table it just built, and gives
-- it statistics before a model reads it.
do $twilio$
begin
    if exists (
        select 1 from {{ state }}.incremental_changes as changes
        where changes.model = '{{ model.name }}' and changes.key is null and changes.changed_at = now()
    ) then
        update {{ state }}.incremental_watermarks set row_count = (select count(*) from {{ this }})
        where model = '{{ model.name }}';
        analyze {{ this }};
    end if;
end
$twilio$;
-- What twilio_affected left in this session is this build's alone.
select set_config('twilio.read_from', '', false), set_config('twilio.full_build', '', false);
drop table if exists pg_temp.{{ adapter.quote('twilio_affected__' ~ model.name) }};
    {%- endif %}
do $twilio$
begin
    if pg_try_advisory_xact_lock(hashtext('twilio_assets:incremental pruning')) then
        delete from {{ state }}.incremental_changes
        where changed_at < (select min(changes_since) from {{ state }}.incremental_watermarks);
    end if;
end
$twilio$;
{% endmacro %}


{#- ` and <the row changed or was deleted since>` for a staging view (its raw tables' indexed
    `greatest(_last_changed_at, _deleted_at)`), or nothing in a full build. -#}
{% macro twilio_and_changed_since(since, relation='') -%}
    {%- if since is not none -%}
        {%- set prefix = relation ~ '.' if relation else '' -%}
        and greatest({{ prefix }}last_changed_at, {{ prefix }}deleted_at) > {{ since.raw }}
    {%- endif -%}
{%- endmacro %}


{#- The keys of a staging view whose raw record changed, arrived or was deleted since `since`. -#}
{% macro twilio_changed_keys(staging_model, key, since) -%}
    select {{ key }} from {{ ref(staging_model) }} where true {{ twilio_and_changed_since(since) }}
{%- endmacro %}


{#- The log entries of an incremental model since `since`: `key`, and `old_row` (the row as it was
    before that build rewrote it; NULL for a key that had none). -#}
{% macro twilio_changes_of(model_name, since) -%}
    (
        select key, old_row from {{ twilio_state_schema() }}.incremental_changes
        where model = '{{ model_name }}' and key is not null and changed_at > {{ since.log }}
    )
{%- endmacro %}


{#- The values of `columns` ("name" or "name::type", text by default) that an incremental model's rows
    rewritten since `since` had before and have now: the groups (calls, days, …) whose figures a
    downstream model must recompute. -#}
{% macro twilio_changed_groups(model_name, columns, since) -%}
    {%- set node = twilio_model_node(model_name) -%}
    {%- set key = node.config.unique_key -%}
    {%- set names, types = [], [] -%}
    {%- for column in columns -%}
        {%- set parts = column.split('::') -%}
        {%- do names.append(parts[0]) -%}
        {%- do types.append(parts[1] if parts | length > 1 else 'text') -%}
    {%- endfor -%}
    select
        {%- for name in names %}
        cast(changes.old_row ->> '{{ name }}' as {{ types[loop.index0] }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ twilio_changes_of(model_name, since) }} as changes
    where changes.old_row is not null
    union
    select
        {%- for name in names %}
        cast(current_rows.{{ name }} as {{ types[loop.index0] }}){{ ',' if not loop.last }}
        {%- endfor %}
    from {{ twilio_rows_matching(ref(model_name), key, 'select key as ' ~ key ~ ' from ' ~ twilio_changes_of(model_name, since) ~ ' as changes', since) }} as current_rows
{%- endmacro %}


{#- This model's previous rows whose `column` names a key that `model_name` rewrote since `since`:
    the rows to rebuild because the record they link to changed, appeared or went. -#}
{% macro twilio_previous_rows_linked_to(column, model_name, since) -%}
    {{ twilio_rows_matching(this, column, 'select key as ' ~ column ~ ' from ' ~ twilio_changes_of(model_name, since) ~ ' as changes', since) }}
{%- endmacro %}


{#- In a full build, `relation`; otherwise the rows of `relation` whose `columns` equal those of a row of
    `keys` (a select naming the same columns): a lateral join, so each is found through the relation's
    index whatever the planner guesses of the number of keys (a guess that, too high, would read the
    whole table). Each lookup stays a subquery of its own (`offset 0`): PostgreSQL flattens a plain
    lateral subquery into an ordinary join, which brings that guess back; kept apart, every key is a
    probe of the index or, through a staging view, of each instance's raw table. -#}
{% macro twilio_rows_matching(relation, columns, keys, since) -%}
    {%- if since is none -%}
        {{ relation }}
    {%- else -%}
        {%- set columns = [columns] if columns is string else columns -%}
    (
        select found.*
        from (select distinct {{ columns | join(', ') }} from ({{ keys }}) as keys_wanted) as wanted
        cross join lateral (
            select * from {{ relation }} as candidate
            where {% for column in columns %}candidate.{{ column }} = wanted.{{ column }}{{ ' and ' if not loop.last }}{% endfor %}
            offset 0
        ) as found
    )
    {%- endif -%}
{%- endmacro %}


{#- The live rows of a staging view for a model that rebuilds `affected` keys: in a full build every
    live row; otherwise the rows that changed since `since`, plus the affected rows that did not change
    (a record whose links changed), taken as they were in the previous build (`columns` are the
    staging columns the model keeps under the same names). -#}
{% macro twilio_live_rows(staging_model, key, columns, since, affected='affected') %}
    select {{ columns | join(', ') }}
    from {{ ref(staging_model) }}
    where not is_deleted {{ twilio_and_changed_since(since) }}
    {%- if since is not none %}
    union all
    select {{ columns | join(', ') }}
    from {{ twilio_rows_matching(this, key, 'select ' ~ key ~ ' from ' ~ affected, since) }} as previous
    where {{ key }} not in ({{ twilio_changed_keys(staging_model, key, since) }})
    {%- endif %}
{% endmacro %}


{#- The model's final select. A full build: the rows of `relation`. An incremental build: one row per
    affected key (`_twilio_key_<n>`), joined to its new row when it has one (`_twilio_row`), so the
    strategy deletes every affected key and inserts what exists. -#}
{% macro twilio_rewrite(relation, unique_key, since, affected='affected') %}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- if not is_incremental() %}
select * from {{ relation }}
    {%- else %}
select
        {%- for key in keys %}
    affected.{{ key }} as _twilio_key_{{ loop.index }},
        {%- endfor %}
    rewritten.*
from (
        {%- if since is none %}
    -- Every key: the previous build's and this one's.
    select {{ keys | join(', ') }} from {{ this }}
    union
    select {{ keys | join(', ') }} from {{ relation }}
        {%- else %}
    select distinct {{ keys | join(', ') }} from {{ affected }}
    where {% for key in keys %}{{ key }} is not null{{ ' and ' if not loop.last }}{% endfor %}
        {%- endif %}
) as affected
left join (select true as _twilio_row, * from {{ relation }}) as rewritten
    on {% for key in keys %}rewritten.{{ key }} = affected.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
    {%- endif %}
{% endmacro %}


{#- The incremental strategy: log the affected keys' previous rows, delete them, insert the new rows.
    Columns the model gained or lost are added to or dropped from the table first. -#}
{% macro get_incremental_twilio_rewrite_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set state = twilio_state_schema() -%}
    {%- set columns = twilio_sync_table_columns(target_relation, temp_relation) -%}
    {%- set affected -%}
        (select distinct {% for key in keys %}_twilio_key_{{ loop.index }}{{ ', ' if not loop.last }}{% endfor %} from {{ temp_relation }})
    {%- endset -%}
analyze {{ temp_relation }};
-- The model's statement is done (its joins were kept from nested loops, see twilio_incremental_begin);
-- the statements below find each key through the table's index, where a loop of probes is right.
set local enable_nestloop to default;
set local jit to default;
    {%- if keys | length == 1 %}
insert into {{ state }}.incremental_changes (model, key, old_row, changed_at)
select '{{ model.name }}', affected._twilio_key_1, to_jsonb(previous), now()
from {{ affected }} as affected
left join {{ target_relation }} as previous on previous.{{ keys[0] }} = affected._twilio_key_1
where affected._twilio_key_1 is not null;
    {%- endif %}
-- The table's row count follows the rows deleted and inserted (counted once if not known yet), so
-- nobody has to count a whole table to know it (the Dagster assets show it).
update {{ state }}.incremental_watermarks
set row_count = coalesce(row_count, (select count(*) from {{ target_relation }})) - (
    select count(*) from {{ target_relation }} as previous
    join {{ affected }} as affected
        on {% for key in keys %}previous.{{ key }} = affected._twilio_key_{{ loop.index }}{{ ' and ' if not loop.last }}{% endfor %}
)
where model = '{{ model.name }}';
delete from {{ target_relation }} as previous
using {{ affected }} as affected
where {% for key in keys %}previous.{{ key }} = affected._twilio_key_{{ loop.index }}{{ ' and ' if not loop.last }}{% endfor %};
insert into {{ target_relation }} ({{ columns | join(', ') }})
select {{ columns | join(', ') }} from {{ temp_relation }} where _twilio_row;
update {{ state }}.incremental_watermarks
set row_count = row_count + (select count(*) from {{ temp_relation }} where _twilio_row)
where model = '{{ model.name }}';
-- Rewriting a large share of the table leaves its statistics stale for the models that read it next.
do $twilio$
begin
    if (select count(*) from {{ temp_relation }}) > 1000 + 0.1 * (
        select row_count from {{ state }}.incremental_watermarks where model = '{{ model.name }}'
    ) then
        analyze {{ target_relation }};
    end if;
end
$twilio$;
{% endmacro %}


{#- Make the table's columns the model's (the temp relation's, less the strategy's own), and return them
    quoted. A table built before its indexes were configured (an older materialization) gets them. -#}
{% macro twilio_sync_table_columns(target_relation, temp_relation) %}
    {%- set described -%}
        select attribute.attname, format_type(attribute.atttypid, attribute.atttypmod), attribute.attrelid = '{{ temp_relation }}'::regclass
        from pg_attribute as attribute
        where attribute.attrelid in ('{{ temp_relation }}'::regclass, '{{ target_relation }}'::regclass)
            and attribute.attnum > 0 and not attribute.attisdropped
        order by attribute.attrelid = '{{ temp_relation }}'::regclass desc, attribute.attnum
    {%- endset -%}
    {%- set rows = run_query(described).rows -%}
    {%- set model_columns, table_columns = [], [] -%}
    {%- for name, type, in_model in rows -%}
        {%- if in_model and not name.startswith('_twilio_') -%}
            {%- do model_columns.append((name, type)) -%}
        {%- elif not in_model -%}
            {%- do table_columns.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set model_names = model_columns | map(attribute=0) | list -%}
    {%- for name, type in model_columns if name not in table_columns -%}
        {%- do run_query('alter table ' ~ target_relation ~ ' add column ' ~ adapter.quote(name) ~ ' ' ~ type) -%}
    {%- endfor -%}
    {%- for name in table_columns if name not in model_names -%}
        {%- do run_query('alter table ' ~ target_relation ~ ' drop column ' ~ adapter.quote(name)) -%}
    {%- endfor -%}
    {%- set indexed = run_query("select count(*) from pg_index where indrelid = '" ~ target_relation ~ "'::regclass") -%}
    {%- if indexed.columns[0].values()[0] == 0 -%}
        {%- do create_indexes(target_relation) -%}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for name in model_names -%}
        {%- do quoted.append(adapter.quote(name)) -%}
    {%- endfor -%}
    {{ return(quoted) }}
{% endmacro %}


{#- ==================================================================================================
    Families: the conversation, Studio, media, alert, call-number, Verify and spend models (added with
    them; nothing above uses these). A child listed through its parent (a conversation's messages, an
    execution's steps, a flow's executions) is left out while the parent is deleted and comes back
    with it; a link whose target matters only through a few of its columns (live or not, its account,
    its day, its name) is rebuilt only when those change; and every lookup by key stays an index probe.
    ================================================================================================== -#}


{#- The keys an incremental model rewrote since `since` whose row appeared, went, or changed in one of
    `columns` (compared as JSON text, so any change counts): what a model reading only those columns of
    its rows must rebuild, so that, say, a conversation that closes or a message that is delivered does
    not rewrite every row linked to it. The select names the model's key. -#}
{% macro twilio_keys_changed_in(model_name, columns, since) -%}
    {%- set node = twilio_model_node(model_name) -%}
    {%- set key = node.config.unique_key -%}
    select changes.key as {{ key }}
    from {{ twilio_changes_of(model_name, since) }} as changes
    left join lateral (
        select * from {{ ref(model_name) }} as candidate where candidate.{{ key }} = changes.key offset 0
    ) as current_row on true
    where (changes.old_row is null) <> (current_row.{{ key }} is null)
        {%- for column in columns %}
        or (changes.old_row ->> '{{ column }}') is distinct from (to_jsonb(current_row.{{ column }}) #>> '{}')
        {%- endfor %}
{%- endmacro %}


{#- The rows an incremental model's builds since `since` added: keys that had no row before (new
    records, and records that came back). -#}
{% macro twilio_rows_added_to(model_name, since) -%}
    {%- set node = twilio_model_node(model_name) -%}
    {%- set key = node.config.unique_key -%}
    {{ twilio_rows_matching(ref(model_name), key, 'select key as ' ~ key ~ ' from ' ~ twilio_changes_of(model_name, since) ~ ' as changes where changes.old_row is null', since) }}
{%- endmacro %}


{#- This model's previous rows that a change to records of a small list table (what exists now, rebuilt
    whole every build) makes wrong: a row names a list record in `link_column`, resolves it (same
    account) in `resolved_column` (the record's `list_key`; the link matches its `list_link`, by default
    the key) and copies some of its columns (`copied`: this model's column -> the list's). `listed` is
    the list's live rows (a relation or subquery with `account_sid`), `changed_keys` a select of the
    `list_key`s whose raw record changed since `since`.
    Reading every row linked to a changed record would cost that record's whole history (a Verify
    service's attempts, a flow's executions) each time it changes at all. But every build leaves the
    rows resolving a record with one same copy of it (the full build writes them so, and this macro
    rewrites them all when the record's copy changes), so one such row tells whether they still match:
    if the record is gone, moved account, or changed a copied column, all of them are rewritten
    (through an index on `resolved_column`); and the rows naming it in its account without resolving
    it are the ones it now resolves (an index on link, account and resolved column finds them). -#}
{% macro twilio_rows_relinked(link_column, resolved_column, listed, list_key, changed_keys, since, list_link=none, copied={}) -%}
    {%- set list_link = list_link or list_key -%}
    (
        select previous.*
        from (select distinct {{ list_key }} from ({{ changed_keys }}) as changed_wanted) as changed
        cross join lateral (
            select * from {{ this }} as sample where sample.{{ resolved_column }} = changed.{{ list_key }} limit 1
        ) as sample
        left join {{ listed }} as listed on listed.{{ list_key }} = changed.{{ list_key }}
        cross join lateral (
            select * from {{ this }} as previous where previous.{{ resolved_column }} = changed.{{ list_key }} offset 0
        ) as previous
        where listed.{{ list_key }} is null
            or listed.account_sid is distinct from sample.account_sid
            or listed.{{ list_link }} is distinct from sample.{{ link_column }}
            {%- for column, source in copied.items() %}
            or listed.{{ source }} is distinct from sample.{{ column }}
            {%- endfor %}
        union all
        select previous.*
        from (select distinct {{ list_key }} from ({{ changed_keys }}) as changed_wanted) as changed
        inner join {{ listed }} as listed on listed.{{ list_key }} = changed.{{ list_key }}
        cross join lateral (
            select * from {{ this }} as previous
            where previous.{{ link_column }} = listed.{{ list_link }}
                and previous.account_sid = listed.account_sid
                and previous.{{ resolved_column }} is null
            offset 0
        ) as previous
    )
{%- endmacro %}


{#- The records of `collection_name` stored under the parents in `parents` (a select naming
    `instance_name` and `parent_sid`, the value of the raw column `parent_column`), as `instance_name`
    and `sid` (the raw primary key): read from the raw tables through the index the read mode keeps on
    `parent_column`, because the staging view turns that column into an expression no index serves.
    For the children a model left out while their parent was deleted: nothing else finds them when the
    parent comes back, since they did not change. -#}
{% macro twilio_raw_children(collection_name, parent_column, parents) -%}
    {%- set catalogue = twilio_catalogue() -%}
    {%- set primary_key = catalogue['collections'][collection_name]['primary_key'] -%}
    {%- set instances = [] -%}
    {%- for instance in catalogue['instances'] -%}
        {%- if collection_name in instance['collections'] -%}{%- do instances.append(instance) -%}{%- endif -%}
    {%- endfor -%}
    {%- if instances | length == 0 -%}
    select cast(null as text) as instance_name, cast(null as text) as sid where false
    {%- else -%}
    select found.instance_name, found.sid
    from (select distinct instance_name, parent_sid from ({{ parents }}) as parents_wanted) as wanted
    cross join lateral (
        {%- for instance in instances %}
        (
            select cast('{{ instance['name'] }}' as text) as instance_name, cast(raw.{{ adapter.quote(primary_key) }} as text) as sid
            from {{ source(instance['schema'], collection_name) }} as raw
            where wanted.instance_name = '{{ instance['name'] }}' and raw.{{ adapter.quote(parent_column) }} = wanted.parent_sid
            offset 0
        )
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as found
    {%- endif -%}
{%- endmacro %}


{#- The live rows of a staging view's records `found` (a select naming `instance_name` and `sid`, e.g.
    twilio_raw_children) that did not change since `since` and that this model's previous build did not
    hold: records coming back with their parent, which twilio_live_rows leaves out (it takes unchanged
    records from the previous build). `sid_column` is the view's column holding the raw primary key;
    the model lists these records' keys in its `affected` too. -#}
{% macro twilio_returning_rows(staging_model, key, sid_column, columns, found, since) %}
    select {{ columns | join(', ') }}
    from {{ twilio_rows_matching(ref(staging_model), ['instance_name', sid_column], 'select instance_name, sid as ' ~ sid_column ~ ' from (' ~ found ~ ') as found', since) }} as coming_back
    where not coming_back.is_deleted
        and greatest(coming_back.last_changed_at, coming_back.deleted_at) <= {{ since.raw }}
        and not exists (select 1 from {{ this }} as previous where previous.{{ key }} = coming_back.{{ key }} offset 0)
{% endmacro %}
