-- One row per annotated call per instance (Voice Insights annotations, the successor of Call
-- Feedback); deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('call_feedback') }}
)

select
    {{ twilio_key('call_sid') }} as call_feedback_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    call_sid,
    {{ twilio_key('call_sid') }} as call_key,
    quality_score,
    -- Always a JSON array (empty when no issue was reported), so counting and unnesting need no guard.
    case when jsonb_typeof(issues) = 'array' then issues else '[]'::jsonb end as issues,
    {{ twilio_text('answered_by') }} as answered_by,
    {{ twilio_text('connectivity_issue') }} as connectivity_issue,
    spam as is_spam,
    {{ twilio_text('comment') }} as comment,
    {{ twilio_text('incident') }} as incident,
    {{ twilio_text('call_state') }} as call_state,
    {{ twilio_text('call_type') }} as call_type,
    {{ twilio_text('processing_state') }} as processing_state,
    call_start_time as call_started_at,
    call_end_time as call_ended_at,
    annotation,
    {{ twilio_sync_columns() }}
from raw
