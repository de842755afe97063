"""The v2010 lists product: each MMS message's media, and the account's short lists (caller IDs,
applications, queues, API keys, SIP domains), served and stated for the oracle.

Nothing here imports the world or api_v2010 at module level: directory.py reads plan.py while the
world is being imported, and this package comes along with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ...errors import authenticate_error, not_found
from ...filters import date_window, first_values, kept_filters, page_params
from ...paging import links, take_page, v2010_envelope
from ...retention import MESSAGE_DAYS, within
from ...series import Key
from ...timefmt import dord_of, from_us, to_us
from ..base import Product, Route
from .plan import Entry, base_entries, day_entries
from .records import RENDER, media

if TYPE_CHECKING:
    from ...app import SandboxApp
    from ...auth import Principal
    from ...http_types import Request

_SID = r"[0-9a-fA-F]{32}"
_ACCOUNT = rf"/2010-04-01/Accounts/(AC{_SID})"
_MEDIA = re.compile(rf"{_ACCOUNT}/Messages/((?:SM|MM){_SID})/Media\.json")


@dataclass(frozen=True)
class ListResource:
    collection: str
    path: str  # under the account, without `.json`
    list_key: str
    filters: tuple[tuple[str, str], ...] = ()  # (query parameter, record field): equality filters

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"{_ACCOUNT}/{re.escape(self.path)}\.json")


RESOURCES = (
    ListResource(
        "outgoing_caller_ids",
        "OutgoingCallerIds",
        "outgoing_caller_ids",
        (("PhoneNumber", "phone_number"), ("FriendlyName", "friendly_name")),
    ),
    ListResource("applications", "Applications", "applications", (("FriendlyName", "friendly_name"),)),
    ListResource("queues", "Queues", "queues"),
    ListResource("keys", "Keys", "keys"),
    ListResource("sip_domains", "SIP/Domains", "domains"),
)
MEDIA_FILTERS = ("DateCreated", "DateCreated<", "DateCreated>")


class Rows:
    """A short list served newest first; each record keeps the key it was created under, so page
    tokens stay valid while entries come and go."""

    def __init__(self, rows: list[tuple[Key, dict]]):
        self._rows = rows  # newest first

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        return (row for row in self._rows if below is None or row[0] < below)

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        return (row for row in reversed(self._rows) if above is None or row[0] > above)


class V2010Lists(Product):
    name = "v2010_lists"
    collections = ("message_media", "outgoing_caller_ids", "applications", "queues", "keys", "sip_domains")

    # --- state ------------------------------------------------------------------------

    def entries(self, account_sid: str, collection: str, now: int) -> list[Entry]:
        """The list's entries existing at `now`, newest first."""
        world = self.world
        acct = world.by_sid[account_sid]
        seed, first = world.config.seed, world.first_day.toordinal()
        found = list(base_entries(seed, collection, account_sid, acct.index, acct.created, first))
        if collection == "keys" and account_sid == world.config.main_account_sid and found:
            # The main account's oldest key is the sandbox's own API key (its SID, never its secret).
            found[0] = replace(found[0], sid=world.config.api_key_sid)
        for dord in range(first, dord_of(now) + 1):
            found.extend(day_entries(seed, collection, account_sid, acct.index, dord))
        return sorted((e for e in found if e.exists(now)), key=lambda e: e.key, reverse=True)

    def rows(self, account_sid: str, collection: str, now: int) -> list[tuple[Key, dict]]:
        render, api_key = RENDER[collection], self.world.config.api_key_sid
        return [(e.key, render(e, now, api_key)) for e in self.entries(account_sid, collection, now)]

    def media_of(self, message: dict) -> list[dict]:
        """A message's media, in the order attached: exactly `num_media` of them."""
        seed = self.world.config.seed
        count = int(message["num_media"])
        return [media(message["account_sid"], message["sid"], k, message["date_created"], seed) for k in range(count)]

    # --- routes -----------------------------------------------------------------------

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        def list_handler(resource: ListResource):
            return lambda req, who, match: self._list(app, resource, req, who, match.group(1))

        routes = [Route("api", resource.pattern, list_handler(resource)) for resource in RESOURCES]
        routes.append(Route("api", _MEDIA, lambda req, who, match: self._media(app, req, who, match)))
        return tuple(routes)

    def _list(self, app: SandboxApp, resource: ListResource, req: Request, who: Principal, account_sid: str) -> dict:
        _check_account(app, req, who, account_sid)
        params = first_values(req.query)
        size, page_no, token = page_params(params)
        wanted = [(field, params[name]) for name, field in resource.filters if name in params]
        rows = [
            row
            for row in self.rows(account_sid, resource.collection, req.now)
            if all(row[1].get(field) == value for field, value in wanted)
        ]
        known = tuple(name for name, _ in resource.filters)
        return _page(app, Rows(rows), req, resource.list_key, known, size, page_no, token)

    def _media(self, app: SandboxApp, req: Request, who: Principal, match: re.Match[str]) -> dict:
        account_sid, message_sid = match.group(1), match.group(2)
        _check_account(app, req, who, account_sid)
        params = first_values(req.query)
        size, page_no, token = page_params(params)
        lo, hi = date_window(params, "DateCreated")
        message = self.world.message(account_sid, message_sid, now=from_us(req.now))
        if message is None:
            # Unknown, not created yet or deleted: Twilio answers 404 for the message's media too.
            raise not_found(req.path)
        found = self.media_of(message)
        rows: list[tuple[Key, dict]] = [
            ((len(found) - k,), m) for k, m in enumerate(found) if lo <= _us(m["date_created"]) < hi
        ]
        return _page(app, Rows(rows), req, "media_list", MEDIA_FILTERS, size, page_no, token)

    # --- oracle -----------------------------------------------------------------------

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Whole lists: every entry existing at the clock, whatever the days. Media: every media file
        of the messages whose date_sent falls on the days (the messages a `DateSent=day` listing
        finds), inside the 400 days Twilio lists messages for; a deleted message has none."""
        if collection not in self.collections:
            raise KeyError(collection)
        world, now = self.world, self.world.now_us
        for account in account_sids:
            if collection != "message_media":
                yield from (record for _, record in self.rows(account, collection, now))
                continue
            for day in world.days() if days is None else days:
                if not within(day, now, MESSAGE_DAYS):
                    continue
                for message in world.records_for_day(account, "messages", day):
                    yield from self.media_of(message)


def _check_account(app: SandboxApp, req: Request, who: Principal, account_sid: str) -> None:
    if app.world.account(account_sid) is None:
        raise not_found(req.path)
    if not who.can_access(app.world, account_sid):
        raise authenticate_error()


def _page(app: SandboxApp, listing: Rows, req: Request, list_key: str, known, size: int, page_no: int, token) -> dict:
    decoded = app.tokens.decode(token) if token else None
    page = take_page(listing, size, page_no, decoded)
    ln = links(app.tokens, kept_filters(req.query, known), size, page_no, token, page)
    return v2010_envelope(req.path, list_key, size, page_no, page, ln)


def _us(rfc2822: str) -> int:
    return to_us(parsedate_to_datetime(rfc2822))
