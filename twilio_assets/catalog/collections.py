"""The Twilio collections this project syncs: one declarative entry each.

The first ten collections are here; every other one is in its product family's module under
catalog/products/. Adding a collection means adding one entry (and its dbt staging model). Column lists follow the
official OpenAPI specs; fields not listed still land in each row's raw JSON (`_raw`).
"""

from __future__ import annotations

from ..read_modes import DayFilter, DayParams, NewestFirstScan, Parents, PerParent, SentOrPending, TimeRange, WholeList
from .collection import Api, Collection
from .columns import columns
from .products import FAMILIES

V2010 = "/2010-04-01/Accounts/{account_sid}"

ACCOUNTS = Collection(
    name="accounts",
    product="account",
    description=(
        "The account and its subaccounts (`/Accounts.json`). Read whole on every run. Twilio sends each "
        "account's `auth_token` in this list; it is dropped before anything is stored or logged."
    ),
    api=Api.V2010,
    path="/2010-04-01/Accounts.json",
    list_key="accounts",
    primary_key="sid",
    columns=columns(
        """sid:sid owner_account_sid:sid friendly_name:text status:text type:text
        date_created:rfc2822 date_updated:rfc2822 uri:text subresource_uris:jsonb"""
    ),
    read=WholeList(),
    drop_fields=("auth_token",),
    per_account=False,
)

ADDRESSES = Collection(
    name="addresses",
    product="account",
    description=(
        "Addresses registered for regulatory and emergency use. Twilio has no date filter here, and "
        "the list is small: every run reads it whole, so edits and deletions show up on the next run."
    ),
    api=Api.V2010,
    path=f"{V2010}/Addresses.json",
    list_key="addresses",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text customer_name:text street:text
        street_secondary:text city:text region:text postal_code:text iso_country:text
        emergency_enabled:boolean validated:boolean verified:boolean
        date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    read=WholeList(),
)

INCOMING_PHONE_NUMBERS = Collection(
    name="incoming_phone_numbers",
    product="account",
    description=(
        "Phone numbers the account owns, linked to addresses. No date filter and a small list: read whole on every run."
    ),
    api=Api.V2010,
    path=f"{V2010}/IncomingPhoneNumbers.json",
    list_key="incoming_phone_numbers",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid phone_number:text friendly_name:text origin:text status:text type:text
        address_sid:sid emergency_address_sid:sid address_requirements:text emergency_status:text
        emergency_address_status:text bundle_sid:sid identity_sid:sid trunk_sid:sid
        voice_application_sid:sid sms_application_sid:sid voice_receive_mode:text beta:boolean
        capabilities:jsonb voice_url:text sms_url:text status_callback:text
        date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    raw_only_fields=tuple(
        "api_version sms_fallback_method sms_fallback_url sms_method status_callback_method voice_caller_id_lookup "
        "voice_fallback_method voice_fallback_url voice_method".split()
    ),
    read=WholeList(),
)

CALLS = Collection(
    name="calls",
    product="voice",
    description=(
        "Call legs (a child leg carries `parent_call_sid`). Read one UTC day at a time with "
        "`StartTime=YYYY-MM-DD`, so calls still in progress or that never ended are copied too and "
        "updated on later runs."
    ),
    api=Api.V2010,
    path=f"{V2010}/Calls.json",
    list_key="calls",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid parent_call_sid:sid phone_number_sid:sid status:text direction:text
        to:text to_formatted:text from:text from_formatted:text answered_by:text caller_name:text
        forwarded_from:text start_time:rfc2822 end_time:rfc2822 duration:integer queue_time:integer
        price:numeric price_unit:text group_sid:sid trunk_sid:sid api_version:text
        date_created:rfc2822 date_updated:rfc2822 uri:text subresource_uris:jsonb"""
    ),
    read=DayFilter("StartTime", "start_time"),
)

CONFERENCES = Collection(
    name="conferences",
    product="voice",
    description="Conferences, read one UTC day at a time with `DateCreated=YYYY-MM-DD`.",
    api=Api.V2010,
    path=f"{V2010}/Conferences.json",
    list_key="conferences",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text status:text region:text
        reason_conference_ended:text call_sid_ending_conference:sid api_version:text
        date_created:rfc2822 date_updated:rfc2822 uri:text subresource_uris:jsonb"""
    ),
    read=DayFilter("DateCreated", "date_created"),
)

RECORDINGS = Collection(
    name="recordings",
    product="voice",
    description=(
        "Call and conference recordings, read one UTC day at a time with `DateCreated=YYYY-MM-DD`. "
        "`call_sid` is always the parent leg; transcriptions link to calls only through here."
    ),
    api=Api.V2010,
    path=f"{V2010}/Recordings.json",
    list_key="recordings",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid call_sid:sid conference_sid:sid status:text source:text
        channels:integer duration:integer price:numeric price_unit:text error_code:integer
        start_time:rfc2822 media_url:text encryption_details:jsonb api_version:text
        date_created:rfc2822 date_updated:rfc2822 uri:text subresource_uris:jsonb"""
    ),
    read=DayFilter("DateCreated", "date_created"),
)

TRANSCRIPTIONS = Collection(
    name="transcriptions",
    product="voice",
    description=(
        "Transcriptions of recordings. Twilio offers no filter on this list but returns it newest "
        "first, so a run reads from the top and stops at the first transcription older than its "
        "window: recent days cost a few pages, not the whole history."
    ),
    api=Api.V2010,
    path=f"{V2010}/Transcriptions.json",
    list_key="transcriptions",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid recording_sid:sid status:text type:text duration:integer
        price:numeric price_unit:text transcription_text:text api_version:text
        date_created:rfc2822 date_updated:rfc2822 uri:text"""
    ),
    read=NewestFirstScan("date_created"),
)

