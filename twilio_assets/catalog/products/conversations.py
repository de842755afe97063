"""The `conversations` collections: one declarative entry each (descriptions in glossary/conversations.py).

Conversations (conversations.twilio.com) answers only the account's own credentials, so each list is read
once per instance (`per_account=False`). Its lists allow at most 100 records a page (users: 50), hence the
`PageSize` of each entry; the client's default (1000) would be refused.
"""

from __future__ import annotations

from ...read_modes import DayParams, Parents, PerParent, TimeRange, WholeList
from ..collection import Api, Collection
from ..columns import columns

CONVERSATIONS_PATH = "/v1/Conversations"
PAGE = {"PageSize": "100"}
# Conversations' creation-date filter: from the day's first second to its last, both inclusive, ISO 8601.
CREATED_ON_DAY = DayParams("StartDate", "EndDate", bounds="iso_through")
CONVERSATIONS_OF_DAY = Parents(
    path=CONVERSATIONS_PATH, list_key="conversations", fields={"conversation_sid": "sid"}, by_day=CREATED_ON_DAY
)

CONVERSATION_SERVICES = Collection(
    name="conversation_services",
    product="conversations",
    description=(
        "Conversation Services: the containers that hold conversations, users and roles (the default one "
        "holds what `/v1/Conversations` and `/v1/Users` list). No date filter and a short list: read whole "
        "on every run."
    ),
    api=Api.CONVERSATIONS,
    path="/v1/Services",
    list_key="services",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid friendly_name:text date_created:iso8601 date_updated:iso8601
        url:text links:jsonb"""
    ),
    read=WholeList(),
    params=PAGE,
    per_account=False,
)

CONVERSATIONS = Collection(
    name="conversations",
    product="conversations",
    description=(
        "Conversations of the default Conversation Service, read one UTC day at a time with "
        "`StartDate`/`EndDate` on their creation time, so a day's conversations are updated (state, timers) "
        "and deleted ones marked while that day is re-read."
    ),
    api=Api.CONVERSATIONS,
    path=CONVERSATIONS_PATH,
    list_key="conversations",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid chat_service_sid:sid messaging_service_sid:sid friendly_name:text
        unique_name:text attributes:text state:text date_created:iso8601 date_updated:iso8601
        date_inactive=timers.date_inactive:iso8601 date_closed=timers.date_closed:iso8601 timers:jsonb
        bindings:jsonb url:text links:jsonb"""
    ),
    read=TimeRange("StartDate", "EndDate", "date_created", bounds="iso_through"),
    params=PAGE,
    per_account=False,
)

CONVERSATION_MESSAGES = Collection(
    name="conversation_messages",
    product="conversations",
    description=(
        "Messages of conversations. They have no date filter: the conversations created on each day of the "
        "window are listed, then each one's messages, whole. A conversation's messages are re-read only while "
        "its creation day is in the synced window."
    ),
    api=Api.CONVERSATIONS,
    path=f"{CONVERSATIONS_PATH}/{{conversation_sid}}/Messages",
    list_key="messages",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid conversation_sid:sid index:integer author:text participant_sid:sid
        body:text media:jsonb attributes:text content_sid:sid delivery:jsonb
        date_created:iso8601 date_updated:iso8601 url:text links:jsonb"""
    ),
    read=PerParent(parents=CONVERSATIONS_OF_DAY, parent_key="conversation_sid"),
    params=PAGE,
    per_account=False,
)

CONVERSATION_PARTICIPANTS = Collection(
    name="conversation_participants",
    product="conversations",
    description=(
        "Participants of conversations (SMS or WhatsApp addresses, and chat users by identity). Read like "
        "the messages: the conversations created on each day of the window, then each one's participants."
    ),
    api=Api.CONVERSATIONS,
    path=f"{CONVERSATIONS_PATH}/{{conversation_sid}}/Participants",
    list_key="participants",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid conversation_sid:sid identity:text attributes:text
        messaging_binding:jsonb binding_type=messaging_binding.type:text
        binding_address=messaging_binding.address:text binding_proxy_address=messaging_binding.proxy_address:text
        role_sid:sid last_read_message_index:integer last_read_timestamp:text
        date_created:iso8601 date_updated:iso8601 url:text"""
    ),
    read=PerParent(parents=CONVERSATIONS_OF_DAY, parent_key="conversation_sid"),
    params=PAGE,
    per_account=False,
)

CONVERSATION_USERS = Collection(
    name="conversation_users",
    product="conversations",
    description=(
        "Conversation Users of the default service: the chat identities that take part in conversations. "
        "No date filter: read whole on every run (at most 50 a page)."
    ),
    api=Api.CONVERSATIONS,
    path="/v1/Users",
    list_key="users",
    primary_key="sid",
    columns=columns(
        """sid:sid account_sid:sid chat_service_sid:sid role_sid:sid identity:text friendly_name:text
        attributes:text is_online:boolean is_notifiable:boolean date_created:iso8601 date_updated:iso8601
        url:text links:jsonb"""
    ),
    read=WholeList(),
    params={"PageSize": "50"},
    per_account=False,
)

COLLECTIONS: tuple[Collection, ...] = (
    CONVERSATION_SERVICES,
    CONVERSATIONS,
    CONVERSATION_MESSAGES,
    CONVERSATION_PARTICIPANTS,
    CONVERSATION_USERS,
)
