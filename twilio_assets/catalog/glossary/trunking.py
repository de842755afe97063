"""Column descriptions of the `trunking` collections (see core.py for the conventions)."""

from __future__ import annotations

FIELDS: dict[str, str] = {}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    ("trunks", "sid"): "Trunk SID (TK…); primary key, what calls.trunk_sid and incoming_phone_numbers.trunk_sid name.",
    ("trunks", "domain_name"): "The trunk's termination SIP domain, ending in pstn.twilio.com.",
    ("trunks", "auth_type"): "How the domain authenticates traffic: IP_ACL, CREDENTIAL_LIST, both comma-separated, or empty (no traffic).",
    ("trunks", "auth_type_set"): "Reserved: JSON array form of auth_type.",
    ("trunks", "secure"): "True when Secure Trunking is on: TLS for signalling and SRTP for media.",
    ("trunks", "cnam_lookup_enabled"): "True when inbound calls from the US and Canada get a caller name (CNAM) lookup.",
    ("trunks", "symmetric_rtp_enabled"): "True when Twilio sends media back to where it comes from rather than to the SDP address.",
    ("trunks", "transfer_mode"): "Call transfer setting: enable-all, sip-only or disable-all.",
    ("trunks", "transfer_caller_id"): "Caller ID shown to a transfer target: from-transferee or from-transferor.",
    ("trunks", "recording"): "JSON object of the recording settings: mode and trim.",
    ("trunks", "recording_mode"): "Whether calls are recorded: do-not-record, record-from-ringing or record-from-answer (and dual variants).",
    ("trunks", "disaster_recovery_url"): "URL whose TwiML handles calls when the origination URLs fail.",
    ("trunks", "disaster_recovery_method"): "HTTP method used for the disaster recovery URL: GET or POST.",
    ("trunks", "date_created"): "When the trunk was created, in UTC.",
    ("trunks", "url"): "Absolute API URL of this trunk on trunking.twilio.com.",
    ("trunks", "links"): "JSON object of the trunk's related API URLs (origination URLs, credential lists, ACLs, phone numbers).",
}
# fmt: on
