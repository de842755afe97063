"""When each short per-account list entry (caller ID, application, queue, API key, SIP domain) exists.

Every list has a few entries that predate the sandbox's first day and are never deleted (calls use
those caller IDs, numbers point at those applications); then, day by day, an entry may be added at a
moment of the day, some of them deleted hours or days later, and some entries are renamed once. Each
day is drawn alone (and cached), so a clock 400 days on costs 400 small draws, never a rebuild.

An entry's key is (day ordinal, position): base entries sit on day 0, so keys sort like creation.
Subaccounts get fewer entries, and the last ones none of some lists (an account without the product).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ...hashing import Draw, sid
from ...phones import us_number
from ...timefmt import DAY_US, US, day_start_us

HOUR_US = 3600 * US
BASE_DAY = 0  # the day ordinal of the entries that predate the first day


@dataclass(frozen=True)
class Shape:
    """How one list grows. Tuples are per account index (main first); the last value repeats."""

    prefix: str
    base: tuple[int, ...]  # entries before the first day
    daily: tuple[float, ...]  # chance of one new entry on each day
    deleted: float  # chance that a new entry is deleted later
    renamed: float  # chance that an entry is renamed once


SHAPES: dict[str, Shape] = {
    "outgoing_caller_ids": Shape("PN", base=(3, 2), daily=(0.6, 0.3), deleted=0.5, renamed=0.25),
    "applications": Shape("AP", base=(3, 1, 0), daily=(0.5, 0.2, 0.0), deleted=0.5, renamed=0.3),
    "queues": Shape("QU", base=(2, 1, 0), daily=(0.25, 0.0), deleted=0.5, renamed=0.2),
    "keys": Shape("SK", base=(2, 1, 0), daily=(0.3, 0.15, 0.0), deleted=0.6, renamed=0.1),
    "sip_domains": Shape("SD", base=(1, 0), daily=(0.15, 0.0), deleted=0.5, renamed=0.2),
}


def _of(values: tuple, index: int):
    return values[min(index, len(values) - 1)]


@dataclass(frozen=True, slots=True)
class Entry:
    collection: str
    account_sid: str
    sid: str
    key: tuple[int, int]
    created: int
    renamed_at: int | None
    gone_at: int | None  # deleted from this instant on

    def exists(self, now: int) -> bool:
        return self.created <= now and (self.gone_at is None or now < self.gone_at)

    def renamed(self, now: int) -> bool:
        return self.renamed_at is not None and now >= self.renamed_at

    def updated(self, now: int) -> int:
        return self.renamed_at if self.renamed_at is not None and now >= self.renamed_at else self.created

    def draw(self, *what: object) -> Draw:
        """The entry's own randomness (its content), apart from the draws that placed it in time."""
        return Draw("v2010-list-entry", self.sid, *what)


@lru_cache(maxsize=1024)
def base_entries(
    seed: int, collection: str, account_sid: str, index: int, account_created: int, first_dord: int
) -> tuple[Entry, ...]:
    """The entries set up soon after the account was opened, before the first day; never deleted."""
    shape = SHAPES[collection]
    first_start = day_start_us(date.fromordinal(first_dord))
    out = []
    for k in range(_of(shape.base, index)):
        d = Draw(seed, account_sid, collection, "base", k)
        # Hours after the account's opening, before its first numbers (days later) and far before the
        # first day (the newest subaccount opens 30+ days before it); four hours apart keeps their order.
        created = account_created + int((4 * k + d.between(0.5, 3.5)) * HOUR_US)
        renamed = first_start + int(d.between(0, 3) * DAY_US) if d.chance(shape.renamed) else None
        out.append(
            Entry(
                collection,
                account_sid,
                _sid(shape, seed, account_sid, collection, "base", k),
                (BASE_DAY, k),
                created,
                renamed,
                None,
            )
        )
    return tuple(out)


@lru_cache(maxsize=20_000)
def day_entries(seed: int, collection: str, account_sid: str, index: int, dord: int) -> tuple[Entry, ...]:
    """The entries added on one day (at most one per list and day)."""
    shape = SHAPES[collection]
    d = Draw(seed, account_sid, collection, "day", dord)
    if not d.chance(_of(shape.daily, index)):
        return ()
    created = day_start_us(date.fromordinal(dord)) + d.randint(0, 86_399) * US
    gone = created + int(d.between(1, 48) * HOUR_US) if d.chance(shape.deleted) else None
    renamed = created + int(d.between(0.5, 72) * HOUR_US) if d.chance(shape.renamed) else None
    if renamed is not None and gone is not None and renamed >= gone:
        renamed = None  # a deleted entry is never seen renamed
    return (
        Entry(
            collection,
            account_sid,
            _sid(shape, seed, account_sid, collection, "day", dord),
            (dord, 0),
            created,
            renamed,
            gone,
        ),
    )


def _sid(shape: Shape, seed: int, account_sid: str, *where: object) -> str:
    return sid(shape.prefix, seed, account_sid, "v2010-list", *where)


def caller_id_number(entry: Entry) -> str:
    return us_number("caller-id", entry.sid)


@dataclass(frozen=True, slots=True)
class CallerId:
    sid: str
    phone_number: str


def traffic_caller_ids(
    seed: int, account_sid: str, index: int, account_created: int, first_dord: int
) -> list[CallerId]:
    """The caller IDs outbound calls use: the account's base ones, which are never deleted."""
    entries = base_entries(seed, "outgoing_caller_ids", account_sid, index, account_created, first_dord)
    return [CallerId(e.sid, caller_id_number(e)) for e in entries]


def number_applications(
    seed: int, account_sid: str, index: int, account_created: int, first_dord: int, k: int
) -> tuple[str, str]:
    """(voice_application_sid, sms_application_sid) of the account's number k: a base application
    (never deleted) or "" for none, as Twilio sends an unset one."""
    apps = [e.sid for e in base_entries(seed, "applications", account_sid, index, account_created, first_dord)]
    if not apps:
        return "", ""
    d = Draw(seed, account_sid, "number-applications", k)
    voice = d.choice(apps) if d.chance(0.5) else ""
    sms = d.choice(apps) if d.chance(0.35) else ""
    return voice, sms
