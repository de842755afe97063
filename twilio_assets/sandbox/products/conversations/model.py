"""Twilio Conversations of one account: services, users, and each day's conversations with their
participants and messages, as a pure function of (seed, account, day) and the clock.

A conversation is created at a moment of its day; an SMS customer joins at once and writes first,
agents (Conversation Users) join within minutes, and messages follow for up to a few hours (one
conversation a day is a long thread of over a hundred messages). Its timers then move it from
`active` to `inactive` (a while after the last message) and to `closed` (hours to days after
creation); a few conversations are deleted, and their messages and participants with them.
Messages to the SMS customer get a delivery receipt seconds later, which moves their
`date_updated`; an agent reads the thread once, which moves the participant's.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...hashing import Draw, sid
from ...phones import customer_number
from ...timefmt import DAY_US, US, day_start_us, iso
from ...traffic import offset_us

CONVERSATIONS_PER_DAY = 12
LONG_THREAD = 7  # conversation k of each day is a long thread: its messages span several pages
# One conversation in ten is deleted (evenly spread, so every day has at least one).
DELETED_EVERY = 10
MINUTE = 60 * US
HOUR = 60 * MINUTE
# Messages of one thread are never further apart than this, and a conversation goes inactive only
# after a longer silence: so no message ever arrives in a conversation that is already inactive.
MAX_GAP = 25 * MINUTE

_AGENTS = (
    ("Ada", "Lovelace"),
    ("Grace", "Hopper"),
    ("Alan", "Turing"),
    ("Katherine", "Johnson"),
    ("Linus", "Pauling"),
    ("Margaret", "Hamilton"),
    ("Dennis", "Ritchie"),
    ("Barbara", "Liskov"),
    ("Edsger", "Dijkstra"),
    ("Frances", "Allen"),
)
_TEAMS = ("support", "sales", "billing", "field-ops")
_TOPICS = (
    ("Order status", "orders"),
    ("Billing question", "billing"),
    ("Delivery reschedule", "delivery"),
    ("Account access", "account"),
    ("Product return", "returns"),
    ("Appointment booking", "appointments"),
)
_CUSTOMER_LINES = (
    "Hi, I have a question about my order.",
    "Where is my package?",
    "Can I change the delivery date?",
    "I was charged twice this month.",
    "Thanks, that works for me.",
    "Could you send me the invoice?",
    "I can't log in to my account.",
    "Is there an earlier slot?",
    "Ok",
    "Great, thank you!",
)
_AGENT_LINES = (
    "Hello! Let me look into that for you.",
    "Could you confirm your order number?",
    "I've rescheduled it for Thursday morning.",
    "The duplicate charge has been refunded.",
    "I've sent a reset link to your email.",
    "Is there anything else I can help with?",
    "One moment while I check.",
    "Your invoice is on its way.",
)
_MEDIA = (("image/jpeg", "photo.jpg"), ("image/png", "screenshot.png"), ("application/pdf", "receipt.pdf"))


def _attributes(**values: str) -> str:
    # Conversations hands attributes back as the JSON string it was given.
    return json.dumps(values) if values else "{}"


@dataclass(slots=True)
class Service:
    sid: str
    account_sid: str
    friendly_name: str
    created: int
    updated: int

    def render(self, base: str) -> dict[str, Any]:
        url = f"{base}/v1/Services/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "date_created": iso(self.created),
            "date_updated": iso(self.updated),
            "url": url,
            "links": {
                "conversations": f"{url}/Conversations",
                "users": f"{url}/Users",
                "roles": f"{url}/Roles",
                "bindings": f"{url}/Bindings",
                "configuration": f"{url}/Configuration",
                "participant_conversations": f"{url}/ParticipantConversations",
                "conversation_with_participants": f"{url}/ConversationWithParticipants",
            },
        }


@dataclass(slots=True)
class User:
    sid: str
    account_sid: str
    chat_service_sid: str
    role_sid: str
    identity: str
    friendly_name: str
    team: str
    created: int

    def render(self, base: str) -> dict[str, Any]:
        url = f"{base}/v1/Users/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "chat_service_sid": self.chat_service_sid,
            "role_sid": self.role_sid,
            "identity": self.identity,
            "friendly_name": self.friendly_name,
            "attributes": _attributes(team=self.team),
            # A list never reports presence (the spec: only a fetch of one user does).
            "is_online": None,
            "is_notifiable": None,
            "date_created": iso(self.created),
            "date_updated": iso(self.created),
            "url": url,
            "links": {"user_conversations": f"{url}/Conversations"},
        }


@dataclass(slots=True)
class Participant:
    sid: str
    position: int
    identity: str | None  # a Conversation User's identity; None for the SMS customer
    binding: dict[str, str] | None  # the SMS customer's address and our number
    role_sid: str
    attributes: str
    joined: int
    read_at: int | None = None  # agents read the thread once, soon after its last message
    read_index: int | None = None

    @property
    def author(self) -> str:
        return self.identity if self.identity is not None else (self.binding or {})["address"]

    def render(self, conv: Conversation, now: int, base: str) -> dict[str, Any]:
        read = self.read_at is not None and self.read_at <= now
        return {
            "account_sid": conv.account_sid,
            "conversation_sid": conv.sid,
            "sid": self.sid,
            "identity": self.identity,
            "attributes": self.attributes,
            "messaging_binding": self.binding,
            "role_sid": self.role_sid,
            "date_created": iso(self.joined),
            "date_updated": iso(self.read_at if read else self.joined),
            "url": f"{conv.url(base)}/Participants/{self.sid}",
            "last_read_message_index": self.read_index if read else None,
            "last_read_timestamp": iso(self.read_at) if read else None,
        }


@dataclass(slots=True)
class Message:
    sid: str
    index: int
    author: str
    participant_sid: str | None  # None for system messages
    body: str | None
    media: list[dict[str, Any]] | None
    created: int
    recipients: int  # SMS participants it goes out to (the delivery summary counts only those)
    receipt_at: int | None
    delivered: bool

    def render(self, conv: Conversation, now: int, base: str) -> dict[str, Any]:
        receipt = self.receipt_at is not None and self.receipt_at <= now
        delivery = None
        if self.recipients:
            delivery = {
                "total": self.recipients,
                "sent": "all",
                "delivered": "all" if receipt and self.delivered else "none",
                "read": "none",
                "failed": "none",
                "undelivered": "all" if receipt and not self.delivered else "none",
            }
        url = f"{conv.url(base)}/Messages/{self.sid}"
        return {
            "account_sid": conv.account_sid,
            "conversation_sid": conv.sid,
            "sid": self.sid,
            "index": self.index,
            "author": self.author,
            "body": self.body,
            "media": self.media,
            "attributes": "{}",
            "participant_sid": self.participant_sid,
            "date_created": iso(self.created),
            "date_updated": iso(self.receipt_at if receipt else self.created),
            "url": url,
            "delivery": delivery,
            "links": {"delivery_receipts": f"{url}/Receipts", "channel_metadata": f"{url}/ChannelMetadata"},
            "content_sid": None,
        }


@dataclass(slots=True)
class Conversation:
    sid: str
    account_sid: str
    chat_service_sid: str
    messaging_service_sid: str
    created: int
    friendly_name: str
    unique_name: str | None
    attributes: str
    inactive_after: int | None  # silence after the last message before it goes inactive; None: no timer
    closed_at: int | None  # None: no close timer
    deleted_at: int | None
    participants: list[Participant] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    _times: list[int] = field(default_factory=list)  # message creation times, ascending

    def url(self, base: str) -> str:
        return f"{base}/v1/Conversations/{self.sid}"

    def exists(self, now: int) -> bool:
        return self.created <= now and (self.deleted_at is None or now < self.deleted_at)

    def last_activity(self, now: int) -> int:
        """The latest message created by `now`, else the creation."""
        n = bisect_right(self._times, now)
        return self._times[n - 1] if n else self.created

    def inactive_at(self) -> int | None:
        """When the conversation goes inactive for good (a while after its last message)."""
        if self.inactive_after is None:
            return None
        return (self._times[-1] if self._times else self.created) + self.inactive_after

    def state(self, now: int) -> str:
        if self.closed_at is not None and now >= self.closed_at:
            return "closed"
        inactive = self.inactive_at()
        return "inactive" if inactive is not None and now >= inactive else "active"

    def updated(self, now: int) -> int:
        changes = [t for t in (self.inactive_at(), self.closed_at) if t is not None and t <= now]
        return max([self.created, *changes])

    def timers(self, now: int) -> dict[str, str]:
        """The timers still to fire: the inactive one moves with each message."""
        pending: dict[str, str] = {}
        state = self.state(now)
        if state == "active" and self.inactive_after is not None:
            pending["date_inactive"] = iso(self.last_activity(now) + self.inactive_after) or ""
        if state != "closed" and self.closed_at is not None:
            pending["date_closed"] = iso(self.closed_at) or ""
        return pending

    def render(self, now: int, base: str) -> dict[str, Any]:
        url = self.url(base)
        return {
            "account_sid": self.account_sid,
            "chat_service_sid": self.chat_service_sid,
            "messaging_service_sid": self.messaging_service_sid,
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "unique_name": self.unique_name,
            "attributes": self.attributes,
            "state": self.state(now),
            "date_created": iso(self.created),
            "date_updated": iso(self.updated(now)),
            "timers": self.timers(now),
            "bindings": {},
            "url": url,
            "links": {
                "participants": f"{url}/Participants",
                "messages": f"{url}/Messages",
                "webhooks": f"{url}/Webhooks",
                "export": f"{url}/Export",
            },
        }


@dataclass
class AccountPlan:
    """The Conversations state of one account that has the product."""

    seed: int
    account_sid: str
    first_day: date
    window_days: int
    messaging_service_sid: str
    our_numbers: list[str]
    services: list[Service] = field(init=False)
    roster: list[User] = field(init=False)  # the agents who predate the sandbox's days

    def __post_init__(self) -> None:
        seed, acct = self.seed, self.account_sid
        start = day_start_us(self.first_day)
        d = Draw(seed, acct, "conversation-services")
        # The default service (its conversations and users are the /v1 lists), an older second one,
        # and one created on the sandbox's second day: the service list grows while the clock runs.
        opened = start - 380 * DAY_US + d.randint(0, 86_399) * US
        support = start - 45 * DAY_US + d.randint(0, 86_399) * US
        later = start + min(1, self.window_days - 1) * DAY_US + 9 * HOUR + d.randint(0, 3 * 3600) * US
        self.services = [
            Service(
                sid("IS", seed, acct, "conversation-service", 0), acct, "Default Conversations Service", opened, opened
            ),
            Service(
                sid("IS", seed, acct, "conversation-service", 1), acct, "Support Chat", support, support + 2 * HOUR
            ),
            Service(sid("IS", seed, acct, "conversation-service", 2), acct, "Field Ops", later, later),
        ]
        self.roster = [
            self._user(("roster", j), start - (300 - 45 * j) * DAY_US + d.randint(0, 86_399) * US, j) for j in range(6)
        ]

    @property
    def default_service(self) -> str:
        return self.services[0].sid

    @property
    def role_sid(self) -> str:
        return sid("RL", self.seed, self.account_sid, "conversation-role", "user")

    def _user(self, where: tuple, created: int, j: int) -> User:
        first, last = _AGENTS[j % len(_AGENTS)]
        suffix = "" if where[0] == "roster" else f".{where[1] % 1000:03d}"
        return User(
            sid=sid("US", self.seed, self.account_sid, "conversation-user", *where),
            account_sid=self.account_sid,
            chat_service_sid=self.default_service,
            role_sid=self.role_sid,
            identity=f"{first.lower()}.{last.lower()}{suffix}",
            friendly_name=f"{first} {last}",
            team=_TEAMS[j % len(_TEAMS)],
            created=created,
        )

    def hired_on(self, dord: int) -> list[User]:
        """The user created on a day of the sandbox, if any (every other day or so)."""
        if dord < self.first_day.toordinal():
            return []
        d = Draw(self.seed, self.account_sid, "conversation-hire", dord)
        if not d.chance(0.5):
            return []
        created = day_start_us(date.fromordinal(dord)) + 6 * HOUR + d.randint(0, 3 * 3600) * US
        return [self._user(("hired", dord), created, d.randint(0, len(_AGENTS) - 1))]

    def users(self, up_to_dord: int) -> list[User]:
        """Every user created on or before that day, oldest first."""
        hired = [u for dord in range(self.first_day.toordinal(), up_to_dord + 1) for u in self.hired_on(dord)]
        return self.roster + hired

    def conversations_of(self, dord: int, sid_of) -> list[Conversation]:
        return [self._conversation(dord, k, sid_of(dord, k)) for k in range(CONVERSATIONS_PER_DAY)]

    # --- one conversation ----------------------------------------------------------------

    def _conversation(self, dord: int, k: int, ch_sid: str) -> Conversation:
        seed, acct = self.seed, self.account_sid
        d = Draw(seed, acct, "conversation", dord, k)
        created = day_start_us(date.fromordinal(dord)) + offset_us((k + d.unit()) / CONVERSATIONS_PER_DAY)
        title, topic = d.choice(_TOPICS)
        customer = customer_number(seed, acct, d.randint(0, 499))
        conv = Conversation(
            sid=ch_sid,
            account_sid=acct,
            chat_service_sid=self.default_service,
            messaging_service_sid=self.messaging_service_sid,
            created=created,
            friendly_name=f"{title} ({customer[-4:]})",
            unique_name=f"case-{date.fromordinal(dord).isoformat()}-{k:02d}" if d.chance(0.3) else None,
            attributes=_attributes(topic=topic, priority=d.choice(("normal", "normal", "high"))),
            inactive_after=None,
            closed_at=None,
            deleted_at=None,
        )
        self._add_participants(conv, d, dord, customer)
        self._add_messages(conv, d, long_thread=k == LONG_THREAD)
        last = conv._times[-1]
        timers = d.weighted((("both", 0.7), ("inactive", 0.2), ("none", 0.1)))
        if timers != "none":
            conv.inactive_after = int(d.between(30, 120) * MINUTE)
        inactive = conv.inactive_at()
        if timers == "both" and inactive is not None:
            conv.closed_at = max(created + int(d.between(8, 72) * HOUR), inactive + int(d.between(10, 120) * MINUTE))
        if (dord * CONVERSATIONS_PER_DAY + k) % DELETED_EVERY == 3:
            conv.deleted_at = max(last + HOUR, created + int(d.between(2, 48) * HOUR))
        # Agents read the whole thread once, a little after its last message.
        for p in conv.participants:
            if p.identity is not None and p.joined < last:
                p.read_at = last + int(d.between(5, 600) * US)
                p.read_index = conv.messages[-1].index
        return conv

    def _add_participants(self, conv: Conversation, d: Draw, dord: int, customer: str) -> None:
        seed, acct = self.seed, self.account_sid
        joined = [conv.created + int(d.between(1, 5) * US)]
        agents = d.randint(1, 2)
        joined += sorted(conv.created + int(d.between(10, 15 * 60) * US) for _ in range(agents))
        # Agents are the older staff plus whoever was hired the day before or earlier that day.
        staff = self.roster + self.hired_on(dord - 1) + [u for u in self.hired_on(dord) if u.created < joined[1]]
        chosen: list[User] = []
        while len(chosen) < agents:
            user = d.choice(staff)
            if user not in chosen:
                chosen.append(user)
        proxy = d.choice(self.our_numbers)
        for position, at in enumerate(joined):
            is_customer = position == 0
            conv.participants.append(
                Participant(
                    sid=sid("MB", seed, acct, "conversation-participant", dord, conv.sid, position),
                    position=position,
                    identity=None if is_customer else chosen[position - 1].identity,
                    binding={"type": "sms", "address": customer, "proxy_address": proxy} if is_customer else None,
                    role_sid=sid("RL", seed, acct, "conversation-role", "participant"),
                    attributes=_attributes(role="customer" if is_customer else "agent"),
                    joined=at,
                )
            )

    def _add_messages(self, conv: Conversation, d: Draw, *, long_thread: bool) -> None:
        seed, acct = self.seed, self.account_sid
        customer = conv.participants[0]
        count = d.randint(105, 130) if long_thread else d.randint(2, 14)
        t = customer.joined + int(d.between(1, 10) * US)
        for index in range(count):
            if index:
                gap = d.between(5, 180) if long_thread else d.between(20, MAX_GAP / US)
                t += int(gap * US)
            present = [p for p in conv.participants if p.joined < t]
            system = index > 0 and d.chance(0.05)
            author = None if system else (customer if index == 0 else d.choice(present))
            media = None
            if author is customer and index > 0 and d.chance(0.06):
                content_type, filename = d.choice(_MEDIA)
                media = [
                    {
                        "sid": sid("ME", seed, acct, "conversation-media", conv.sid, index),
                        "size": d.randint(8_000, 900_000),
                        "content_type": content_type,
                        "filename": filename,
                    }
                ]
            if system:
                body: str | None = "An agent has joined the conversation."
            elif media:
                body = None
            else:
                body = d.choice(_CUSTOMER_LINES if author is customer else _AGENT_LINES)
            recipients = 0 if author is customer else 1
            conv.messages.append(
                Message(
                    sid=sid("IM", seed, acct, "conversation-message", conv.sid, index),
                    index=index,
                    author="system" if author is None else author.author,
                    participant_sid=None if author is None else author.sid,
                    body=body,
                    media=media,
                    created=t,
                    recipients=recipients,
                    receipt_at=t + int(d.between(2, 90) * US) if recipients else None,
                    delivered=d.chance(0.95),
                )
            )
            conv._times.append(t)
