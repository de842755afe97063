-- Live call feedback (Voice Insights annotations) with the annotated leg and its root leg resolved.
with feedback as (
    select * from {{ ref('stg_twilio__call_feedback') }}
    where not is_deleted
),

legs as (
    select call_key, root_call_key, account_sid from {{ ref('int_twilio__call_legs') }}
)

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
