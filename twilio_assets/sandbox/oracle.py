"""What a correct sync of the sandbox must have stored, computed from the world alone.

Tests of the sync engine compare the warehouse against this. It deliberately knows
nothing of the engine, the catalogue or the warehouse (no imports from them): a bug in
the engine's windows or filters must not pass by agreeing with itself. The rules it
encodes are Twilio's, as the sandbox serves them:

* accounts, addresses, incoming_phone_numbers are read whole: `days` does not apply.
  Accounts are every account of the world (the list the main credentials see, whatever
  `account_sids` says) and never carry `auth_token` (the warehouse must not hold it).
* calls by start day, conferences / recordings / transcriptions by creation day;
  call_feedback is the Insights call summaries that carry an annotation, by start day;
  conference_participants are the Insights participants of conferences created on the days.
* messages: those whose date_sent is on one of the days, plus every message whose
  date_sent is null (scheduled, accepted, queued, canceled) created no earlier than
  36 days before the first day: a sync reads that leading block of the unfiltered list
  on every run, since no DateSent filter ever finds those messages.
* retention: no messages on days more than 400 days before the clock's day, and no
  Insights rows on days more than 30 days before it. Deleted records never appear.
* every other collection (usage, messaging services, Studio, ...) is its sandbox product
  module's to state (`products/*.py`, `Product.expected`), next to the state it serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from itertools import takewhile
from typing import Any

from .retention import INSIGHTS_DAYS, MESSAGE_DAYS, within
from .world import World

# How far back before the first synced day the null-date_sent block is kept: a message is
# scheduled at most 35 days ahead (one more day of margin for the day boundary).
PENDING_LOOKBACK_DAYS = 36

WHOLE = {"addresses", "incoming_phone_numbers"}
BY_DAY = {
    "calls": "calls",
    "conferences": "conferences",
    "recordings": "recordings",
    "transcriptions": "transcriptions",
}
CATALOGUE_NAMES = (
    "accounts",
    "addresses",
    "incoming_phone_numbers",
    "calls",
    "conferences",
    "recordings",
    "transcriptions",
    "messages",
    "call_feedback",
    "conference_participants",
)


def expected_records(
    world: World, collection: str, account_sids: Iterable[str], days: Iterable[date] | None = None
) -> Iterator[dict[str, Any]]:
    """The records a correct sync of `days` (default: every sandbox day) has stored for
    `collection` (a catalogue name), exactly as the raw JSON column should hold them."""
    if collection not in CATALOGUE_NAMES:
        product = world.product_for(collection)
        if product is None:
            known = [*CATALOGUE_NAMES, *(name for p in world.products for name in p.collections)]
            raise KeyError(f"unknown collection {collection!r}; known: {', '.join(known)}")
        # The collections beyond the first ten: each product module states its own rules.
        yield from product.expected(collection, list(account_sids), list(days) if days is not None else None)
        return
    if collection == "accounts":
        # The account list reaches every account; the engine reads it whole, once.
        yield from ({k: v for k, v in a.items() if k != "auth_token"} for a in world.accounts())
        return
    accounts = list(account_sids)
    chosen = list(days) if days is not None else world.days()
    for account in accounts:
        if collection in WHOLE:
            yield from world.records(account, collection)
        elif collection in BY_DAY:
            for day in chosen:
                yield from world.records_for_day(account, BY_DAY[collection], day)
        elif collection == "messages":
            yield from _messages(world, account, chosen)
        elif collection == "call_feedback":
            for day in _insights_days(world, chosen):
                yield from (s for s in world.records_for_day(account, "call_summaries", day) if s["annotation"])
        else:
            yield from _participants(world, account, chosen)


def _messages(world: World, account: str, days: list[date]) -> Iterator[dict]:
    if not days:
        return
    since = min(days) - timedelta(days=PENDING_LOOKBACK_DAYS)
    # The unfiltered list starts with every message whose date_sent is null, newest created first.
    pending = takewhile(lambda m: m["date_sent"] is None, world.records(account, "messages"))
    yield from takewhile(lambda m: _day(m["date_created"]) >= since, pending)
    for day in days:
        if within(day, world.now_us, MESSAGE_DAYS):
            yield from world.records_for_day(account, "messages", day)


def _participants(world: World, account: str, days: list[date]) -> Iterator[dict]:
    for day in _insights_days(world, days):
        for conference in world.records_for_day(account, "insights_conferences", day):
            yield from world.records(account, "conference_participants", conference_sid=conference["conference_sid"])


def _insights_days(world: World, days: list[date]) -> list[date]:
    return [d for d in days if within(d, world.now_us, INSIGHTS_DAYS)]


def _day(rfc2822: str) -> date:
    return parsedate_to_datetime(rfc2822).date()
