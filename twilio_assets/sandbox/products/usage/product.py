"""The usage product: daily usage records and usage triggers, served per account on the api host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from ...api_v2010 import page_of
from ...errors import authenticate_error, not_found
from ...filters import check_enum, first_values, page_params
from ..base import Product, Route
from .ledger import Ledger
from .records import PARAMS as RECORD_PARAMS
from .records import DailyListing, day_records
from .triggers import FIELDS, RECURRING, Triggers
from .triggers import PARAMS as TRIGGER_PARAMS

if TYPE_CHECKING:
    from ...app import SandboxApp
    from ...auth import Principal
    from ...http_types import Request
    from ...world import World

_ACCOUNT = r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})"
DAILY = re.compile(_ACCOUNT + r"/Usage/Records/Daily\.json$")
TRIGGERS = re.compile(_ACCOUNT + r"/Usage/Triggers\.json$")


class RowList:
    """A fixed list served in its given order (keys count down), for paging."""

    def __init__(self, records: list[dict]):
        self._rows = [((len(records) - i,), r) for i, r in enumerate(records)]

    def desc(self, below=None):
        return (row for row in self._rows if below is None or row[0] < below)

    def asc(self, above=None):
        return (row for row in reversed(self._rows) if above is None or row[0] > above)


class UsageProduct(Product):
    name = "usage"
    collections = ("usage_records", "usage_triggers")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.ledger = Ledger(world)
        self.triggers = Triggers(world, self.ledger)

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        def daily(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            account = self._account(req, principal, match.group(1))
            params = first_values(req.query)
            size, page_no, token = page_params(params)
            listing = DailyListing(self.world, self.ledger, account, params, req.now)
            return page_of(app, listing, req.path, "usage_records", req.query, RECORD_PARAMS, size, page_no, token)

        def triggers(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            account = self._account(req, principal, match.group(1))
            params = first_values(req.query)
            size, page_no, token = page_params(params)
            rows = self.triggers.records(account, req.now)
            if "Recurring" in params:
                # An empty value asks for the non-recurring ones, as `alltime` does.
                wanted = check_enum({"Recurring": params["Recurring"] or "alltime"}, "Recurring", RECURRING)
                rows = [r for r in rows if r["recurring"] == wanted]
            if check_enum(params, "TriggerBy", FIELDS):
                rows = [r for r in rows if r["trigger_by"] == params["TriggerBy"]]
            if "UsageCategory" in params:
                rows = [r for r in rows if r["usage_category"] == params["UsageCategory"]]
            listing = RowList(rows)
            return page_of(app, listing, req.path, "usage_triggers", req.query, TRIGGER_PARAMS, size, page_no, token)

        return (Route("api", DAILY, daily), Route("api", TRIGGERS, triggers))

    def _account(self, req: Request, principal: Principal, account_sid: str) -> str:
        # As every v2010 list: unknown account 404; another account's credentials 401 (main reaches subs).
        if self.world.account(account_sid) is None:
            raise not_found(req.path)
        if not principal.can_access(self.world, account_sid):
            raise authenticate_error()
        return account_sid

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """usage_records: each account's own rows (IncludeSubaccounts=false, as the catalogue reads them) of
        each day from the first day to today; usage_triggers: each account's whole list (days do not apply)."""
        now = self.world.now_us
        for account in account_sids:
            if collection == "usage_triggers":
                yield from self.triggers.records(account, now)
                continue
            for day in days if days is not None else self.world.days():
                yield from day_records(self.world, self.ledger, account, day, now)
