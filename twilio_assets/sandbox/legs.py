"""One call leg: its whole life planned up front, then read at any clock time.

A leg is queued (API calls only), rings, is answered or not, ends, and is priced a
minute after it ends. `status(now)` and `updated(now)` read that plan, so moving the
clock moves the call through its states without any stored state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .hashing import Draw
from .phones import formatted
from .timefmt import US, rfc2822

API = "/2010-04-01/Accounts"
PRICE_DELAY = 60 * US
_RATE = {"inbound": 0.0085, "outbound-api": 0.0140, "outbound-dial": 0.0140}
_SUBRESOURCES = (
    ("notifications", "Notifications"),
    ("recordings", "Recordings"),
    ("payments", "Payments"),
    ("events", "Events"),
    ("siprec", "Siprec"),
    ("streams", "Streams"),
    ("transcriptions", "Transcriptions"),
    ("user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"),
    ("user_defined_messages", "UserDefinedMessages"),
)


@dataclass(slots=True)
class CallLeg:
    sid: str
    account_sid: str
    direction: str
    from_: str
    to: str
    phone_number_sid: str | None
    parent_call_sid: str | None
    created: int
    queued_until: int
    ringing_until: int
    end: int
    answered: bool
    outcome: str
    answered_by: str | None
    in_conference: bool = False

    @property
    def price_at(self) -> int:
        return self.end + PRICE_DELAY

    def status(self, now: int) -> str:
        if now >= self.end:
            return self.outcome
        if now < self.queued_until:
            return "queued"
        if now < self.ringing_until:
            return "ringing"
        return "in-progress"

    def updated(self, now: int) -> int:
        last = self.created
        for t in (self.queued_until, self.ringing_until, self.end, self.price_at):
            if last < t <= now:
                last = t
        return last

    def duration_s(self) -> int:
        return (self.end - self.created) // US if self.answered else 0

    def price(self) -> str:
        if not self.answered:
            return "0.00000"
        minutes = math.ceil(self.duration_s() / 60) or 1
        return "%.5f" % -(minutes * _RATE.get(self.direction, 0.014))

    def render(self, now: int) -> dict:
        ended = now >= self.end
        base = f"{API}/{self.account_sid}/Calls/{self.sid}"
        return {
            "sid": self.sid,
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.updated(now)),
            "parent_call_sid": self.parent_call_sid,
            "account_sid": self.account_sid,
            "to": self.to,
            "to_formatted": formatted(self.to),
            "from": self.from_,
            "from_formatted": formatted(self.from_),
            "phone_number_sid": self.phone_number_sid,
            "status": self.status(now),
            "start_time": rfc2822(self.created),
            "end_time": rfc2822(self.end) if ended else None,
            "duration": str(self.duration_s()) if ended else None,
            "price": self.price() if now >= self.price_at else None,
            "price_unit": "USD",
            "direction": self.direction,
            "answered_by": self.answered_by if self.answered and now >= self.ringing_until else None,
            "api_version": "2010-04-01",
            "forwarded_from": None,
            "group_sid": None,
            "caller_name": None,
            "queue_time": str((self.queued_until - self.created) // 1000),
            "trunk_sid": None,
            "uri": f"{base}.json",
            "subresource_uris": {key: f"{base}/{path}.json" for key, path in _SUBRESOURCES},
        }


def plan_leg(
    d: Draw,
    *,
    sid: str,
    account_sid: str,
    direction: str,
    from_: str,
    to: str,
    phone_number_sid: str | None,
    parent_call_sid: str | None,
    created: int,
    answer_p: float,
    hangup_at: int | None = None,
) -> CallLeg:
    """Plan a leg's lifecycle. `hangup_at` ends an answered leg at a fixed time (a
    dialled leg ends with its parent; a participant with its conference exit)."""
    queued = d.randint(1, 3) * US if direction == "outbound-api" else 0
    ring = int(d.between(2, 25) * US)
    queued_until = created + queued

    def leg(ringing_until: int, end: int, answered: bool, status: str, answered_by: str | None) -> CallLeg:
        return CallLeg(
            sid, account_sid, direction, from_, to, phone_number_sid, parent_call_sid, created, queued_until,
            ringing_until, end, answered, status, answered_by,
        )  # fmt: skip

    if direction == "outbound-api" and d.chance(0.05):
        # Rejected before ringing (invalid number, geo permissions...).
        return leg(queued_until, queued_until, False, "failed", None)
    ringing_until = queued_until + ring
    if hangup_at is not None and hangup_at <= ringing_until:
        # The other side hung up while this leg was still ringing.
        end = max(hangup_at, queued_until)
        return leg(end, end, False, "canceled", None)
    if not d.chance(answer_p):
        outcome = d.weighted((("no-answer", 0.65), ("busy", 0.35)))
        return leg(ringing_until, ringing_until, False, outcome, None)
    if hangup_at is not None:
        end = hangup_at
    else:
        # Talk time roughly log-uniform between 15 s and 30 min.
        end = ringing_until + int(math.exp(d.between(math.log(15), math.log(1800))) * US)
    answered_by = None
    if direction == "outbound-api" and d.chance(0.2):
        answered_by = d.choice(("human", "machine_start"))
    return leg(ringing_until, end, True, "completed", answered_by)
