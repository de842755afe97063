"""Scheduled messages: a few per account and day, sent up to 35 days after they were created.

Twilio schedules only through a Messaging Service. A scheduled message has no date_sent
until it goes out: `scheduled`, then `accepted` for a few seconds, then `queued`,
`sending` (date_sent is that instant), `sent`, `delivered`. About one in ten is canceled
first (date_sent stays null for good) and one in twenty deleted while still waiting.
The series is small, so a day's messages are built whole and cached.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from .directory import Account
from .hashing import Draw, unit
from .messages import SCHEDULED, Message, compose, sid_codec
from .phones import customer_number
from .timefmt import DAY_US, US, day_start_us
from .traffic import offset_us

MAX_DELAY = 35 * DAY_US  # Twilio's limit on how far ahead a message can be scheduled
MIN_DELAY = 20 * 60 * US  # ...and how soon (15 minutes; a little margin here)
CANCELED_SHARE = 0.10
DELETED_SHARE = 0.05


class ScheduledPlan:
    def __init__(self, seed: int, accounts: dict[str, Account]):
        self.seed = seed
        self.accounts = accounts
        self.sids = {a: sid_codec(seed, a) for a in accounts}
        self.of_day = lru_cache(maxsize=20_000)(self._build_day)

    def count(self, account_sid: str, dord: int) -> int:
        return self.accounts[account_sid].scheduled_per_day

    def message(self, account_sid: str, dord: int, k: int) -> Message:
        return self.of_day(account_sid, dord)[k]

    def _build_day(self, account_sid: str, dord: int) -> tuple[Message, ...]:
        return tuple(self._build(account_sid, dord, k) for k in range(self.count(account_sid, dord)))

    def _build(self, account_sid: str, dord: int, k: int) -> Message:
        acct = self.accounts[account_sid]
        seed = self.seed
        d = Draw(seed, account_sid, "scheduled", dord, k)
        fraction = (k + unit(seed, account_sid, "scheduled-t", dord, k)) / self.count(account_sid, dord)
        created = day_start_us(date.fromordinal(dord)) + offset_us(fraction)
        send_at = created + _delay(d)
        body, segments, price = compose(d, False, False)
        fate = d.unit()
        steps: tuple[tuple[int, str], ...]
        gone_at = sent_at = price_at = None
        if fate < CANCELED_SHARE:
            steps = ((created, "scheduled"), (created + int((send_at - created) * d.between(0.1, 0.9)), "canceled"))
        elif fate < CANCELED_SHARE + DELETED_SHARE:
            steps = ((created, "scheduled"),)
            gone_at = created + int((send_at - created) * d.between(0.1, 0.9))
        else:
            queued_at = send_at + int(d.between(2, 8) * US)
            sent_at = queued_at + int(d.between(0.2, 2) * US)
            handed_over = sent_at + int(d.between(0.3, 3) * US)
            delivered_at = handed_over + int(d.between(2, 30) * US)
            steps = (
                (created, "scheduled"),
                (send_at, "accepted"),
                (queued_at, "queued"),
                (sent_at, "sending"),
                (handed_over, "sent"),
                (delivered_at, "delivered"),
            )
            price_at = sent_at + int(d.between(1, 20) * US)
        return Message(
            sid=self.sids[account_sid].encode("SM", SCHEDULED, dord, k),
            account_sid=account_sid,
            created=created,
            direction="outbound-api",
            from_=d.choice(acct.traffic_numbers).phone_number,
            to=customer_number(seed, account_sid, d.randint(0, 499)),
            body=body,
            num_segments=segments,
            num_media=0,
            messaging_service_sid=acct.messaging_service_sid,
            steps=steps,
            price_at=price_at,
            price=price if price_at is not None else None,
            error=None,
            error_at=None,
            gone_at=gone_at,
            sent_at=sent_at,
        )


def _delay(d: Draw) -> int:
    """Creation to send time: mostly one to three days, some sooner, a few weeks ahead."""
    band = d.weighted((("soon", 0.15), ("days", 0.75), ("weeks", 0.10)))
    if band == "soon":
        return int(d.between(MIN_DELAY, DAY_US))
    if band == "days":
        return int(d.between(DAY_US, 3 * DAY_US))
    return int(d.between(3 * DAY_US, MAX_DELAY))
