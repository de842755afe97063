-- Live call feedback (Voice Insights annotations) with the annotated leg and its root leg resolved.
-- Incremental: a build rewrites the annotations whose raw record changed or was deleted, and those
-- whose call leg was rewritten in int_twilio__call_legs.
{{ twilio_incremental('call_feedback_key', indexes=['root_call_key', 'call_key']) }}
{%- set since = twilio_since() %}
{%- set feedback_columns = [
    'call_feedback_key', 'instance_name', 'account_sid', 'account_key', 'call_sid', 'call_key',
    'quality_score', 'issues', 'answered_by', 'connectivity_issue', 'is_spam', 'comment', 'incident',
    'call_state', 'processing_state', 'call_started_at'] %}

{%- if since %}
{%- set affected_keys %}
    {{ twilio_changed_keys('stg_twilio__call_feedback', 'call_feedback_key', since) }}
    union
    select call_feedback_key from {{ twilio_previous_rows_linked_to('call_key', 'int_twilio__call_legs', since) }} as previous
{%- endset %}
{%- set since = twilio_affected(since, affected_keys) %}
{%- endif %}

with
{%- if since %}
affected as (select * from {{ since.affected }}),
{%- endif %}

feedback as (
    {{ twilio_live_rows('stg_twilio__call_feedback', 'call_feedback_key', feedback_columns, since) }}
),

legs as (
    select call_key, root_call_key, account_sid
    from {{ twilio_rows_matching(ref('int_twilio__call_legs'), 'call_key', 'select call_key from feedback', since) }} as legs
),

linked as (
    select
        feedback.call_feedback_key,
        feedback.instance_name,
        feedback.account_sid,
        feedback.account_key,
        feedback.call_sid,
        feedback.call_key,
        legs.call_key as resolved_call_key,
        legs.root_call_key,
        feedback.quality_score,
        feedback.issues,
        feedback.answered_by,
        feedback.connectivity_issue,
        feedback.is_spam,
        feedback.comment,
        feedback.incident,
        feedback.call_state,
        feedback.processing_state,
        feedback.call_started_at
    from feedback
    left join legs
        on legs.call_key = feedback.call_key
        and legs.account_sid = feedback.account_sid
)

{{ twilio_rewrite('linked', 'call_feedback_key', since) }}
