"""The ledger: what each account was charged, per UTC day and leaf category, and when each charge is rated.

Charges come from the world's own traffic (the planned call legs, messages, recordings and
transcriptions, deleted ones included: Twilio bills what happened) plus the monthly fee of each phone
number. A charge belongs to the day of its event (a call's start, a message's send, a recording's or
transcription's creation) and shows in the usage records only once rated, which Twilio does late:

* each call, message, recording and transcription is rated between a minute and three hours after it is
  priced (most within minutes), so today's rows accrue through the day and a late call's cost lands
  after midnight;
* the day's carrier fees are posted in one lump 6 to 12 hours after the day ends.

So a day's rows keep changing until `SETTLED_AFTER` past its end, then are final. Everything is a pure
function of (seed, clock): a day's charges are planned once (cached per account and day) and the clock
only decides which of them are rated yet.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from ...hashing import unit
from ...scheduled import MAX_DELAY
from ...timefmt import DAY_US, US, day_start_us, dord_of
from .categories import BY_NAME, CATEGORIES, LEAVES, TOTAL, leaves_under

if TYPE_CHECKING:
    from ...world import World

# Prices in units of 0.00001 of the currency: Twilio's prices have five decimals, so sums stay exact.
UNITS = 100_000
MAX_RATING_LAG = 3 * 3600 * US
SETTLE_FROM, SETTLE_TO = 6 * 3600 * US, 12 * 3600 * US
# The latest a day's rows change: its carrier fees (a conference that started at 23:59 ends within
# about an hour, then rates within three: well before the fees).
SETTLED_AFTER = SETTLE_TO
SMS_CARRIER_FEE = 300  # per outbound segment (0.003)
MMS_CARRIER_FEE = 500  # per outbound message (0.005)
NUMBER_FEE = {"phonenumbers-local": 115_000, "phonenumbers-tollfree": 215_000}  # a month (1.15, 2.15)


@dataclass(frozen=True, slots=True)
class Charge:
    category: str  # a leaf category
    count: int
    usage: int
    price: int  # in UNITS
    rated_at: int  # when the usage records first include it (microseconds)


@dataclass(frozen=True)
class Totals:
    """One account's (or a parent's rolled-up) figures for one day, every category, at one clock time."""

    figures: dict[str, tuple[int, int, int]]  # category -> (count, usage, price in UNITS)
    as_of: int  # the latest rating included (the day's start when nothing is rated yet)

    def of(self, category: str) -> tuple[int, int, int]:
        return self.figures[category]


def money(units: int) -> str:
    """A price as Twilio writes it in strings: five decimals."""
    return f"{Decimal(units) / UNITS:.5f}"


def _lag(seed: int, key: str) -> int:
    # Mostly a few minutes, a long tail up to three hours.
    return US * 60 + int((MAX_RATING_LAG - US * 60) * unit(seed, "usage-lag", key) ** 3)


def _units(price: str | float) -> int:
    """Twilio's negative price string (or number) as positive UNITS charged."""
    return -int((Decimal(str(price)) * UNITS).to_integral_value())


