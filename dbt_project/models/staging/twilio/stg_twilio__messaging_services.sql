-- One row per Messaging Service per instance (the services of the account whose credentials the
-- instance uses); deleted services stay, flagged.
with raw as (
    {{ twilio_union_raw('messaging_services') }}
)

select
    {{ twilio_key('sid') }} as messaging_service_key,
    instance_name,
    account_sid,
    {{ twilio_key('account_sid') }} as account_key,
    sid as messaging_service_sid,
    {{ twilio_text('friendly_name') }} as friendly_name,
    {{ twilio_text('usecase') }} as usecase,
    us_app_to_person_registered as is_us_a2p_registered,
    {{ twilio_text('inbound_request_url') }} as inbound_request_url,
    {{ twilio_text('inbound_method') }} as inbound_method,
    {{ twilio_text('fallback_url') }} as fallback_url,
    {{ twilio_text('fallback_method') }} as fallback_method,
    {{ twilio_text('status_callback') }} as status_callback_url,
    use_inbound_webhook_on_number as uses_number_webhooks,
    sticky_sender as is_sticky_sender,
    mms_converter as converts_mms,
    smart_encoding as uses_smart_encoding,
    {{ twilio_text('scan_message_content') }} as scan_message_content,
    area_code_geomatch as matches_area_code,
    validity_period as validity_period_seconds,
    date_created as created_at,
    date_updated as updated_at,
    {{ twilio_sync_columns() }}
from raw
