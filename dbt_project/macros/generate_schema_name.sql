{#- Use each layer's schema name as written (twilio_staging, twilio_linkage, twilio_marts) instead of
    dbt's default "<target schema>_<custom schema>", so users find the tables where the docs say. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