class Ledger:
    def __init__(self, world: World):
        self.world = world
        self.seed = world.config.seed
        self.charges = lru_cache(maxsize=20_000)(self._charges)
        self._final = lru_cache(maxsize=20_000)(self._final_totals)

    # --- one account's day -------------------------------------------------------------

    def totals(self, account_sid: str, dord: int, now: int) -> Totals:
        """Every category's figures of the account's own usage on the day, as rated at `now`."""
        if self.settled(dord, now):
            return self._final(account_sid, dord)
        return self._totals(account_sid, dord, now)

    def combined(self, account_sids: list[str], dord: int, now: int) -> Totals:
        """Several accounts' figures added up (a parent with IncludeSubaccounts=true)."""
        parts = [self.totals(a, dord, now) for a in account_sids]
        figures = {}
        for name in parts[0].figures:
            rows = [p.figures[name] for p in parts]
            figures[name] = (sum(r[0] for r in rows), sum(r[1] for r in rows), sum(r[2] for r in rows))
        return Totals(figures, max(p.as_of for p in parts))

    def settled(self, dord: int, now: int) -> bool:
        """True once the day's rows are final."""
        return now >= day_start_us(date.fromordinal(dord)) + DAY_US + SETTLED_AFTER

    def _final_totals(self, account_sid: str, dord: int) -> Totals:
        return self._totals(account_sid, dord, day_start_us(date.fromordinal(dord)) + DAY_US + SETTLED_AFTER)

    def _totals(self, account_sid: str, dord: int, now: int) -> Totals:
        charges, rated_times = self.charges(account_sid, dord)
        leaf = {name: [0, 0, 0] for name in LEAVES}
        rated = charges[: bisect_right(rated_times, now)]
        for charge in rated:
            sums = leaf[charge.category]
            sums[0] += charge.count
            sums[1] += charge.usage
            sums[2] += charge.price
        figures: dict[str, tuple[int, int, int]] = {}
        for category in CATEGORIES:
            under = leaves_under(category.name)
            counted = [leaf[n] for n in under if not BY_NAME[n].fee]
            price = sum(leaf[n][2] for n in under)
            if category.name == TOTAL:
                figures[TOTAL] = (0, price, price)  # Twilio's total has no count; its usage is the price
            else:
                figures[category.name] = (sum(s[0] for s in counted), sum(s[1] for s in counted), price)
        start = day_start_us(date.fromordinal(dord))
        return Totals(figures, rated[-1].rated_at if rated else start)

    # --- planning a day's charges ------------------------------------------------------

    def _charges(self, account_sid: str, dord: int) -> tuple[tuple[Charge, ...], list[int]]:
        """Every charge of the account's day, in rating order, with their rating times."""
        world = self.world
        if dord < world.first_day.toordinal():
            return (), []  # the sandbox's history starts on its first day
        found: list[Charge] = []
        found += self._calls(account_sid, dord)
        found += self._messages(account_sid, dord)
        found += self._numbers(account_sid, dord)
        found.sort(key=lambda c: (c.rated_at, c.category))
        return tuple(found), [c.rated_at for c in found]

    def _calls(self, account_sid: str, dord: int) -> list[Charge]:
        plan, seed, out = self.world.calls, self.seed, []
        for i in range(plan.slot_count(account_sid, dord)):
            slot = plan.slot(account_sid, dord, i)
            for leg in slot.legs:
                if not leg.answered:
                    continue  # unanswered legs cost nothing
                minutes = math.ceil(leg.duration_s() / 60) or 1
                category = "calls-inbound-local" if leg.direction == "inbound" else "calls-outbound"
                found = Charge(category, 1, minutes, _units(leg.price()), leg.price_at + _lag(seed, leg.sid))
                out.append(found)
            if slot.recording is not None:
                rec = slot.recording
                minutes = math.ceil(rec.duration_s() / 60)
                out.append(Charge("recordings", 1, minutes, minutes * 250, rec.completed + _lag(seed, rec.sid)))
        # A transcription counts on the day it is created: its recording's completion, maybe the next day.
        start = day_start_us(date.fromordinal(dord))
        for src in (dord - 1, dord):
            if src < self.world.first_day.toordinal():
                continue
            for i in range(plan.slot_count(account_sid, src)):
                tr = plan.slot(account_sid, src, i).transcription
                if tr is not None and start <= tr.created < start + DAY_US:
                    minutes = math.ceil(tr.recording.duration_s() / 60)
                    out.append(Charge("transcriptions", 1, minutes, minutes * 5000, tr.completed + _lag(seed, tr.sid)))
        return out

    def _messages(self, account_sid: str, dord: int) -> list[Charge]:
        world, seed, out = self.world, self.seed, []
        sent = [
            world.messages.message(account_sid, dord, i) for i in range(world.messages.slot_count(account_sid, dord))
        ]
        # Scheduled messages count on the day they went out, up to 35 days after they were created.
        first = max(world.first_day.toordinal(), dord - MAX_DELAY // DAY_US - 1)
        for created in range(first, dord + 1):
            for msg in world.scheduled.of_day(account_sid, created):
                if msg.sent_at is not None and dord_of(msg.sent_at) == dord:
                    sent.append(msg)
        sms_fee = [0, 0]  # messages, segments
        mms_fee = 0
        for msg in sent:
            if msg.price is None or msg.price_at is None:
                continue  # failed before sending: not billed
            mms = msg.sid.startswith("MM")
            inbound = msg.direction == "inbound"
            kind = ("mms" if mms else "sms") + ("-inbound-longcode" if inbound else "-outbound-longcode")
            usage = 1 if mms else msg.num_segments
            out.append(Charge(kind, 1, usage, _units(msg.price), msg.price_at + _lag(seed, msg.sid)))
            if not inbound:
                if mms:
                    mms_fee += 1
                else:
                    sms_fee[0] += 1
                    sms_fee[1] += msg.num_segments
        settle = day_start_us(date.fromordinal(dord)) + DAY_US + SETTLE_FROM
        settle += int((SETTLE_TO - SETTLE_FROM) * unit(seed, "usage-settle", account_sid, dord))
        if sms_fee[0]:
            out.append(Charge("sms-messages-carrierfees", sms_fee[0], sms_fee[1], sms_fee[1] * SMS_CARRIER_FEE, settle))
        if mms_fee:
            out.append(Charge("mms-messages-carrierfees", mms_fee, mms_fee, mms_fee * MMS_CARRIER_FEE, settle))
        return out

    def _numbers(self, account_sid: str, dord: int) -> list[Charge]:
        """Each number's monthly fee: on the day it was bought, then on that day of every month after."""
        day = date.fromordinal(dord)
        start = day_start_us(day)
        out = []
        for number in self.world.by_sid[account_sid].numbers:
            bought = dord_of(number.created)
            if dord < bought:
                continue
            if dord == bought:
                when = number.created
            else:
                anniversary = date.fromordinal(bought).day
                if day.day != min(anniversary, _days_in_month(day)):
                    continue
                when = start
            category = "phonenumbers-local"
            out.append(Charge(category, 1, 1, NUMBER_FEE[category], when + _lag(self.seed, f"{number.sid}:{dord}")))
        return out


def _days_in_month(day: date) -> int:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (following - date(day.year, day.month, 1)).days
