"""The `v2010_lists` collections: one declarative entry each (descriptions in glossary/v2010_lists.py)."""

from __future__ import annotations

from typing import Any

from ...read_modes import DayParams, Parents, PerParent, WholeList
from ..collection import Api, Collection
from ..columns import columns

V2010 = "/2010-04-01/Accounts/{account_sid}"


def _has_media(message: dict[str, Any]) -> bool:
    # num_media is a string ("0", "2"); a message without media has no list worth asking for.
    return str(message.get("num_media") or "0") != "0"


MESSAGE_MEDIA = Collection(
    name="message_media",
    product="messaging",
    description=(
        "Media files attached to MMS messages (images, video, audio, documents), one row per file; `parent_sid` "
        "names the message. Twilio lists media only per message, so each run lists the messages sent on each day "
        "of the window again (`DateSent=YYYY-MM-DD`) and then the media of every message whose `num_media` is "
        "above zero."
    ),
    api=Api.V2010,
    path=f"{V2010}/Messages/{{message_sid}}/Media.json",
    list_key="media_list",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid parent_sid:sid content_type:text
        date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    read=PerParent(
        parents=Parents(
            path=f"{V2010}/Messages.json",
            list_key="messages",
            fields={"message_sid": "sid"},
            by_day=DayParams("DateSent", bounds="equals"),
            keep=_has_media,
        ),
        parent_key="parent_sid",
    ),
)

OUTGOING_CALLER_IDS = Collection(
    name="outgoing_caller_ids",
    product="voice",
    description=(
        "Numbers verified as caller IDs for outbound calls; an outbound call's `phone_number_sid` names one of "
        "them (an inbound call's names an incoming phone number). No date filter and a short list: read whole "
        "on every run, so new and removed caller IDs show up on the next run."
    ),
    api=Api.V2010,
    path=f"{V2010}/OutgoingCallerIds.json",
    list_key="outgoing_caller_ids",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid phone_number:text friendly_name:text
        date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    read=WholeList(),
)

APPLICATIONS = Collection(
    name="applications",
    product="voice",
    description=(
        "TwiML applications: the voice and messaging webhooks that incoming phone numbers (and SIP domains, "
        "client calls) can be pointed at through `voice_application_sid` / `sms_application_sid`. A short list "
        "with no date filter: read whole on every run."
    ),
    api=Api.V2010,
    path=f"{V2010}/Applications.json",
    list_key="applications",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text api_version:text
        voice_url:text voice_method:text voice_fallback_url:text voice_fallback_method:text
        voice_caller_id_lookup:boolean status_callback:text status_callback_method:text
        sms_url:text sms_method:text sms_fallback_url:text sms_fallback_method:text sms_status_callback:text
        message_status_callback:text public_application_connect_enabled:boolean
        date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    read=WholeList(),
)

QUEUES = Collection(
    name="queues",
    product="voice",
    description=(
        "Call queues (`<Enqueue>`). Read whole on every run; `current_size` and `average_wait_time` are what "
        "Twilio reported at that moment, so each run overwrites them: a snapshot, not a history."
    ),
    api=Api.V2010,
    path=f"{V2010}/Queues.json",
    list_key="queues",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text current_size:integer average_wait_time:integer
        max_size:integer date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    read=WholeList(),
)

SIP_DOMAINS = Collection(
    name="sip_domains",
    product="voice",
    description=(
        "SIP domains (`…sip.twilio.com`) that receive SIP calls from the account's own equipment. A short list "
        "with no date filter: read whole on every run."
    ),
    api=Api.V2010,
    path=f"{V2010}/SIP/Domains.json",
    list_key="domains",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid domain_name:text friendly_name:text auth_type:text
        voice_url:text voice_method:text voice_fallback_url:text voice_fallback_method:text
        voice_status_callback_url:text voice_status_callback_method:text sip_registration:boolean
        emergency_calling_enabled:boolean secure:boolean byoc_trunk_sid:sid emergency_caller_sid:sid
        api_version:text date_created:rfc2822 date_updated:rfc2822 uri:text subresource_uris:jsonb"""
    ),
    read=WholeList(),
)

KEYS = Collection(
    name="keys",
    product="account",
    description=(
        "The account's API keys: SID, name and dates only. Twilio shows a key's secret once, when the key is "
        "created, and never in this list; a `secret` field would be dropped before anything is stored or "
        "logged all the same. The records name no account: `account_sid` is the account whose list was read. "
        "Read whole on every run, so rotated (deleted) keys are marked deleted on the next run."
    ),
    api=Api.V2010,
    path=f"{V2010}/Keys.json",
    list_key="keys",
    primary_key="sid",
    columns=columns("sid:sid account_sid:sid friendly_name:text date_created:rfc2822 date_updated:rfc2822"),
    read=WholeList(),
    drop_fields=("secret",),
    account_from_path=True,
)

COLLECTIONS: tuple[Collection, ...] = (
    MESSAGE_MEDIA,
    OUTGOING_CALLER_IDS,
    APPLICATIONS,
    QUEUES,
    SIP_DOMAINS,
    KEYS,
)
