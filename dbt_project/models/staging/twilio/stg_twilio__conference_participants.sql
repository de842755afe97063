-- One row per conference participant (Voice Insights, historic) per instance; deleted rows stay, flagged.
with raw as (
    {{ twilio_union_raw('conference_participants') }}
)

select
    {{ twilio_key('participant_sid') }} as participant_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    participant_sid,
    {{ twilio_text('conference_sid') }} as conference_sid,
    {{ twilio_key('conference_sid') }} as conference_key,
    {{ twilio_text('call_sid') }} as call_sid,
    {{ twilio_key('call_sid') }} as call_key,
    {{ twilio_text('label') }} as label,
    {{ twilio_text('call_direction') }} as call_direction,
    {{ twilio_text('call_status') }} as call_status,
    {{ twilio_text('call_type') }} as call_type,
    {{ twilio_text('from') }} as from_number,
    {{ twilio_text('to') }} as to_number,
    {{ twilio_text('country_code') }} as country_code,
    is_moderator,
    is_coach,
    coached_participants as coached_call_sids,
    join_time as joined_at,
    leave_time as left_at,
    duration_seconds,
    {{ twilio_text('processing_state') }} as processing_state,
    {{ twilio_text('url') }} as url,
    {{ twilio_sync_columns() }}
from raw
