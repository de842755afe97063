"""Each list entry as the API serves it, at a clock time (every property of the spec's schema)."""

from __future__ import annotations

from collections.abc import Callable

from ...hashing import Draw, sid
from ...phones import formatted
from ...timefmt import US, rfc2822
from .plan import Entry, caller_id_number

API = "/2010-04-01/Accounts"
QUEUE_BUCKET_US = 5 * 60 * US  # queue occupancy is redrawn every five minutes

_CALLER_LABELS = ("Head office", "Support desk", "Sales team", "Warehouse", "Front desk", "Field team")
_APP_NAMES = (
    "Support IVR",
    "Sales line",
    "SMS autoresponder",
    "After-hours voicemail",
    "Appointment reminders",
    "Call tracking",
)
_QUEUE_NAMES = ("support", "sales", "billing", "callbacks", "priority", "overflow")
_KEY_NAMES = ("ci-deploy", "data-sync", "crm-integration", "reporting", "mobile-backend", "ops-scripts")
_DOMAIN_NAMES = ("hq", "branch", "callcenter", "lab", "remote")
_CONTENT_TYPES = ("image/jpeg", "image/jpeg", "image/png", "image/gif", "video/mp4", "audio/mpeg", "application/pdf")


def _name(entry: Entry, now: int, names: tuple[str, ...]) -> str:
    # A rename moves to the next name of the list.
    start = entry.draw("name").randint(0, len(names) - 1)
    return names[(start + entry.renamed(now)) % len(names)]


def _dates(entry: Entry, now: int) -> dict:
    return {"date_created": rfc2822(entry.created), "date_updated": rfc2822(entry.updated(now))}


def caller_id(entry: Entry, now: int, api_key_sid: str) -> dict:
    number = caller_id_number(entry)
    # Twilio names a caller ID after its formatted number unless the owner gives it a name.
    label = entry.draw("label").choice((None, *_CALLER_LABELS))
    return {
        "sid": entry.sid,
        **_dates(entry, now),
        "friendly_name": _name(entry, now, _CALLER_LABELS) if label else formatted(number),
        "account_sid": entry.account_sid,
        "phone_number": number,
        "uri": f"{API}/{entry.account_sid}/OutgoingCallerIds/{entry.sid}.json",
    }


def application(entry: Entry, now: int, api_key_sid: str) -> dict:
    d = entry.draw("urls")
    host = f"https://{entry.sid[2:10]}.example.com/twilio"
    voice = d.chance(0.7)
    sms = not voice or d.chance(0.5)
    return {
        "account_sid": entry.account_sid,
        "api_version": "2010-04-01",
        **_dates(entry, now),
        "friendly_name": _name(entry, now, _APP_NAMES),
        "message_status_callback": None,
        "sid": entry.sid,
        "sms_fallback_method": "POST",
        "sms_fallback_url": None,
        "sms_method": "POST",
        "sms_status_callback": f"{host}/sms-status" if sms and d.chance(0.5) else None,
        "sms_url": f"{host}/sms" if sms else None,
        "status_callback": f"{host}/call-status" if voice and d.chance(0.5) else None,
        "status_callback_method": "POST",
        "uri": f"{API}/{entry.account_sid}/Applications/{entry.sid}.json",
        "voice_caller_id_lookup": d.chance(0.2),
        "voice_fallback_method": "POST",
        "voice_fallback_url": f"{host}/voice-fallback" if voice and d.chance(0.3) else None,
        "voice_method": d.choice(("POST", "POST", "GET")),
        "voice_url": f"{host}/voice" if voice else None,
        "public_application_connect_enabled": d.chance(0.1),
    }


def queue(entry: Entry, now: int, api_key_sid: str) -> dict:
    # Callers wait in the queue as traffic comes and goes: busier in UTC office hours.
    bucket = now // QUEUE_BUCKET_US
    d = entry.draw("load", bucket)
    hour = (now // (3600 * US)) % 24
    size = d.randint(0, 12 if 8 <= hour < 20 else 3)
    return {
        **_dates(entry, now),
        "current_size": size,
        "friendly_name": _name(entry, now, _QUEUE_NAMES),
        "uri": f"{API}/{entry.account_sid}/Queues/{entry.sid}.json",
        "account_sid": entry.account_sid,
        "average_wait_time": d.randint(5, 420) if size else 0,
        "sid": entry.sid,
        "max_size": entry.draw("max").choice((100, 100, 250, 1000)),
    }


def key(entry: Entry, now: int, api_key_sid: str) -> dict:
    # The list carries no secret: Twilio shows a key's secret once, when the key is created.
    is_sandbox_key = entry.sid == api_key_sid
    return {
        "sid": entry.sid,
        "friendly_name": "sandbox sync key" if is_sandbox_key else _name(entry, now, _KEY_NAMES),
        **_dates(entry, now),
    }


def sip_domain(entry: Entry, now: int, api_key_sid: str) -> dict:
    d = entry.draw("domain")
    base = f"{API}/{entry.account_sid}/SIP/Domains/{entry.sid}"
    label = d.choice(_DOMAIN_NAMES)
    return {
        "account_sid": entry.account_sid,
        "api_version": "2010-04-01",
        "auth_type": d.choice(("IP_ACL", "CREDENTIAL_LIST", "IP_ACL,CREDENTIAL_LIST")),
        **_dates(entry, now),
        "domain_name": f"{label}-{entry.sid[2:10]}.sip.twilio.com",
        "friendly_name": _name(entry, now, tuple(f"{n.title()} office" for n in _DOMAIN_NAMES)),
        "sid": entry.sid,
        "uri": f"{base}.json",
        "voice_fallback_method": "POST",
        "voice_fallback_url": None,
        "voice_method": "POST",
        "voice_status_callback_method": "POST",
        "voice_status_callback_url": None,
        "voice_url": f"https://{entry.sid[2:10]}.example.com/twilio/sip",
        "subresource_uris": {
            "credential_list_mappings": f"{base}/CredentialListMappings.json",
            "ip_access_control_list_mappings": f"{base}/IpAccessControlListMappings.json",
            "auth": f"{base}/Auth.json",
        },
        "sip_registration": d.chance(0.6),
        "emergency_calling_enabled": False,
        "secure": d.chance(0.5),
        "byoc_trunk_sid": None,
        "emergency_caller_sid": None,
    }


RENDER: dict[str, Callable[[Entry, int, str], dict]] = {
    "outgoing_caller_ids": caller_id,
    "applications": application,
    "queues": queue,
    "keys": key,
    "sip_domains": sip_domain,
}


def media(account_sid: str, message_sid: str, k: int, created: str, seed: int) -> dict:
    """Media file k of a message; it exists exactly as long as its message does."""
    media_sid = sid("ME", seed, account_sid, "media", message_sid, k)
    return {
        "account_sid": account_sid,
        "content_type": Draw("media-type", media_sid).choice(_CONTENT_TYPES),
        "date_created": created,
        "date_updated": created,
        "parent_sid": message_sid,
        "sid": media_sid,
        "uri": f"{API}/{account_sid}/Messages/{message_sid}/Media/{media_sid}.json",
    }
