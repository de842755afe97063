"""`GET /Usage/Records/Daily.json`: one row per account, UTC day and category, computed from the ledger.

Rows have no SID: Twilio's key is (account_sid, category, start_date, end_date), and a daily row's
start and end dates are its day. Every category of the tree is listed for every day from the
sandbox's first day to today (zeros included, as Twilio lists categories without usage), newest day
first and categories in alphabetical order within a day. `IncludeSubaccounts` defaults to true:
then a parent account's rows add up its own usage and every subaccount's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ...errors import invalid_parameter
from ...filters import parse_bool
from ...series import Key
from ...timefmt import from_us
from .categories import BY_NAME, LISTED, TOTAL
from .ledger import Ledger, Totals, money

if TYPE_CHECKING:
    from ...world import World

API = "/2010-04-01/Accounts"
PARAMS = ("Category", "StartDate", "EndDate", "IncludeSubaccounts")
_RELATIVE = re.compile(r"^([+-]?\d+)days$")
_SUBLISTS = (
    ("all_time", "AllTime"),
    ("daily", "Daily"),
    ("last_month", "LastMonth"),
    ("monthly", "Monthly"),
    ("this_month", "ThisMonth"),
    ("today", "Today"),
    ("yearly", "Yearly"),
    ("yesterday", "Yesterday"),
)


def render(account_sid: str, category: str, day: date, totals: Totals) -> dict:
    cat = BY_NAME[category]
    count, usage, price = totals.of(category)
    base = f"{API}/{account_sid}/Usage/Records"
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "as_of": from_us(totals.as_of).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "category": category,
        # Twilio's total has no count of its own; its usage is the price.
        "count": None if category == TOTAL else str(count),
        "count_unit": cat.count_unit,
        "description": cat.description,
        "end_date": day.isoformat(),
        # The spec types price as a number (its examples show strings; the catalogue reads both).
        "price": price / 100_000,
        # Upper case, the spec's `currency` format (Twilio's own examples write `usd`).
        "price_unit": "USD",
        "start_date": day.isoformat(),
        "subresource_uris": {key: f"{base}/{path}.json?Category={category}" for key, path in _SUBLISTS},
        "uri": f"{base}/Daily.json?Category={category}&StartDate={day}&EndDate={day}",
        "usage": money(usage) if category == TOTAL else str(usage),
        "usage_unit": cat.usage_unit,
    }


def parse_day(value: str, today: date) -> date:
    """YYYY-MM-DD, or an offset from today such as -30days / +30days."""
    text = value.strip()
    m = _RELATIVE.match(text)
    if m:
        return today + timedelta(days=int(m.group(1)))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid_parameter(f"Invalid date value {value!r}: use YYYY-MM-DD or an offset such as -30days") from None


class DailyListing:
    """The rows of one request, newest day first; keys are (day ordinal, position in the day)."""

    def __init__(self, world: World, ledger: Ledger, account_sid: str, params: dict[str, str], now: int):
        today = from_us(now).date()
        self.world, self.ledger, self.account_sid, self.now = world, ledger, account_sid, now
        first = max(
            world.first_day, parse_day(params["StartDate"], today) if "StartDate" in params else world.first_day
        )
        last = min(today, parse_day(params["EndDate"], today) if "EndDate" in params else today)
        self.first, self.last = first.toordinal(), last.toordinal()
        include = parse_bool(params, "IncludeSubaccounts")
        self.accounts = [account_sid] + (self._subaccounts() if include is None or include else [])
        wanted = params.get("Category")
        self.categories = [c for c in LISTED if wanted is None or c == wanted]

    def _subaccounts(self) -> list[str]:
        return [a.sid for a in self.world.by_sid.values() if a.owner_sid == self.account_sid and a.sid != a.owner_sid]

    def day(self, dord: int) -> list[dict]:
        """Every row of one day, in list order."""
        return [record for _, record in self._rows(dord, range(len(self.categories)))]

    def _rows(self, dord: int, positions) -> Iterator[tuple[Key, dict]]:
        totals = self.ledger.combined(self.accounts, dord, self.now)
        day = date.fromordinal(dord)
        for pos in positions:
            # Alphabetical order reads down the page, so the key counts down within the day.
            key = (dord, len(self.categories) - 1 - pos)
            yield key, render(self.account_sid, self.categories[pos], day, totals)

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        n = len(self.categories)
        for dord in range(self.last, self.first - 1, -1):
            if below is not None and dord > below[0]:
                continue
            start = 0 if below is None or dord < below[0] else n - below[1]
            if start < n:
                yield from self._rows(dord, range(start, n))

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        n = len(self.categories)
        for dord in range(self.first, self.last + 1):
            if above is not None and dord < above[0]:
                continue
            end = n if above is None or dord > above[0] else n - 1 - above[1]
            if end > 0:
                yield from self._rows(dord, range(end - 1, -1, -1))


def day_records(world: World, ledger: Ledger, account_sid: str, day: date, now: int) -> list[dict]:
    """One account's own rows of one day (IncludeSubaccounts=false), as listed."""
    if not world.first_day <= day <= from_us(now).date():
        return []
    return DailyListing(world, ledger, account_sid, {"IncludeSubaccounts": "false"}, now).day(day.toordinal())
