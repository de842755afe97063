{#- Helpers shared by the staging models. The instance list and column types come from a file that
    `python -m twilio_assets.dbt.sources` generates from the instance settings and the catalogue. -#}

{% macro twilio_catalogue() %}
    {%- if twilio_generated_catalogue is not defined -%}
        {{ exceptions.raise_compiler_error(
            "The generated Twilio sources are missing (macros/_generated__twilio_catalogue.sql). "
            ~ "Fix: run `python -m twilio_assets.dbt.sources` from the repository root, then dbt again."
        ) }}
    {%- endif -%}
    {{ return(twilio_generated_catalogue()) }}
{% endmacro %}


{#- Every instance's raw table for one collection, stacked, with the instance it came from.
    Columns keep Twilio's names; `account_sid` is always present (an account row is its own account).
    When no instance syncs the collection this is an empty relation with the same columns and types,
    so staging, linkage and marts still build. -#}
{% macro twilio_union_raw(collection_name) %}
    {%- set catalogue = twilio_catalogue() -%}
    {%- if collection_name not in catalogue['collections'] -%}
        {{ exceptions.raise_compiler_error("Unknown Twilio collection '" ~ collection_name ~ "'; known: " ~ (catalogue['collections'].keys() | join(', '))) }}
    {%- endif -%}
    {%- set collection = catalogue['collections'][collection_name] -%}
    {%- set instances = [] -%}
    {%- for instance in catalogue['instances'] -%}
        {%- if collection_name in instance['collections'] -%}{%- do instances.append(instance) -%}{%- endif -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- for name, type in collection['columns'] + catalogue['meta_columns'] -%}
        {%- if name != 'account_sid' -%}{%- do columns.append((name, type)) -%}{%- endif -%}
    {%- endfor -%}
    {%- set has_account = collection['columns'] | selectattr(0, 'equalto', 'account_sid') | list | length > 0 -%}
    {%- set account_expr = 'account_sid' if has_account else collection['primary_key'] -%}
    {%- if instances | length == 0 %}
    -- No instance syncs {{ collection_name }}: an empty, typed relation.
    select
        cast(null as text) as instance_name,
        cast(null as text) as account_sid,
        {%- for name, type in columns %}
        cast(null as {{ type }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
    where false
    {%- else -%}
    {%- for instance in instances %}
    select
        cast('{{ instance['name'] }}' as text) as instance_name,
        cast(raw.{{ adapter.quote(account_expr) }} as text) as account_sid,
        {%- for name, type in columns %}
        cast(raw.{{ adapter.quote(name) }} as {{ type }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ source(instance['schema'], collection_name) }} as raw
    {% if not loop.last %}union all{% endif %}
    {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{#- A text value with Twilio's "" (absent) turned into NULL. -#}
{% macro twilio_text(column) -%}
    nullif({{ adapter.quote(column) }}, '')
{%- endmacro %}


{#- The model key of a Twilio SID: the instance name and the SID, so two instances that hold the same
    record (or one account synced twice) never collide. NULL when the SID is absent. -#}
{% macro twilio_key(column) -%}
    (instance_name || ':' || nullif({{ adapter.quote(column) }}, ''))
{%- endmacro %}


{#- Sync bookkeeping every staging model exposes the same way. -#}
{% macro twilio_sync_columns() -%}
    _first_loaded_at as first_loaded_at,
    _last_changed_at as last_changed_at,
    _deleted_at as deleted_at,
    _deleted_at is not null as is_deleted
{%- endmacro %}


{#- The UTC calendar day of a timestamp: the day every daily figure is counted on. -#}
{% macro twilio_utc_date(expression) -%}
    cast(({{ expression }}) at time zone 'UTC' as date)
{%- endmacro %}


{#- A SQL list of the instances that sync a collection, e.g. ('prod', 'eu'); ('') when none do.
    Tests of a link into a collection use it so an instance that leaves that collection out on purpose
    is not reported as having dangling IDs. -#}
{% macro twilio_instances_syncing(collection_name) -%}
    {%- set names = [] -%}
    {%- for instance in twilio_catalogue()['instances'] -%}
        {%- if collection_name in instance['collections'] -%}{%- do names.append("'" ~ instance['name'] ~ "'") -%}{%- endif -%}
    {%- endfor -%}
    ({{ names | join(', ') if names else "''" }})
{%- endmacro %}
