"""Column descriptions of the `verify` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {
    "verification_sid": "SID of the verification (VE…) the attempt belongs to; one verification may send its code several times.",
}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # verify_services
    ("verify_services", "sid"): "Verify service SID (VA…); primary key, named by verify_attempts.service_sid.",
    ("verify_services", "friendly_name"): "Service name, shown in the verification messages (up to 30 characters).",
    ("verify_services", "code_length"): "Number of digits in the codes the service sends (4 to 10).",
    ("verify_services", "lookup_enabled"): "Whether each verification first looks the phone number up and reports on it.",
    ("verify_services", "psd2_enabled"): "Whether verifications carry PSD2 payment details (amount and payee).",
    ("verify_services", "skip_sms_to_landlines"): "Whether SMS codes to landlines are skipped (needs lookup_enabled).",
    ("verify_services", "dtmf_input_required"): "Whether a voice call asks for a key press before reading the code.",
    ("verify_services", "tts_name"): "Alternative text-to-speech voice used for codes read out in calls.",
    ("verify_services", "do_not_share_warning_enabled"): "Whether SMS codes end with a warning not to share them.",
    ("verify_services", "custom_code_enabled"): "Whether verifications may send a code chosen by the caller instead of a generated one.",
    ("verify_services", "push"): "JSON settings of the service's push factors (credentials, whether dates are included).",
    ("verify_services", "totp"): "JSON settings of the service's TOTP factors: issuer, time step, code length, skew.",
    ("verify_services", "default_template_sid"): "SID of the default message template (HJ…), if one is set.",
    ("verify_services", "whatsapp"): "JSON settings of the WhatsApp channel: messaging service and sender.",
    ("verify_services", "passkeys"): "JSON settings of passkey factors: relying party, authenticator and verification rules.",
    ("verify_services", "verify_event_subscription_enabled"): "Whether the service's verifications are published to Event Streams sinks.",
    ("verify_services", "url"): "Absolute API URL of this service on verify.twilio.com.",
    ("verify_services", "links"): "JSON object of the service's related API URLs (verifications, checks, rate limits, ...).",
    # verify_attempts
    ("verify_attempts", "sid"): "Verification attempt SID (VL…); primary key.",
    ("verify_attempts", "service_sid"): "SID of the Verify service that sent the attempt (VA…); joins verify_services.sid.",
    ("verify_attempts", "date_created"): "When the attempt was made, in UTC; places it in its daily partition.",
    ("verify_attempts", "date_updated"): "When the attempt last changed (price, delivery or conversion), in UTC.",
    ("verify_attempts", "conversion_status"): "converted once the user entered the code this attempt carried, else unconverted.",
    ("verify_attempts", "channel"): "How the code went out: sms, call, email, whatsapp or rbm.",
    ("verify_attempts", "price"): "Channel cost of the attempt (a positive amount) in price_unit; null until Twilio prices it, and may be revised for a day.",
    ("verify_attempts", "price_unit"): "Currency of the price, as Twilio sends it (lower case, e.g. usd).",
    ("verify_attempts", "country"): "Destination country of the attempt (ISO 3166-1 alpha-2), from channel_data; null for email.",
    ("verify_attempts", "message_status"): "Delivery state of the SMS or WhatsApp message, from channel_data (e.g. sent, delivered, undelivered).",
    ("verify_attempts", "channel_data"): "JSON details of the attempt for its channel: destination, delivery status, error code, carrier.",
    ("verify_attempts", "url"): "Absolute API URL of this attempt on verify.twilio.com.",
}
# fmt: on
