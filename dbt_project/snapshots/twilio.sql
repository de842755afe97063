{#- History of the raw collections whose records change after they first appear: every state a sync
    stored, one row per state (macros/history.sql, `twilio_snapshot`). A collection is one line: its
    staging model and key. A snapshot runs once per build, so it holds the states present when each
    build ran, not states that came and went between two builds. -#}
{% snapshot snp_twilio__calls %}{{ twilio_snapshot('stg_twilio__calls', 'call_key') }}{% endsnapshot %}
{% snapshot snp_twilio__messages %}{{ twilio_snapshot('stg_twilio__messages', 'message_key') }}{% endsnapshot %}
{% snapshot snp_twilio__conferences %}{{ twilio_snapshot('stg_twilio__conferences', 'conference_key') }}{% endsnapshot %}
{% snapshot snp_twilio__recordings %}{{ twilio_snapshot('stg_twilio__recordings', 'recording_key') }}{% endsnapshot %}
{% snapshot snp_twilio__transcriptions %}{{ twilio_snapshot('stg_twilio__transcriptions', 'transcription_key') }}{% endsnapshot %}
{% snapshot snp_twilio__conversations %}{{ twilio_snapshot('stg_twilio__conversations', 'conversation_key') }}{% endsnapshot %}
{% snapshot snp_twilio__studio_executions %}{{ twilio_snapshot('stg_twilio__studio_executions', 'execution_key') }}{% endsnapshot %}
{% snapshot snp_twilio__verify_attempts %}{{ twilio_snapshot('stg_twilio__verify_attempts', 'verify_attempt_key') }}{% endsnapshot %}
{% snapshot snp_twilio__taskrouter_tasks %}{{ twilio_snapshot('stg_twilio__taskrouter_tasks', 'task_key') }}{% endsnapshot %}
{% snapshot snp_twilio__usage_records %}{{ twilio_snapshot('stg_twilio__usage_records', 'usage_record_key') }}{% endsnapshot %}
