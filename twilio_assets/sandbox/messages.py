"""Messages: message i of a day is built from a hash alone, so a day can hold millions.

Deletions are laid out so they can be counted without scanning: in every block of 50
messages exactly one is deleted, a fixed delay (per account and day) after it was sent.
A message SID encodes its position (sidcodec), so one message is found without a scan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from .directory import Account
from .hashing import Draw, unit
from .phones import customer_number
from .sidcodec import PositionSids
from .timefmt import US, day_start_us, rfc2822
from .traffic import offset_us

API = "/2010-04-01/Accounts"
DELETE_BLOCK = 50
# Which series a message SID belongs to (the first field of its encoded position).
REGULAR, SCHEDULED = 0, 1
_SENTENCES = (
    "Your verification code is 482913.",
    "Your order has shipped and will arrive tomorrow.",
    "Reminder: your appointment is at 3pm.",
    "Thanks, see you then!",
    "Can you call me back?",
    "Reply STOP to unsubscribe.",
    "Your table for two is ready.",
    "Payment received, thank you.",
    "The technician is on the way.",
    "Please confirm your delivery address.",
    "We have updated our terms of service; details are on our website under Legal.",
    "Your ticket #4471 has been resolved.",
    "Happy birthday from all of us!",
    "Ok",
    "Running 10 minutes late.",
    "Your package could not be delivered; we will try again on Monday.",
)
_UNDELIVERED = (
    (30003, "Unreachable destination handset"),
    (30005, "Unknown destination handset"),
    (30006, "Landline or unreachable carrier"),
    (30007, "Message filtered"),
)
_FAILED = (
    (30008, "Unknown error"),
    (21610, "Attempt to send to unsubscribed recipient"),
    (30034, "Message from an unregistered number"),
)


@dataclass(slots=True)
class Message:
    sid: str
    account_sid: str
    created: int
    direction: str
    from_: str
    to: str
    body: str
    num_segments: int
    num_media: int
    messaging_service_sid: str | None
    # (time, status) steps after creation; the first status holds from `created`.
    steps: tuple[tuple[int, str], ...]
    price_at: int | None
    price: str | None
    error: tuple[int, str] | None
    error_at: int | None
    gone_at: int | None  # deleted (vanishes from lists)
    sent_at: int | None  # date_sent, shown from that instant on; None: never sent

    def date_sent(self, now: int) -> int | None:
        return self.sent_at if self.sent_at is not None and now >= self.sent_at else None

    def exists(self, now: int) -> bool:
        return self.created <= now and (self.gone_at is None or now < self.gone_at)

    def status(self, now: int) -> str:
        status = self.steps[0][1]
        for t, s in self.steps[1:]:
            if now >= t:
                status = s
        return status

    def updated(self, now: int) -> int:
        last = self.created
        for t, _ in self.steps[1:]:
            if last < t <= now:
                last = t
        if self.price_at is not None and last < self.price_at <= now:
            last = self.price_at
        return last

    def render(self, now: int) -> dict:
        base = f"{API}/{self.account_sid}/Messages/{self.sid}"
        error = self.error if self.error is not None and self.error_at is not None and now >= self.error_at else None
        return {
            "body": self.body,
            "num_segments": str(self.num_segments),
            "direction": self.direction,
            "from": self.from_,
            "to": self.to,
            "date_updated": rfc2822(self.updated(now)),
            "price": self.price if self.price_at is not None and now >= self.price_at else None,
            "error_message": error[1] if error else None,
            "uri": f"{base}.json",
            "account_sid": self.account_sid,
            "num_media": str(self.num_media),
            "status": self.status(now),
            "messaging_service_sid": self.messaging_service_sid,
            "sid": self.sid,
            "date_sent": rfc2822(self.date_sent(now)),
            "date_created": rfc2822(self.created),
            "error_code": error[0] if error else None,
            "price_unit": "USD",
            "api_version": "2010-04-01",
            "subresource_uris": {"media": f"{base}/Media.json", "feedback": f"{base}/Feedback.json"},
        }


def compose(d: Draw, mms: bool, inbound: bool) -> tuple[str, int, str]:
    """Body, number of segments and (negative) price of one message."""
    n_sentences = d.weighted(((1, 60), (2, 20), (3, 10), (6, 6), (10, 4)))
    body = " ".join(d.choice(_SENTENCES) for _ in range(n_sentences))
    segments = 1 if mms or len(body) <= 160 else math.ceil(len(body) / 153)
    unit_price = (0.0100 if mms else 0.0079) if inbound else (0.0200 if mms else 0.0079)
    return body, segments, "%.5f" % -(unit_price * (1 if mms else segments))


def sid_codec(seed: int, account_sid: str) -> PositionSids:
    return PositionSids(seed, account_sid, "message-sid")


class MessagePlan:
    def __init__(self, seed: int, accounts: dict[str, Account]):
        self.seed = seed
        self.accounts = accounts
        self.sids = {a: sid_codec(seed, a) for a in accounts}

    def slot_count(self, account_sid: str, dord: int) -> int:
        return self.accounts[account_sid].messages_per_day

    def slot_time(self, account_sid: str, dord: int, i: int) -> int:
        fraction = (i + unit(self.seed, account_sid, "msg-t", dord, i)) / self.accounts[account_sid].messages_per_day
        return day_start_us(date.fromordinal(dord)) + offset_us(fraction)

    # --- deletions -------------------------------------------------------------------

    def delete_delay(self, account_sid: str, dord: int) -> int:
        return int((2 + 4 * unit(self.seed, account_sid, "msg-del-delay", dord)) * 3600 * US)

    def _deleted_in_block(self, account_sid: str, dord: int, block: int) -> int:
        return int(unit(self.seed, account_sid, "msg-del", dord, block) * DELETE_BLOCK)

    def is_deleted(self, account_sid: str, dord: int, i: int) -> bool:
        return i % DELETE_BLOCK == self._deleted_in_block(account_sid, dord, i // DELETE_BLOCK)

    def deleted_among_first(self, account_sid: str, dord: int, n: int) -> int:
        """How many of messages 0..n-1 of the day are (eventually) deleted."""
        full, rest = divmod(n, DELETE_BLOCK)
        partial = 1 if rest and self._deleted_in_block(account_sid, dord, full) < rest else 0
        return full + partial

    # --- one message -----------------------------------------------------------------

    def message(self, account_sid: str, dord: int, i: int) -> Message:
        acct = self.accounts[account_sid]
        seed = self.seed
        d = Draw(seed, account_sid, "msg", dord, i)
        created = self.slot_time(account_sid, dord, i)
        mms = d.chance(0.08)
        direction = d.weighted((("outbound-api", 0.6), ("inbound", 0.35), ("outbound-reply", 0.05)))
        ours = d.choice(acct.traffic_numbers).phone_number
        customer = customer_number(seed, account_sid, d.randint(0, 499))
        price: str | None
        body, segments, price = compose(d, mms, direction == "inbound")
        error: tuple[int, str] | None = None
        error_at: int | None = None
        price_at: int | None
        steps: tuple[tuple[int, str], ...]
        if direction == "inbound":
            steps = ((created, "receiving"), (created + int(d.between(0.1, 1) * US), "received"))
            price_at = created + int(d.between(1, 10) * US)
        else:
            queued_until = created + int(d.between(0.2, 2) * US)
            fate = d.weighted((("delivered", 0.9), ("undelivered", 0.06), ("failed", 0.04)))
            if fate == "failed":
                steps = ((created, "queued"), (queued_until, "failed"))
                error, error_at = d.choice(_FAILED), queued_until
                price_at = price = None
            else:
                sent_at = queued_until + int(d.between(0.3, 3) * US)
                final_at = sent_at + int(d.between(2, 30) * US)
                steps = ((created, "queued"), (queued_until, "sending"), (sent_at, "sent"), (final_at, fate))
                price_at = sent_at + int(d.between(1, 20) * US)
                if fate == "undelivered":
                    error, error_at = d.choice(_UNDELIVERED), final_at
        inbound = direction == "inbound"
        gone_at = created + self.delete_delay(account_sid, dord) if self.is_deleted(account_sid, dord, i) else None
        return Message(
            sid=self.sids[account_sid].encode("MM" if mms else "SM", REGULAR, dord, i),
            account_sid=account_sid,
            created=created,
            direction=direction,
            from_=customer if inbound else ours,
            to=ours if inbound else customer,
            body=body,
            num_segments=segments,
            num_media=d.randint(1, 3) if mms else 0,
            messaging_service_sid=acct.messaging_service_sid if not inbound and d.chance(0.5) else None,
            steps=steps,
            price_at=price_at,
            price=price,
            error=error,
            error_at=error_at,
            gone_at=gone_at,
            # date_sent is the creation time, so DateSent filters select regular messages by creation day.
            sent_at=created,
        )
