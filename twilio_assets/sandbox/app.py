"""Routing: one port answers for api.twilio.com, insights.twilio.com and oauth.twilio.com.

`SandboxApp.handle` turns a parsed request into a response; transport-level faults
(resets, truncation, delays) are the HTTP layer's business (server.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
import traceback

from . import admin, api_insights
from .api_v2010 import ACCOUNTS, RESOURCES, options, page_of, run_query
from .auth import Authenticator, Principal
from .config import SandboxConfig
from .errors import ApiError, authenticate_error, error_body, not_found
from .faults import Faults
from .filters import first_values, page_params
from .http_types import Request, Response
from .oauth_consent import OAuthConsent
from .paging import TokenCodec
from .products import Route
from .products.base import PREFIXED_HOSTS
from .timefmt import from_us
from .world import World

_SID = r"[0-9a-fA-F]{32}"
_ACCOUNTS = re.compile(r"^/2010-04-01/Accounts\.json$")
_ACCOUNT = re.compile(rf"^/2010-04-01/Accounts/(AC{_SID})\.json$")
_ACCOUNT_LIST = re.compile(
    rf"^/2010-04-01/Accounts/(AC{_SID})/({'|'.join(r for r in RESOURCES if r != 'Participants')})\.json$"
)
_MESSAGE = re.compile(rf"^/2010-04-01/Accounts/(AC{_SID})/Messages/((?:SM|MM){_SID})\.json$")
_PARTICIPANTS = re.compile(rf"^/2010-04-01/Accounts/(AC{_SID})/Conferences/(CF{_SID})/Participants\.json$")
_SUMMARIES = re.compile(r"^/v1/Voice/Summaries$")
_CONFERENCES = re.compile(r"^/v1/Conferences$")
_CONF_PARTICIPANTS = re.compile(rf"^/v1/Conferences/(CF{_SID})/Participants$")
_TOKEN = re.compile(r"^/v2/token$")
_AUTHORIZE = re.compile(r"^/v2/authorize$")


class RecordList:
    """A fixed list served newest-first in its given order (for the accounts list)."""

    def __init__(self, records: list[dict]):
        self._rows = [((len(records) - i,), r) for i, r in enumerate(records)]

    def desc(self, below=None):
        return (row for row in self._rows if below is None or row[0] < below)

    def asc(self, above=None):
        return (row for row in reversed(self._rows) if above is None or row[0] > above)


class SandboxApp:
    def __init__(self, config: SandboxConfig):
        self.config = config
        self.world = World(config)
        self.faults = Faults(config)
        self.auth = Authenticator(config, self.world, lambda: self.faults.get("token_ttl_seconds"))
        self.oauth = OAuthConsent(config, self.world, self.auth)
        self.tokens = TokenCodec(hashlib.sha256(f"{config.seed}:page-token".encode()).digest())
        self._product_routes: dict[str, list[Route]] = {}
        for product in self.world.products:
            for route in product.routes(self):
                self._product_routes.setdefault(route.host, []).append(route)

    # --- entry -----------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        try:
            if req.path.startswith("/__sandbox__/"):
                return admin.handle(self, req)
            answer = self._api(req)
            return answer if isinstance(answer, Response) else Response(200, answer)
        except ApiError as err:
            return Response(err.status, err.body(), err.headers)
        except Exception:  # a sandbox bug must still answer like Twilio would
            traceback.print_exc(file=sys.stderr)
            return Response(500, error_body(500, 20500, "Internal Server Error"))

    def account_of(self, req: Request) -> str | None:
        """The account a request is about (for per-account concurrency and counters): the one in
        the path, else the Insights `Subaccount`, else the caller's own; None if nobody is named."""
        m = re.match(rf"^/2010-04-01/Accounts/(AC{_SID})", req.path)
        if m:
            return m.group(1)
        named = first_values(req.query).get("Subaccount")
        if named and self.world.account(named) is not None:
            return named
        try:
            return self.principal(req).account_sid
        except ApiError:
            return None

    def principal(self, req: Request) -> Principal:
        return self.auth.authenticate(req.headers.get("authorization"))

    # --- API -------------------------------------------------------------------------

    def _api(self, req: Request) -> dict | Response:
        path = req.path
        if _TOKEN.match(path):
            self._method(req, "POST")
            return self.oauth.token(req.form(), first_values(req.query))
        if _AUTHORIZE.match(path):
            return self.oauth.authorize(req)
        host, inner = _split_host(path)
        if host != "api":
            # Another Twilio host (messaging.twilio.com, ...), served under its prefix.
            req = dataclasses.replace(req, path=inner, base_url=f"{req.base_url}/{host}")
        route = self._route(path) if host == "api" else None
        if route is None:
            route = self._product_route(host, req.path)
        if route is None:
            raise not_found(path)
        self._method(req, "GET")
        principal = self.principal(req)
        return route(req, principal)

    def _product_route(self, host: str, path: str):
        for candidate in self._product_routes.get(host, ()):
            if m := candidate.pattern.fullmatch(path):
                return lambda req, who, route=candidate, match=m: route.handler(req, who, match)
        return None

    def _method(self, req: Request, allowed: str) -> None:
        if req.method != allowed:
            raise ApiError(405, 20004, f"Method {req.method} not allowed", {"Allow": allowed})

    def _route(self, path: str):
        if _ACCOUNTS.match(path):
            return self._accounts
        if m := _ACCOUNT.match(path):
            return lambda req, who: self._account(req, who, m.group(1))
        if m := _MESSAGE.match(path):
            return lambda req, who: self._message(req, who, m.group(1), m.group(2))
        if m := _ACCOUNT_LIST.match(path):
            return lambda req, who: self._v2010(req, who, m.group(1), m.group(2))
        if m := _PARTICIPANTS.match(path):
            return lambda req, who: self._v2010(req, who, m.group(1), "Participants", m.group(2))
        if _SUMMARIES.match(path):
            return lambda req, who: api_insights.call_summaries(self, req, who)
        if _CONFERENCES.match(path):
            return lambda req, who: api_insights.conferences(self, req, who)
        if m := _CONF_PARTICIPANTS.match(path):
            return lambda req, who: api_insights.conference_participants(self, req, who, m.group(1))
        return None

    def _check_account(self, req: Request, principal: Principal, account_sid: str) -> None:
        if self.world.account(account_sid) is None:
            raise not_found(req.path)
        if not principal.can_access(self.world, account_sid):
            raise authenticate_error()

    def _accounts(self, req: Request, principal: Principal) -> dict:
        params = first_values(req.query)
        size, page_no, token = page_params(params)
        visible = [a for a in self.world.accounts() if principal.can_access(self.world, a["sid"])]
        q, predicate = run_query(ACCOUNTS, params, req.now)
        listing = RecordList([a for a in visible if predicate is None or predicate(None, a)])
        return page_of(self, listing, req.path, "accounts", req.query, ACCOUNTS.params, size, page_no, token)

    def _account(self, req: Request, principal: Principal, account_sid: str) -> dict:
        self._check_account(req, principal, account_sid)
        account = self.world.account(account_sid)
        assert account is not None  # _check_account answered 404 otherwise
        return account.render()

    def _message(self, req: Request, principal: Principal, account_sid: str, message_sid: str) -> dict:
        self._check_account(req, principal, account_sid)
        record = self.world.message(account_sid, message_sid, now=from_us(req.now))
        if record is None:
            # Unknown, not created yet, or deleted: Twilio answers all three alike.
            raise not_found(req.path)
        return record

    def _v2010(
        self, req: Request, principal: Principal, account_sid: str, name: str, conference_sid: str | None = None
    ) -> dict:
        self._check_account(req, principal, account_sid)
        resource = RESOURCES[name]
        params = first_values(req.query)
        size, page_no, token = page_params(params)
        if conference_sid is not None and self.world.find_conference(account_sid, conference_sid, now=req.now) is None:
            raise not_found(req.path)
        q, predicate = run_query(resource, params, req.now)
        listing = self.world.listing(
            account_sid,
            resource.collection,
            now=req.now,
            lo=q.lo,
            hi=q.hi,
            opts=options(q, req.base_url, conference_sid),
            predicate=predicate,
        )
        return page_of(self, listing, req.path, resource.list_key, req.query, resource.params, size, page_no, token)


def _split_host(path: str) -> tuple[str, str]:
    """('messaging', '/v1/Services') for '/messaging/v1/Services'; ('api', path) for any other path."""
    first, _, rest = path.lstrip("/").partition("/")
    if first in PREFIXED_HOSTS:
        return first, "/" + rest
    return "api", path
