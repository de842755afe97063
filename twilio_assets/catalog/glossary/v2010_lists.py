"""Column descriptions of the `v2010_lists` collections (see core.py for the conventions).

Everything here is an override: names like voice_url mean slightly different things in applications,
SIP domains and incoming numbers, and other families may use them too.
"""

from __future__ import annotations

FIELDS: dict[str, str] = {}


def _voice(collection: str, receives: str) -> dict[tuple[str, str], str]:
    """The voice webhook columns applications and SIP domains share."""
    return {
        (collection, "voice_url"): f"Webhook Twilio requests for TwiML when {receives} gets a call.",
        (collection, "voice_method"): "HTTP method Twilio uses to request voice_url: GET or POST.",
        (
            collection,
            "voice_fallback_url",
        ): "Webhook Twilio requests when fetching or running the TwiML from voice_url fails.",
        (collection, "voice_fallback_method"): "HTTP method Twilio uses to request voice_fallback_url: GET or POST.",
    }


# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # message_media
    ("message_media", "sid"): "Media SID (ME…); primary key, one row per file attached to a message.",
    ("message_media", "parent_sid"): "SID of the message the file is attached to (SM… or MM…); joins messages.sid.",
    ("message_media", "content_type"): "MIME type of the file, e.g. image/jpeg, image/png, video/mp4 or application/pdf.",
    # outgoing_caller_ids
    ("outgoing_caller_ids", "sid"): "Caller ID SID (PN…); primary key, and what an outbound call's calls.phone_number_sid points to.",
    ("outgoing_caller_ids", "phone_number"): "The verified number in E.164 form, shown as the caller on outbound calls.",
    ("outgoing_caller_ids", "friendly_name"): "Label of the caller ID; Twilio uses the formatted number unless the owner named it.",
    # applications
    ("applications", "sid"): "Application SID (AP…); primary key, named by incoming_phone_numbers.voice_application_sid and sms_application_sid.",
    **_voice("applications", "a number using this application"),
    ("applications", "voice_caller_id_lookup"): "True if Twilio looks up the caller's name (CNAM) on incoming calls; a paid option.",
    ("applications", "status_callback"): "URL Twilio sends call status updates to for calls that use this application.",
    ("applications", "status_callback_method"): "HTTP method Twilio uses to request status_callback: GET or POST.",
    ("applications", "sms_url"): "Webhook Twilio requests when a number using this application receives a message.",
    ("applications", "sms_method"): "HTTP method Twilio uses to request sms_url: GET or POST.",
    ("applications", "sms_fallback_url"): "Webhook Twilio requests when fetching or running the TwiML from sms_url fails.",
    ("applications", "sms_fallback_method"): "HTTP method Twilio uses to request sms_fallback_url: GET or POST.",
    ("applications", "sms_status_callback"): "URL Twilio sends status updates to for SMS that name this application.",
    ("applications", "message_status_callback"): "URL Twilio sends message status updates to for messages sent with this application.",
    ("applications", "public_application_connect_enabled"): "True if other Twilio accounts may dial this application with <Dial>.",
    # queues
    ("queues", "sid"): "Queue SID (QU…); primary key.",
    ("queues", "friendly_name"): "Name of the queue (up to 64 characters), as used in <Enqueue>.",
    ("queues", "current_size"): "Calls waiting in the queue when the list was read (a snapshot; each run overwrites it).",
    ("queues", "average_wait_time"): "Average seconds the calls in the queue had waited when the list was read (a snapshot).",
    ("queues", "max_size"): "Most calls the queue holds at once (Twilio's default is 1000, its limit 5000).",
    # sip_domains
    ("sip_domains", "sid"): "SIP domain SID (SD…); primary key.",
    ("sip_domains", "domain_name"): "The domain's address, ending in sip.twilio.com, that SIP traffic is sent to.",
    ("sip_domains", "friendly_name"): "Label the owner gave the domain.",
    ("sip_domains", "auth_type"): "How callers authenticate: IP_ACL, CREDENTIAL_LIST, or both separated by a comma.",
    **_voice("sip_domains", "the domain"),
    ("sip_domains", "voice_status_callback_url"): "URL Twilio sends call status updates (such as the call ending) to.",
    ("sip_domains", "voice_status_callback_method"): "HTTP method Twilio uses to request voice_status_callback_url: GET or POST.",
    ("sip_domains", "sip_registration"): "True if SIP endpoints may register with the domain to receive calls.",
    ("sip_domains", "emergency_calling_enabled"): "True if emergency calls may be placed through the domain (from numbers with validated addresses).",
    ("sip_domains", "secure"): "True if secure SIP is on: TLS is enforced and SRTP negotiated on incoming calls.",
    ("sip_domains", "byoc_trunk_sid"): "SID of the BYOC (Bring Your Own Carrier) trunk the domain uses (BY…), if any.",
    ("sip_domains", "emergency_caller_sid"): "SID of the phone number (PN…) used as callback number for emergency calls, if set.",
    # keys
    ("keys", "sid"): "API key SID (SK…); primary key. The key's secret is never stored: Twilio does not list it.",
    ("keys", "account_sid"): "SID of the account whose key list named this key (AC…): the list's path, as keys carry no account.",
    ("keys", "friendly_name"): "Label the owner gave the key.",
}
# fmt: on
