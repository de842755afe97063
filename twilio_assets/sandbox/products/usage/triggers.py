"""`GET /Usage/Triggers.json`: a few usage triggers per account, watching the ledger as the clock moves.

A trigger watches one field (count, usage or price) of one category over a period (a UTC day, or a
calendar month). `current_value` is that field over the current period as rated now, so it rises
through the day; `date_fired` is the last moment a period's value reached `trigger_value` (late rating
can fire a daily trigger after its day has ended). The main account has three triggers, the first
subaccount one, and the others none (an account without triggers lists none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from ...hashing import sid
from ...timefmt import DAY_US, US, day_start_us, dord_of, rfc2822
from .categories import BY_NAME, leaves_under
from .ledger import SETTLED_AFTER, UNITS, Charge, Ledger, money

if TYPE_CHECKING:
    from ...world import World

API = "/2010-04-01/Accounts"
FIELDS = ("count", "usage", "price")
RECURRING = ("daily", "monthly", "yearly", "alltime")
PARAMS = ("Recurring", "TriggerBy", "UsageCategory")


@dataclass(frozen=True)
class TriggerPlan:
    friendly_name: str
    usage_category: str
    trigger_by: str  # one of FIELDS
    trigger_value: str
    recurring: str  # daily or monthly here
    created_after_hours: int  # after the start of the sandbox's first day


# By account index (0 = main account).
PLANS: dict[int, tuple[TriggerPlan, ...]] = {
    0: (
        TriggerPlan("Daily spend above 4 USD", "totalprice", "price", "4", "daily", 1),
        TriggerPlan("Monthly SMS volume", "sms", "count", "2000", "monthly", 2),
        TriggerPlan("Voice minutes runaway", "calls", "usage", "5000", "daily", 3),
    ),
    1: (TriggerPlan("Daily spend above 1.50 USD", "totalprice", "price", "1.50", "daily", 1),),
}


@dataclass(frozen=True)
class Trigger:
    sid: str
    account_sid: str
    plan: TriggerPlan
    created: int

    @property
    def threshold(self) -> int:
        value = Decimal(self.plan.trigger_value)
        return int(value * UNITS) if self.plan.trigger_by == "price" else int(value)


class Triggers:
    def __init__(self, world: World, ledger: Ledger):
        self.world, self.ledger = world, ledger
        start = day_start_us(world.first_day)
        seed = world.config.seed
        self.of_account: dict[str, tuple[Trigger, ...]] = {
            a.sid: tuple(
                Trigger(
                    sid("UT", seed, a.sid, "usage-trigger", k),
                    a.sid,
                    plan,
                    start + plan.created_after_hours * 3600 * US,
                )
                for k, plan in enumerate(PLANS.get(a.index, ()))
            )
            for a in world.by_sid.values()
        }
        self._crossing = lru_cache(maxsize=10_000)(self._first_crossing)

    def records(self, account_sid: str, now: int) -> list[dict]:
        """The account's triggers existing at `now`, newest first."""
        live = [t for t in self.of_account.get(account_sid, ()) if t.created <= now]
        return [self.render(t, now) for t in sorted(live, key=lambda t: (t.created, t.sid), reverse=True)]

    def render(self, trigger: Trigger, now: int) -> dict:
        plan, account = trigger.plan, trigger.account_sid
        fired = self.date_fired(trigger, now)
        return {
            "account_sid": account,
            "api_version": "2010-04-01",
            "callback_method": "POST",
            "callback_url": f"https://hooks.example.com/twilio/usage/{trigger.sid[2:10]}",
            "current_value": self._format(plan.trigger_by, self.current_value(trigger, now)),
            "date_created": rfc2822(trigger.created),
            "date_fired": rfc2822(fired),
            "date_updated": rfc2822(max(trigger.created, fired or trigger.created)),
            "friendly_name": plan.friendly_name,
            "recurring": plan.recurring,
            "sid": trigger.sid,
            "trigger_by": plan.trigger_by,
            "trigger_value": plan.trigger_value,
            "uri": f"{API}/{account}/Usage/Triggers/{trigger.sid}.json",
            "usage_category": plan.usage_category,
            "usage_record_uri": f"{API}/{account}/Usage/Records.json?Category={plan.usage_category}",
        }

    # --- periods ---------------------------------------------------------------------

    def _period(self, recurring: str, dord: int) -> tuple[int, int]:
        """First and last day (ordinals) of the period holding day `dord`."""
        if recurring == "daily":
            return dord, dord
        day = date.fromordinal(dord)
        first = day.replace(day=1)
        following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return first.toordinal(), following.toordinal() - 1

    def current_value(self, trigger: Trigger, now: int) -> int:
        first, last = self._period(trigger.plan.recurring, dord_of(now))
        first = max(first, self.world.first_day.toordinal())
        field = FIELDS.index(trigger.plan.trigger_by)
        category = trigger.plan.usage_category
        return sum(
            self.ledger.totals(trigger.account_sid, d, now).of(category)[field]
            for d in range(first, min(last, dord_of(now)) + 1)
        )

    def date_fired(self, trigger: Trigger, now: int) -> int | None:
        """The latest moment up to `now` at which a period's value reached the trigger's value."""
        best: int | None = None
        period_end = self._period(trigger.plan.recurring, dord_of(now))[1]
        while period_end >= dord_of(trigger.created):
            first, last = self._period(trigger.plan.recurring, period_end)
            if best is not None and day_start_us(date.fromordinal(last)) + DAY_US + SETTLED_AFTER < best:
                break  # no older period can have fired later
            crossing = self._crossing(trigger, first, last)
            if crossing is not None:
                fired = max(crossing, trigger.created)
                if fired <= now and (best is None or fired > best):
                    best = fired
            period_end = first - 1
        return best

    def _first_crossing(self, trigger: Trigger, first: int, last: int) -> int | None:
        """When the period's value first reaches the threshold, over every charge planned for it
        (a pure function of the plan: the clock only decides whether that moment has come)."""
        field = trigger.plan.trigger_by
        under = leaves_under(trigger.plan.usage_category)
        wanted = {n for n in under if field == "price" or not BY_NAME[n].fee}
        charges: list[Charge] = []
        for d in range(max(first, self.world.first_day.toordinal()), last + 1):
            charges += [c for c in self.ledger.charges(trigger.account_sid, d)[0] if c.category in wanted]
        charges.sort(key=lambda c: c.rated_at)
        total, threshold = 0, trigger.threshold
        for charge in charges:
            total += getattr(charge, field)
            if total >= threshold:
                return charge.rated_at
        return None

    @staticmethod
    def _format(field: str, value: int) -> str:
        return money(value) if field == "price" else str(value)
