"""The Conversations product (conversations.twilio.com): its list endpoints and the oracle's rows.

Only the main account uses Conversations; its subaccounts have none (every list is empty). Lists:
`/v1/Services`, `/v1/Users` (the default service's users) and `/v1/Conversations` are oldest first;
`StartDate`/`EndDate` (ISO 8601, both inclusive, on the creation time) turn the conversation list
newest first, as the spec says. A conversation's `/Messages` are in index order (`Order=asc`, the
default, or `desc`) and its `/Participants` in joining order; a conversation that does not exist
(yet, any more, or in the caller's account) answers 404 / 20404.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...config import NICKNAMES_MAIN
from ...errors import ApiError, invalid_parameter, not_found
from ...filters import check_enum, first_values, kept_filters, page_params
from ...paging import insights_envelope, links, take_page
from ...series import FOREVER, NEVER
from ...sidcodec import PositionSids
from ...timefmt import DAY_US, US, day_start_us, dord_of, parse_iso, to_us
from ..base import Product, Route
from .listing import Row, Served
from .model import CONVERSATIONS_PER_DAY, AccountPlan, Conversation

if TYPE_CHECKING:
    from ...app import SandboxApp
    from ...auth import Principal
    from ...http_types import Request
    from ...world import World

HOST = "conversations"
PUBLIC_BASE = "https://conversations.twilio.com"
STATES = ("initializing", "inactive", "active", "closed")
ORDERS = ("asc", "desc")
# PageSize limits from the spec: 100 on most lists, 50 on users.
MAX_PAGE = 100
MAX_USERS_PAGE = 50
_SID = r"[0-9a-fA-F]{32}"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

SERVICES, CONVERSATIONS, MESSAGES, PARTICIPANTS, USERS = (
    "conversation_services",
    "conversations",
    "conversation_messages",
    "conversation_participants",
    "conversation_users",
)


class ConversationsProduct(Product):
    name = "conversations"
    collections = (SERVICES, CONVERSATIONS, MESSAGES, PARTICIPANTS, USERS)

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self._plans: dict[str, AccountPlan | None] = {}
        self._sids: dict[str, PositionSids] = {}
        self._day = lru_cache(maxsize=4096)(self._build_day)

    # --- state -----------------------------------------------------------------------

    def plan(self, account_sid: str) -> AccountPlan | None:
        """The account's Conversations, or None for an account that does not use the product."""
        if account_sid not in self._plans:
            account = self.world.account(account_sid)
            plan = None
            if account is not None and account.nickname == NICKNAMES_MAIN:
                config = self.world.config
                plan = AccountPlan(
                    seed=config.seed,
                    account_sid=account_sid,
                    first_day=self.world.first_day,
                    window_days=max(1, (config.now.date() - self.world.first_day).days + 1),
                    messaging_service_sid=account.messaging_service_sid,
                    our_numbers=[n.phone_number for n in account.traffic_numbers],
                )
            self._plans[account_sid] = plan
        return self._plans[account_sid]

    def _codec(self, account_sid: str) -> PositionSids:
        if account_sid not in self._sids:
            # A conversation SID encodes its (day, position), so the child lists find it without a scan.
            self._sids[account_sid] = PositionSids(self.world.config.seed, account_sid, "conversations")
        return self._sids[account_sid]

    def _build_day(self, account_sid: str, dord: int) -> list[Conversation]:
        plan = self.plan(account_sid)
        if plan is None or dord < self.world.first_day.toordinal():
            return []
        codec = self._codec(account_sid)
        return plan.conversations_of(dord, lambda d, k: codec.encode("CH", 0, d, k))

    def planned_on(self, account_sid: str, day: date) -> list[Conversation]:
        """Every conversation created on `day`, at any time: deleted or not yet created included."""
        return self._day(account_sid, day.toordinal())

    def conversations_of_day(self, account_sid: str, day: date, now: int) -> list[Conversation]:
        """The conversations created on `day` that exist at `now`, oldest first."""
        if day.toordinal() > dord_of(now):
            return []
        return [c for c in self.planned_on(account_sid, day) if c.exists(now)]

    def find(self, account_sid: str, conversation_sid: str, now: int) -> Conversation | None:
        if self.plan(account_sid) is None:
            return None
        position = self._codec(account_sid).decode(conversation_sid)
        if position is None:
            return None
        series, dord, k = position
        if series != 0 or k >= CONVERSATIONS_PER_DAY or not self.world.first_day.toordinal() <= dord <= dord_of(now):
            return None
        conv = self._day(account_sid, dord)[k]
        return conv if conv.sid == conversation_sid and conv.exists(now) else None

    def public_base(self) -> str:
        """The base URL the records' `url`/`links` carry when served by the running sandbox."""
        from ...world import DEFAULT_INSIGHTS_BASE

        served = self.world.public_base_url
        return PUBLIC_BASE if served == DEFAULT_INSIGHTS_BASE else f"{served}/{HOST}"

    # --- routes ----------------------------------------------------------------------

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        def route(pattern: str, handler) -> Route:
            return Route(HOST, re.compile(pattern), lambda req, who, m: handler(app, req, who, m))

        return (
            route(r"/v1/Services", self._services),
            route(r"/v1/Conversations", self._conversations),
            route(rf"/v1/Conversations/(CH{_SID})/Messages", self._messages),
            route(rf"/v1/Conversations/(CH{_SID})/Participants", self._participants),
            route(r"/v1/Users", self._users),
        )

    def _services(self, app: SandboxApp, req: Request, who: Principal, m: re.Match[str]) -> dict:
        plan = self.plan(who.account_sid)
        services = [] if plan is None else [s for s in plan.services if s.created <= req.now]
        rows = [((-i,), s.render(req.base_url)) for i, s in enumerate(services)]
        return _page(app, req, Served.of(rows), "services", (), MAX_PAGE)

    def _users(self, app: SandboxApp, req: Request, who: Principal, m: re.Match[str]) -> dict:
        plan = self.plan(who.account_sid)
        users = [] if plan is None else [u for u in plan.users(dord_of(req.now)) if u.created <= req.now]
        users.sort(key=lambda u: (u.created, u.sid))
        rows = [((-i,), u.render(req.base_url)) for i, u in enumerate(users)]
        return _page(app, req, Served.of(rows), "users", (), MAX_USERS_PAGE)

    def _conversations(self, app: SandboxApp, req: Request, who: Principal, m: re.Match[str]) -> dict:
        params = first_values(req.query)
        account, now, base = who.account_sid, req.now, req.base_url
        state = check_enum(params, "State", STATES)
        lo = _moment(params, "StartDate", end=False)
        hi = _moment(params, "EndDate", end=True)
        # The spec: with a date filter the list is newest created first.
        dated = "StartDate" in params or "EndDate" in params
        first = max(self.world.first_day.toordinal(), dord_of(lo))
        last = min(dord_of(now), dord_of(hi))
        if self.plan(account) is None:
            first, last = 0, -1

        def rows(dord: int) -> list[Row]:
            found: list[Row] = []
            for k, conv in enumerate(self._day(account, dord)):
                # Both bounds inclusive, to the second (what the wire shows).
                if not conv.exists(now) or conv.created < lo or conv.created // US > hi // US:
                    continue
                record = conv.render(now, base)
                if state is None or record["state"] == state:
                    found.append(((dord, k) if dated else (-dord, -k), record))
            return found[::-1] if dated else found

        if dated:
            listing = Served(range(last, first - 1, -1), rows, lead=lambda dord: dord)
        else:
            listing = Served(range(first, last + 1), rows, lead=lambda dord: -dord)
        return _page(app, req, listing, "conversations", ("StartDate", "EndDate", "State"), MAX_PAGE)

    def _messages(self, app: SandboxApp, req: Request, who: Principal, m: re.Match[str]) -> dict:
        conv = self._conversation(req, who, m)
        order = check_enum(first_values(req.query), "Order", ORDERS) or "asc"
        shown = [msg for msg in conv.messages if msg.created <= req.now]
        if order == "asc":
            rows = [((-msg.index,), msg.render(conv, req.now, req.base_url)) for msg in shown]
        else:
            rows = [((msg.index,), msg.render(conv, req.now, req.base_url)) for msg in reversed(shown)]
        return _page(app, req, Served.of(rows), "messages", ("Order",), MAX_PAGE)

    def _participants(self, app: SandboxApp, req: Request, who: Principal, m: re.Match[str]) -> dict:
        conv = self._conversation(req, who, m)
        rows = [
            ((-p.position,), p.render(conv, req.now, req.base_url)) for p in conv.participants if p.joined <= req.now
        ]
        return _page(app, req, Served.of(rows), "participants", (), MAX_PAGE)

    def _conversation(self, req: Request, who: Principal, m: re.Match[str]) -> Conversation:
        conv = self.find(who.account_sid, m.group(1), req.now)
        if conv is None:
            # Unknown, another account's, not created yet, or deleted: Twilio answers all alike.
            raise not_found(req.path)
        return conv

    # --- oracle ----------------------------------------------------------------------

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Services and users are read whole (`days` does not apply); conversations by creation day;
        messages and participants are those of the conversations created on the days, as they are
        now. Deleted conversations, and with them their messages and participants, never appear."""
        if collection not in self.collections:
            raise KeyError(collection)
        now, base = self.world.now_us, self.public_base()
        chosen = days if days is not None else self.world.days()
        for account in account_sids:
            plan = self.plan(account)
            if plan is None:
                continue
            if collection == SERVICES:
                yield from (s.render(base) for s in plan.services if s.created <= now)
            elif collection == USERS:
                yield from (u.render(base) for u in plan.users(dord_of(now)) if u.created <= now)
            else:
                for day in chosen:
                    for conv in self.conversations_of_day(account, day, now):
                        if collection == CONVERSATIONS:
                            yield conv.render(now, base)
                        elif collection == MESSAGES:
                            yield from (msg.render(conv, now, base) for msg in conv.messages if msg.created <= now)
                        else:
                            yield from (p.render(conv, now, base) for p in conv.participants if p.joined <= now)


def _moment(params: dict[str, str], name: str, *, end: bool) -> int:
    """A StartDate / EndDate bound in microseconds. A bare day means its first or last second."""
    if name not in params:
        return FOREVER if end else NEVER
    text = params[name].strip()
    try:
        if _DAY.match(text):
            start = day_start_us(date.fromisoformat(text))
            return start + DAY_US - US if end else start
        return to_us(parse_iso(text))
    except ValueError:
        raise invalid_parameter(f"Invalid {name} value: use ISO 8601, e.g. 2025-03-09T00:00:00Z") from None


def _page(app: SandboxApp, req: Request, listing: Served, list_key: str, known: tuple[str, ...], maximum: int) -> dict:
    params = first_values(req.query)
    size = params.get("PageSize", "")
    if size.strip().lstrip("-").isdigit() and int(size) > maximum:
        raise ApiError(400, 20007, f"Page size too large: PageSize must be at most {maximum}")
    size_n, page_no, token = page_params(params)
    page = take_page(listing, size_n, page_no, app.tokens.decode(token) if token else None)
    ln = links(app.tokens, kept_filters(req.query, known), size_n, page_no, token, page)
    return insights_envelope(req.base_url, req.path, list_key, size_n, page_no, page, ln)