MESSAGES = Collection(
    name="messages",
    product="messaging",
    description=(
        "SMS, MMS and WhatsApp messages, read one UTC day at a time with `DateSent=YYYY-MM-DD`, plus the "
        "messages not sent yet (scheduled, accepted, queued: `date_sent` is null), which land on the first "
        "run and are updated in place once sent."
    ),
    api=Api.V2010,
    path=f"{V2010}/Messages.json",
    list_key="messages",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid messaging_service_sid:sid direction:text status:text
        from:text to:text body:text num_segments:integer num_media:integer
        price:numeric price_unit:text error_code:integer error_message:text api_version:text
        date_sent:rfc2822 date_created:rfc2822 date_updated:rfc2822 uri:text subresource_uris:jsonb"""
    ),
    read=SentOrPending("DateSent", "date_sent", "date_created"),
)

CALL_FEEDBACK = Collection(
    name="call_feedback",
    product="voice",
    description=(
        "Call quality feedback. Twilio removed the Call Feedback API on 2024-02-27; its successor is the "
        "Voice Insights call annotation, read here from the call summaries (`/v1/Voice/Summaries`, one "
        "ISO range per window, on the call's start time). One row per annotated call: `quality_score` "
        "and `issues` keep the old meaning (annotation `call_score` and `quality_issues`). Needs Voice "
        "Insights Advanced Features on the account; without them the asset says so and the sync goes on."
    ),
    api=Api.INSIGHTS,
    path="/v1/Voice/Summaries",
    list_key="call_summaries",
    primary_key="call_sid",
    columns=columns(
        """call_sid:sid account_sid:sid quality_score=annotation.call_score:integer
        issues=annotation.quality_issues:jsonb answered_by=annotation.answered_by:text
        connectivity_issue=annotation.connectivity_issue:text spam=annotation.spam:boolean
        comment=annotation.comment:text incident=annotation.incident:text
        call_state:text call_type:text processing_state:text call_start_time=start_time:iso8601
        call_end_time=end_time:iso8601 annotation:jsonb"""
    ),
    raw_only_fields=tuple(
        "answered_by attributes carrier_edge client_edge connect_duration created_time duration from properties "
        "sdk_edge sip_edge tags to trust url".split()
    ),
    read=TimeRange("StartTime", "EndTime", "call_start_time"),
    params={"ProcessingState": "all"},
    keep=lambda record: bool(record.get("annotation")),
    subaccount_param="Subaccount",
)

CONFERENCE_PARTICIPANTS = Collection(
    name="conference_participants",
    product="voice",
    description=(
        "Historic conference participants from Voice Insights (the v2010 list only shows live ones): "
        "conferences created in the window are listed with `CreatedAfter`/`CreatedBefore`, then each "
        "one's participants. Needs Voice Insights Advanced Features."
    ),
    api=Api.INSIGHTS,
    path="/v1/Conferences/{parent_sid}/Participants",
    list_key="participants",
    primary_key="participant_sid",
    columns=columns(
        """participant_sid:sid conference_sid:sid call_sid:sid account_sid:sid label:text
        call_direction:text call_status:text call_type:text from:text to:text country_code:text
        is_moderator:boolean is_coach:boolean coached_participants:jsonb join_time:iso8601
        leave_time:iso8601 duration_seconds:integer processing_state:text url:text"""
    ),
    raw_only_fields=tuple(
        "conference_region events jitter_buffer_size metrics outbound_queue_length outbound_time_in_queue "
        "participant_region properties".split()
    ),
    read=PerParent(
        parents=Parents(
            path="/v1/Conferences",
            list_key="conferences",
            fields={"parent_sid": "conference_sid"},
            by_day=DayParams("CreatedAfter", "CreatedBefore", bounds="iso"),
        ),
        parent_key="conference_sid",
    ),
    subaccount_param="Subaccount",
)

CORE_COLLECTIONS: tuple[Collection, ...] = (
    ACCOUNTS,
    ADDRESSES,
    INCOMING_PHONE_NUMBERS,
    CALLS,
    CONFERENCES,
    CONFERENCE_PARTICIPANTS,
    RECORDINGS,
    TRANSCRIPTIONS,
    MESSAGES,
    CALL_FEEDBACK,
)

# The first ten, then each product family's (catalog/products/).
ALL_COLLECTIONS: tuple[Collection, ...] = CORE_COLLECTIONS + tuple(
    collection for family in FAMILIES for collection in family.COLLECTIONS
)

BY_NAME = {collection.name: collection for collection in ALL_COLLECTIONS}
if len(BY_NAME) != len(ALL_COLLECTIONS):
    raise ValueError("two catalogue entries have the same name")
