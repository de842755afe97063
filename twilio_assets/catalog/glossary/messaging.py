"""Column descriptions of the `messaging` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # messaging_services
    ("messaging_services", "sid"): "Messaging Service SID (MG…); primary key, what messages.messaging_service_sid names.",
    ("messaging_services", "usecase"): "What the service is for: notifications, marketing, verification, discussion, poll or undeclared.",
    ("messaging_services", "us_app_to_person_registered"): "True once a US A2P 10DLC campaign is registered for this service.",
    ("messaging_services", "inbound_request_url"): "Webhook called for messages received on the service's senders; null means inbound messages are dropped.",
    ("messaging_services", "inbound_method"): "HTTP method of the inbound webhook: GET or POST.",
    ("messaging_services", "fallback_url"): "Webhook called when the inbound webhook fails.",
    ("messaging_services", "fallback_method"): "HTTP method of the fallback webhook: GET or POST.",
    ("messaging_services", "status_callback"): "URL that receives delivery status updates of the service's messages.",
    ("messaging_services", "use_inbound_webhook_on_number"): "True when each number's own webhook handles inbound messages instead of the service's.",
    ("messaging_services", "sticky_sender"): "True when a recipient keeps getting messages from the same sender of the pool.",
    ("messaging_services", "mms_converter"): "True when MMS to recipients that cannot take them is sent as SMS with a link.",
    ("messaging_services", "smart_encoding"): "True when look-alike Unicode characters are replaced so a message fits GSM-7 segments.",
    ("messaging_services", "scan_message_content"): "Reserved setting: inherit, enable or disable.",
    ("messaging_services", "fallback_to_long_code"): "Obsolete: whether short-code failures were retried from a long code.",
    ("messaging_services", "area_code_geomatch"): "True when the sender is picked to match the recipient's area code.",
    ("messaging_services", "synchronous_validation"): "Reserved setting.",
    ("messaging_services", "validity_period"): "Seconds a queued message may wait before it is dropped undelivered (1 to 36,000).",
    ("messaging_services", "url"): "Absolute API URL of this service on messaging.twilio.com.",
    ("messaging_services", "links"): "JSON object of the service's related API URLs (phone numbers, short codes, alpha senders, ...).",
    # messaging_service_phone_numbers
    ("messaging_service_phone_numbers", "sid"): "The number's own SID (PN…), as in incoming_phone_numbers.sid; primary key (a number is in one service at a time).",
    ("messaging_service_phone_numbers", "service_sid"): "SID of the Messaging Service the number is in (MG…); joins messaging_services.sid.",
    ("messaging_service_phone_numbers", "phone_number"): "The number in E.164 form, e.g. +14155550100.",
    ("messaging_service_phone_numbers", "country_code"): "Country of the number as an ISO 3166-1 alpha-2 code, e.g. US.",
    ("messaging_service_phone_numbers", "capabilities"): "JSON array of what the number can do: Voice, SMS, MMS.",
    ("messaging_service_phone_numbers", "date_created"): "When the number was added to the service, in UTC.",
    ("messaging_service_phone_numbers", "url"): "Absolute API URL of this number within its service on messaging.twilio.com.",
}
# fmt: on
