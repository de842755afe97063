"""The simulated Twilio account tree: every record, as a pure function of (config, clock).

`World.records` yields exactly the JSON the server sends for a collection, in the
server's order (newest first; for messages, those without date_sent first, see
message_list.py); tests compute their expectations from it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from .callslots import CallPlan
from .config import SandboxConfig
from .directory import Account, build_accounts
from .message_list import MessageListing
from .messages import REGULAR, SCHEDULED, MessagePlan
from .products import Product, build_products
from .scheduled import MAX_DELAY, ScheduledPlan
from .series import FOREVER, NEVER, FnSeries, Key, list_asc, list_desc, slots_up_to, walk_asc, walk_desc
from .summaries import render_summary, summary_visible
from .timefmt import DAY_US, day_start_us, dord_of, from_us, to_us

COLLECTIONS = (
    "calls",
    "messages",
    "conferences",
    "live_participants",
    "recordings",
    "transcriptions",
    "addresses",
    "incoming_phone_numbers",
    "call_summaries",
    "insights_conferences",
    "conference_participants",
)
DEFAULT_INSIGHTS_BASE = "https://insights.twilio.com"


@dataclass(slots=True)
class Stamped:
    """An item placed in a series by a time other than its own `created`."""

    created: int
    fact: Any


@dataclass(frozen=True)
class Options:
    include_deleted: bool = False
    conference_sid: str | None = None
    base_url: str = DEFAULT_INSIGHTS_BASE


@dataclass(frozen=True)
class CollectionDef:
    # Facts are of each collection's own type (a CallLeg, a Message, ...): Any here.
    series: Any  # a SlotSeries, or None for a short list
    items: Callable[[str], list]  # the short list, per account (unused with a series)
    visible: Callable[[Any, int, Options], bool]
    render: Callable[[Any, int, Options], dict]


def _always(fact, now, opts) -> bool:
    return True


def _no_items(account_sid: str) -> list:
    return []  # collections with a series list nothing else


class Listing:
    """One collection of one account at one clock time, restricted to creation in [lo, hi)."""

    def __init__(
        self,
        world: World,
        account_sid: str,
        coll: CollectionDef,
        now: int,
        lo: int,
        hi: int,
        opts: Options,
        predicate: Callable[[object, dict], bool] | None,
        only_dord: int | None = None,
    ):
        self.world, self.account_sid, self.coll = world, account_sid, coll
        self.now, self.lo, self.limit, self.opts = now, lo, min(now, hi - 1), opts
        self.predicate = predicate
        self.only_dord = only_dord  # one conference's participants all sit in its day

    def _dords(self) -> range:
        first = max(self.world.first_day.toordinal(), dord_of(self.lo))
        last = min(dord_of(self.now), dord_of(self.limit))
        if self.only_dord is not None:
            first, last = max(first, self.only_dord), min(last, self.only_dord)
        return range(first, last + 1)

    def _emit(self, walked) -> Iterator[tuple[Key, dict]]:
        coll, now, opts, pred = self.coll, self.now, self.opts, self.predicate
        for key, item in walked:
            fact = item.fact if isinstance(item, Stamped) else item
            if not coll.visible(fact, now, opts):
                continue
            record = coll.render(fact, now, opts)
            if pred is None or pred(fact, record):
                yield key, record

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        if self.coll.series is None:
            walked = list_desc(self.coll.items(self.account_sid), self.limit, self.lo, below)
        else:
            walked = walk_desc(self.coll.series, self.account_sid, reversed(self._dords()), self.limit, self.lo, below)
        return self._emit(walked)

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        if self.coll.series is None:
            walked = list_asc(self.coll.items(self.account_sid), self.limit, self.lo, above)
        else:
            walked = walk_asc(self.coll.series, self.account_sid, self._dords(), self.limit, self.lo, above)
        return self._emit(walked)


class World:
    def __init__(self, config: SandboxConfig):
        self.config = config
        self.first_day: date = config.first_day
        self._now = to_us(config.now)
        self._lock = threading.Lock()
        self._accounts = build_accounts(config)
        self.by_sid: dict[str, Account] = {a.sid: a for a in self._accounts}
        self.account_nicknames: dict[str, str] = {a.nickname: a.sid for a in self._accounts}
        self.calls = CallPlan(config.seed, self.by_sid)
        self.messages = MessagePlan(config.seed, self.by_sid)
        self.scheduled = ScheduledPlan(config.seed, self.by_sid)
        self.message_series = FnSeries(
            self.messages.slot_count, self.messages.slot_time, lambda a, d, i: [self.messages.message(a, d, i)]
        )
        self.public_base_url = DEFAULT_INSIGHTS_BASE
        self._conference_days: dict[tuple[str, str], int] = {}
        self._conferences_scanned: dict[str, int] = {}
        self._index_lock = threading.Lock()
        self._transcriptions_of_day = lru_cache(maxsize=10_000)(self._build_transcriptions)
        self._participants_of = lru_cache(maxsize=10_000)(self._build_participants)
        self._defs = self._collection_defs()
        self._products: tuple[Product, ...] | None = None
        self._products_lock = threading.Lock()

    @property
    def products(self) -> tuple[Product, ...]:
        """The product modules' state (usage, messaging, Studio, ...), built on first use."""
        with self._products_lock:
            if self._products is None:
                self._products = build_products(self)
            return self._products

    def product_for(self, collection: str) -> Product | None:
        """The product that serves a catalogue collection beyond the first ten, if any."""
        return next((p for p in self.products if collection in p.collections), None)

    # --- clock -----------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return from_us(self._now)

    @property
    def now_us(self) -> int:
        return self._now

    def set_now(self, dt: datetime) -> None:
        with self._lock:
            self._now = to_us(dt)

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += int(seconds * 1_000_000)
            return from_us(self._now)

    def days(self, *, now: datetime | None = None) -> list[date]:
        last = (now or self.now).date()
        n = (last - self.first_day).days + 1
        return [self.first_day + timedelta(days=k) for k in range(max(0, n))]

    # --- accounts --------------------------------------------------------------------

    def accounts(self) -> list[dict]:
        return [a.render() for a in self._accounts]

    def account(self, account_sid: str) -> Account | None:
        return self.by_sid.get(account_sid)

    def insights_enabled(self, account_sid: str) -> bool:
        return self.by_sid[account_sid].insights_enabled

    # --- collections -----------------------------------------------------------------

    def listing(
        self,
        account_sid: str,
        collection: str,
        *,
        now: int | None = None,
        lo: int = NEVER,
        hi: int = FOREVER,
        opts: Options = Options(),
        predicate: Callable[[object, dict], bool] | None = None,
    ) -> Listing | MessageListing:
        if collection not in COLLECTIONS:
            raise KeyError(f"unknown collection {collection!r}; known: {', '.join(COLLECTIONS)}")
        if account_sid not in self.by_sid:
            raise KeyError(f"unknown account {account_sid!r}")
        now = self._now if now is None else now
        if collection == "messages":
            return MessageListing(self, account_sid, now, lo, hi, predicate)
        only_dord = None
        if opts.conference_sid is not None and collection in ("live_participants", "conference_participants"):
            only_dord = self.conference_day(account_sid, opts.conference_sid, now=now)
            if only_dord is None:
                only_dord = -1  # no such conference: nothing to walk
        return Listing(self, account_sid, self._defs[collection], now, lo, hi, opts, predicate, only_dord)

    def records(
        self,
        account_sid: str,
        collection: str,
        *,
        now: datetime | None = None,
        conference_sid: str | None = None,
        include_deleted: bool = False,
        base_url: str | None = None,
    ) -> Iterator[dict]:
        """Every record of the collection existing at `now`, newest first, as served."""
        opts = self._options(conference_sid, include_deleted, base_url)
        listing = self.listing(account_sid, collection, now=self._us(now), opts=opts)
        return (record for _, record in listing.desc())

    def records_for_day(
        self,
        account_sid: str,
        collection: str,
        day: date,
        *,
        now: datetime | None = None,
        conference_sid: str | None = None,
        include_deleted: bool = False,
        base_url: str | None = None,
    ) -> Iterator[dict]:
        """The same, restricted to records whose natural date field falls on `day` (UTC): for messages
        their date_sent (what DateSent=day selects), so none whose date_sent is null."""
        opts = self._options(conference_sid, include_deleted, base_url)
        start = day_start_us(day)
        listing = self.listing(account_sid, collection, now=self._us(now), lo=start, hi=start + DAY_US, opts=opts)
        return (record for _, record in listing.desc())

    def count(self, account_sid: str, collection: str, *, day: date | None = None, now: datetime | None = None) -> int:
        now_us = self._us(now)
        if collection == "messages":
            return self._count_messages(account_sid, day, now_us)
        if day is None:
            listing = self.listing(account_sid, collection, now=now_us)
        else:
            start = day_start_us(day)
            listing = self.listing(account_sid, collection, now=now_us, lo=start, hi=start + DAY_US)
        return sum(1 for _ in listing.desc())

    def _count_messages(self, account_sid: str, day: date | None, now: int) -> int:
        # Regular series: arithmetic on the slot layout, no message is built (a day may hold millions).
        plan = self.messages
        first, last = self.first_day.toordinal(), dord_of(now)
        dords = range(first, last + 1) if day is None else [day.toordinal()]
        total = 0
        for dord in dords:
            if dord < first or dord > last:
                continue
            series = self.message_series
            created = slots_up_to(series, account_sid, dord, now)
            gone = slots_up_to(series, account_sid, dord, now - plan.delete_delay(account_sid, dord))
            total += created - plan.deleted_among_first(account_sid, dord, gone)
        return total + self._count_scheduled(account_sid, day, now)

    def _count_scheduled(self, account_sid: str, day: date | None, now: int) -> int:
        # Scheduled series: a few a day, counted one by one; by day means by date_sent.
        first, last = self.first_day.toordinal(), dord_of(now)
        if day is not None:
            first, last = max(first, day.toordinal() - MAX_DELAY // DAY_US - 1), min(last, day.toordinal())
        total = 0
        for dord in range(first, last + 1):
            for msg in self.scheduled.of_day(account_sid, dord):
                if not msg.exists(now):
                    continue
                sent = msg.date_sent(now)
                total += day is None or (sent is not None and dord_of(sent) == day.toordinal())
        return total

    def message(self, account_sid: str, message_sid: str, *, now: datetime | None = None) -> dict | None:
        """One message as `GET .../Messages/{sid}.json` serves it, or None (unknown, not yet or no longer there)."""
        now_us = self._us(now)
        if account_sid not in self.by_sid:
            return None
        position = self.messages.sids[account_sid].decode(message_sid)
        if position is None:
            return None
        series, dord, index = position
        if not self.first_day.toordinal() <= dord <= dord_of(now_us):
            return None
        if series == REGULAR and index < self.messages.slot_count(account_sid, dord):
            msg = self.messages.message(account_sid, dord, index)
        elif series == SCHEDULED and index < self.scheduled.count(account_sid, dord):
            msg = self.scheduled.message(account_sid, dord, index)
        else:
            return None
        if msg.sid != message_sid or not msg.exists(now_us):
            return None
        return msg.render(now_us)

    def find_conference(self, account_sid: str, conference_sid: str, *, now: int | None = None):
        """The conference with that SID if it exists at `now`."""
        now = self._now if now is None else now
        dord = self.conference_day(account_sid, conference_sid, now=now)
        if dord is None:
            return None
        for k in range(self.calls.conference_count(account_sid, dord)):
            conf = self.calls.conference(account_sid, dord, k)
            if conf.sid == conference_sid:
                return conf if conf.created <= now else None
        return None

    def conference_day(self, account_sid: str, conference_sid: str, *, now: int | None = None) -> int | None:
        """The day (ordinal) of a conference's slot, if it is planned on a day up to `now`'s.

        Days are indexed once (a few conferences each), so looking a SID up does not rescan history."""
        now = self._now if now is None else now
        last = dord_of(now)
        with self._index_lock:
            scanned = self._conferences_scanned.get(account_sid, self.first_day.toordinal() - 1)
            for dord in range(scanned + 1, last + 1):
                for k in range(self.calls.conference_count(account_sid, dord)):
                    self._conference_days[(account_sid, self.calls.conference(account_sid, dord, k).sid)] = dord
            self._conferences_scanned[account_sid] = max(scanned, last)
            found = self._conference_days.get((account_sid, conference_sid))
        return found if found is not None and found <= last else None

    # --- internals -------------------------------------------------------------------

    def _us(self, now: datetime | None) -> int:
        return self._now if now is None else to_us(now)

    def _options(self, conference_sid, include_deleted, base_url) -> Options:
        return Options(
            include_deleted=include_deleted, conference_sid=conference_sid, base_url=base_url or self.public_base_url
        )

    def _build_transcriptions(self, account_sid: str, dord: int) -> list:
        # A transcription is created when its recording completes, possibly the next day.
        start = day_start_us(date.fromordinal(dord))
        found = []
        for src in (dord - 1, dord):
            if src < self.first_day.toordinal():
                continue
            for i in range(self.calls.slot_count(account_sid, src)):
                tr = self.calls.slot(account_sid, src, i).transcription
                if tr is not None and start <= tr.created < start + DAY_US:
                    found.append(tr)
        found.sort(key=lambda t: (t.created, t.sid))
        return found

    def _build_participants(self, account_sid: str, dord: int, k: int, insights: bool) -> list:
        conf = self.calls.conference(account_sid, dord, k)
        stamped = [Stamped(p.join if insights else p.visible_from, p) for p in conf.participants]
        stamped.sort(key=lambda s: (s.created, s.fact.position))
        return stamped

    def _collection_defs(self) -> dict[str, CollectionDef]:
        calls = self.calls

        call_series = FnSeries(calls.slot_count, calls.slot_time, lambda a, d, i: calls.slot(a, d, i).legs)
        recording_series = FnSeries(
            calls.slot_count, calls.slot_time, lambda a, d, i: _one(calls.slot(a, d, i).recording)
        )

        def conference_time(a, d, k):
            return calls.slot_time(a, d, calls.anchors(a, d)[k])

        conference_series = FnSeries(
            calls.conference_count, conference_time, lambda a, d, k: [calls.conference(a, d, k)]
        )
        live_series = FnSeries(
            calls.conference_count, conference_time, lambda a, d, k: self._participants_of(a, d, k, False)
        )
        historic_series = FnSeries(
            calls.conference_count, conference_time, lambda a, d, k: self._participants_of(a, d, k, True)
        )
        transcription_series = FnSeries(
            lambda a, d: len(self._transcriptions_of_day(a, d)),
            lambda a, d, i: self._transcriptions_of_day(a, d)[i].created,
            lambda a, d, i: [self._transcriptions_of_day(a, d)[i]],
        )

        def in_conference(fact, opts):
            return opts.conference_sid is None or fact.conference.sid == opts.conference_sid

        def live(p, now, opts):
            return (
                in_conference(p, opts) and p.conference.status(now) != "completed" and p.visible_from <= now < p.leave
            )

        return {
            "calls": CollectionDef(call_series, _no_items, _always, lambda f, now, o: f.render(now)),
            "conferences": CollectionDef(conference_series, _no_items, _always, lambda f, now, o: f.render(now)),
            "live_participants": CollectionDef(live_series, _no_items, live, lambda f, now, o: f.render_live(now)),
            "recordings": CollectionDef(
                recording_series,
                _no_items,
                lambda f, now, o: o.include_deleted or f.deleted_at is None or now < f.deleted_at,
                lambda f, now, o: f.render(now),
            ),
            "transcriptions": CollectionDef(transcription_series, _no_items, _always, lambda f, now, o: f.render(now)),
            "addresses": CollectionDef(None, lambda a: self.by_sid[a].addresses, _always, lambda f, now, o: f.render()),
            "incoming_phone_numbers": CollectionDef(
                None, lambda a: self.by_sid[a].numbers, _always, lambda f, now, o: f.render()
            ),
            "call_summaries": CollectionDef(
                call_series,
                _no_items,
                lambda f, now, o: summary_visible(f, now),
                lambda f, now, o: render_summary(f, now, o.base_url),
            ),
            "insights_conferences": CollectionDef(
                conference_series, _no_items, _always, lambda f, now, o: f.render_insights(now, o.base_url)
            ),
            "conference_participants": CollectionDef(
                historic_series,
                _no_items,
                lambda f, now, o: in_conference(f, o),
                lambda f, now, o: f.render_insights(now, o.base_url),
            ),
        }


def _one(x) -> list:
    return [] if x is None else [x]
