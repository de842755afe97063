{#- What the last build wrote, for the data tests: a tick's tests check the rows and groups its builds
    touched, so they cost what the changes cost, not what the history holds (dbt_project/README.md,
    "Tests"). After a full build (or before any bookkeeping exists) "what the last build wrote" is
    every row, so the tests then check everything. -#}


{#- Generic tests opt in with `where: "__twilio_last_build__"` (dbt_project.yml sets it for every
    test); the token can be combined with other conditions (`__twilio_last_build__ and …`), and any
    other `where` works as dbt's. -#}
{% macro postgres__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') or '' -%}
    {%- set rows = relation -%}
    {%- if '__twilio_last_build__' in where -%}
        {%- set rows = twilio_last_build_rows(relation) -%}
        {%- set where = where.replace('__twilio_last_build__', 'true') -%}
    {%- endif -%}
    {%- if where and where != 'true' -%}
        {%- set filtered -%}
            (select * from {{ rows }} as tested where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- elif rows is not string -%}
        {{ return(relation) }}
    {%- else -%}
        {{ return(rows ~ ' dbt_subquery') }}
    {%- endif -%}
{%- endmacro %}


{#- The project node (model or snapshot) behind a relation, or none: looked up among the current
    node's inputs (a test's are what it tests), never by scanning the graph, which dbt serializes
    node by node and which made each of a tick's ~600 tests cost tens of milliseconds to compile. -#}
{% macro twilio_node_of(relation) -%}
    {%- for unique_id in model.depends_on.nodes if unique_id.startswith(('model.', 'snapshot.')) -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node and node.schema == relation.schema and node.alias == relation.identifier -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- The bookkeeping of a node's last build: {'built_at', 'previous_since'} as SQL literals (or none)
    and 'full' (whether it was an incremental model's full build), in one round trip; or none when
    there is none yet, or when the var `twilio_check_everything` asks the tests to
    check every row (an audit: `dbt test --vars '{twilio_check_everything: true}'`). -#}
{% macro twilio_last_build_of(node_name) -%}
    {%- if not execute or var('twilio_check_everything', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not twilio_bookkeeping_exists() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = twilio_state_schema() -%}
    {%- set found = run_query(
        "select w.built_at::text, w.previous_since::text, exists (select 1 from " ~ state ~ ".incremental_changes as c "
        ~ "where c.model = w.model and c.changed_at = w.built_at and c.key is null) "
        ~ "from " ~ state ~ ".incremental_watermarks as w "
        ~ "where w.model = '" ~ node_name ~ "' and w.built_at is not null") -%}
    {%- if found.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built_at, previous_since, full = found.rows[0][0], found.rows[0][1], found.rows[0][2] -%}
    {{ return({
        'built_at': "'" ~ built_at ~ "'::timestamptz",
        'previous_since': ("'" ~ previous_since ~ "'::timestamptz") if previous_since else none,
        'full': full,
    }) }}
{%- endmacro %}


{#- The rows the last build of `relation` wrote, as a subquery (or the relation itself):
    * an incremental model: the rows of the keys it rewrote (every row after a full build);
    * a snapshot: the states its last run took in (their `snapshotted_at` is that run's moment, a
      literal here so the planner reads the index whatever the column's statistics);
    * a staging view: the rows whose raw record changed, arrived or was deleted since the build before
      it read its changes (less the safety margin): what this tick brought in;
    * anything else: every row. -#}
{% macro twilio_last_build_rows(relation) -%}
    {%- set node = twilio_node_of(relation) if execute else none -%}
    {%- if node is none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set last = twilio_last_build_of(node.name) -%}
    {%- if last is none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set materialized = node.config.materialized -%}
    {%- if node.resource_type == 'snapshot' and (node.config.meta or {}).get('twilio_changed_rows_only') -%}
        {{ return("(select * from " ~ relation ~ " where snapshotted_at = " ~ last.built_at ~ ")") }}
    {%- elif node.resource_type == 'model' and materialized == 'view' -%}
        {%- if last.previous_since is none -%}
            {{ return(relation) }}
        {%- endif -%}
        {{ return("(select * from " ~ relation ~ " where greatest(last_changed_at, deleted_at) > (" ~ last.previous_since
            ~ " - interval '" ~ var('twilio_incremental_margin', '15 minutes') ~ "'))") }}
    {%- elif node.resource_type == 'model' and materialized == 'incremental' and node.config.unique_key is string -%}
        {%- set key = node.config.unique_key -%}
        {%- if last.full -%}
            {{ return(relation) }}
        {%- endif -%}
        {%- set logged = twilio_last_build_log(node.name, last) -%}
        {{ return(twilio_rows_matching(relation, key, "select key as " ~ key ~ " from (" ~ logged ~ " and changes.key is not null) as changes", {})) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}


{#- The change-log entries of a model's last build (`key`, `old_row`; key NULL: a full build). -#}
{% macro twilio_last_build_log(model_name, last) -%}
    select changes.key, changes.old_row from {{ twilio_state_schema() }}.incremental_changes as changes
    where changes.model = '{{ model_name }}' and changes.changed_at = {{ last.built_at }}
{%- endmacro %}


{#- For the singular tests: the values of `columns` ("name" or "name::type") that the rows the last
    build of incremental model `model_name` rewrote had before or have now, i.e. the groups (calls,
    days, …) whose figures that build moved. After a full build (or with no bookkeeping yet), every
    group the model holds. -#}
{% macro twilio_last_build_groups(model_name, columns) -%}
    {%- set names, casts = [], [] -%}
    {%- for column in columns -%}
        {%- set parts = column.split('::') -%}
        {%- do names.append(parts[0]) -%}
        {%- do casts.append(parts[1] if parts | length > 1 else 'text') -%}
    {%- endfor -%}
    {%- set relation = ref(model_name) -%}
    {%- set last = twilio_last_build_of(model_name) if execute else none -%}
    {%- if last is none or last.full %}
    select distinct {{ names | join(', ') }} from {{ relation }}
    {%- else %}
    select
        {%- for name in names %}
        cast(changes.old_row ->> '{{ name }}' as {{ casts[loop.index0] }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from ({{ twilio_last_build_log(model_name, last) }} and changes.old_row is not null) as changes
    union
    select {{ names | join(', ') }}
    from {{ twilio_last_build_rows(relation) }} as current_rows
    {%- endif %}
{%- endmacro %}
