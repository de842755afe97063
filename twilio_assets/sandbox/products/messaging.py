"""Messaging Services (`messaging.twilio.com/v1/Services`) and the phone numbers in each.

Every account sends through one service, the one its messages name (`Account.messaging_service_sid`),
set up soon after the account was opened, with the account's first numbers (the ones traffic uses)
in it. The main account opens a second, marketing service on one of the sandbox days; its US A2P
campaign is registered hours later (`us_app_to_person_registered` turns true, `date_updated` moves),
and one of the first numbers moves to it from the first service (same number SID, other service).
Numbers bought during the sandbox days join a service minutes to hours after they are bought: the
main account's the marketing service (once it exists), a subaccount's its only service.

As on Twilio, the Messaging API answers only for the account whose credentials call it: the main
account's credentials list the main account's services, never a subaccount's. Lists are newest
first; both are short, so an account's whole plan is built once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from ..directory import Account, PhoneNumber
from ..errors import not_found
from ..filters import first_values, kept_filters, page_params
from ..hashing import Draw, sid
from ..paging import insights_envelope, links, take_page
from ..series import NEVER, Key, list_asc, list_desc
from ..timefmt import DAY_US, US, day_start_us, iso
from .base import Product, Route

if TYPE_CHECKING:
    from ..app import SandboxApp
    from ..auth import Principal
    from ..http_types import Request
    from ..world import World

HOST = "messaging"
_SID = r"[0-9a-fA-F]{32}"
_SERVICES = re.compile(r"/v1/Services")
_NUMBERS = re.compile(rf"/v1/Services/(MG{_SID})/PhoneNumbers")
_SERVICE_LINKS = (
    ("phone_numbers", "PhoneNumbers"),
    ("short_codes", "ShortCodes"),
    ("alpha_senders", "AlphaSenders"),
    ("messages", "Messages"),
    ("us_app_to_person", "Compliance/Usa2p"),
    ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"),
    ("channel_senders", "ChannelSenders"),
    ("destination_alpha_senders", "DestinationAlphaSenders"),
)
PAGING_ONLY: tuple[str, ...] = ()  # neither list has filters of its own


@dataclass(frozen=True, slots=True)
class Service:
    sid: str
    account_sid: str
    created: int
    friendly_name: str
    usecase: str
    registered_at: int | None  # when its US A2P campaign was registered; None: never
    status_callback: str | None

    def updated(self, now: int) -> int:
        return self.registered_at if self.registered_at is not None and self.registered_at <= now else self.created

    def render(self, now: int, base_url: str) -> dict:
        url = f"{base_url}/v1/Services/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "friendly_name": self.friendly_name,
            "sid": self.sid,
            "date_created": iso(self.created),
            "date_updated": iso(self.updated(now)),
            "sticky_sender": True,
            "mms_converter": True,
            "smart_encoding": self.usecase != "marketing",
            "fallback_to_long_code": False,
            "area_code_geomatch": True,
            "validity_period": 14_400 if self.usecase == "marketing" else 36_000,
            "scan_message_content": "inherit",
            "synchronous_validation": False,
            "inbound_request_url": "https://demo.twilio.com/welcome/sms/reply",
            "inbound_method": "POST",
            "fallback_url": None,
            "fallback_method": "POST",
            "status_callback": self.status_callback,
            "usecase": self.usecase,
            "us_app_to_person_registered": self.registered_at is not None and self.registered_at <= now,
            "use_inbound_webhook_on_number": False,
            "links": {key: f"{url}/{path}" for key, path in _SERVICE_LINKS},
            "url": url,
        }


@dataclass(frozen=True, slots=True)
class ServiceNumber:
    """One of the account's phone numbers in a service; `created` is when it joined."""

    number: PhoneNumber
    service_sid: str
    created: int
    left: int | None = None  # moved to another service at this moment

    def present(self, now: int) -> bool:
        return self.created <= now and (self.left is None or now < self.left)

    def render(self, base_url: str) -> dict:
        capabilities = ["SMS", "Voice"] + (["MMS"] if self.number.mms else [])
        return {
            "account_sid": self.number.account_sid,
            "service_sid": self.service_sid,
            "sid": self.number.sid,
            "date_created": iso(self.created),
            "date_updated": iso(self.created),
            "phone_number": self.number.phone_number,
            "country_code": "US",
            "capabilities": capabilities,
            "url": f"{base_url}/v1/Services/{self.service_sid}/PhoneNumbers/{self.number.sid}",
        }


@dataclass(frozen=True)
class AccountMessaging:
    services: tuple[Service, ...]  # ascending by creation
    numbers: tuple[ServiceNumber, ...]  # ascending by creation

    def numbers_of(self, service_sid: str) -> tuple[ServiceNumber, ...]:
        return tuple(n for n in self.numbers if n.service_sid == service_sid)

    def listing(self, service_sid: str, now: int, base_url: str) -> Planned:
        return Planned(self.numbers_of(service_sid), now, lambda n: n.render(base_url), lambda n: n.present(now))


class Planned:
    """A short list planned whole, ascending by `created`, served newest first at clock `now`.

    Keys are list positions: an item's position never changes, since the plan is fixed and items
    only become visible (or, with `alive`, vanish) as the clock moves."""

    def __init__(
        self,
        items: Sequence[Any],
        now: int,
        render: Callable[[Any], dict],
        alive: Callable[[Any], bool] | None = None,
    ) -> None:
        self.items, self.now, self.render, self.alive = items, now, render, alive

    def _emit(self, walked) -> Iterator[tuple[Key, dict]]:
        for key, item in walked:
            if self.alive is None or self.alive(item):
                yield key, self.render(item)

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        return self._emit(list_desc(self.items, self.now, NEVER, below))

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        return self._emit(list_asc(self.items, self.now, NEVER, above))


def meta_page(app: SandboxApp, req: Request, listing, list_key: str, known: tuple[str, ...]) -> dict:
    """One page of a `meta`-paged list (the newer APIs' envelope), links under the request's prefix."""
    size, page_no, token = page_params(first_values(req.query))
    page = take_page(listing, size, page_no, app.tokens.decode(token) if token else None)
    ln = links(app.tokens, kept_filters(req.query, known), size, page_no, token, page)
    return insights_envelope(req.base_url, req.path, list_key, size, page_no, page, ln)


def window_moment(world: World, d: Draw) -> int:
    """A random second of the sandbox's configured days (fixed by the config, not the moving clock)."""
    first = world.config.first_day
    days = max(1, (world.config.now.date() - first).days + 1)
    day = date.fromordinal(first.toordinal() + d.randint(0, days - 1))
    return day_start_us(day) + d.randint(0, 86_399) * US


class Messaging(Product):
    name = "messaging"
    collections = ("messaging_services", "messaging_service_phone_numbers")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.of_account = cache(self._plan)

    @property
    def base_url(self) -> str:
        return f"{self.world.public_base_url}/{HOST}"

    def _plan(self, account_sid: str) -> AccountMessaging:
        world = self.world
        seed = world.config.seed
        acct: Account = world.by_sid[account_sid]
        d = Draw(seed, account_sid, "messaging")
        main_account = acct.index == 0
        primary = Service(
            sid=acct.messaging_service_sid,
            account_sid=account_sid,
            created=acct.created + 2 * DAY_US + d.randint(0, 86_399) * US,
            friendly_name="Customer notifications" if main_account else f"{acct.friendly_name} messaging",
            usecase="notifications",
            registered_at=None,
            status_callback="https://demo.twilio.com/status/sms" if main_account else None,
        )
        services = [primary]
        late_home = primary
        if main_account:
            created = window_moment(world, Draw(seed, account_sid, "messaging", "marketing"))
            late_home = Service(
                sid=sid("MG", seed, account_sid, "messaging-service", 1),
                account_sid=account_sid,
                created=created,
                friendly_name="Spring promotions",
                usecase="marketing",
                registered_at=created + int(d.between(2, 30) * 3600 * US),
                status_callback=None,
            )
            services.append(late_home)
        numbers = []
        traffic = {n.sid for n in acct.traffic_numbers}
        moved = acct.traffic_numbers[-1].sid if late_home is not primary else None
        for number in acct.numbers:
            home = primary if number.sid in traffic else late_home
            joined = max(number.created, home.created) + Draw(seed, number.sid, "joins").randint(60, 7200) * US
            if number.sid != moved:
                numbers.append(ServiceNumber(number, home.sid, joined))
                continue
            moves_at = late_home.created + Draw(seed, number.sid, "moves").randint(600, 7200) * US
            numbers.append(ServiceNumber(number, primary.sid, joined, left=moves_at))
            numbers.append(ServiceNumber(number, late_home.sid, moves_at))
        numbers.sort(key=lambda n: (n.created, n.number.sid))
        return AccountMessaging(tuple(services), tuple(numbers))

    # --- serving -------------------------------------------------------------------

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        def services(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            plan = self.of_account(principal.account_sid)
            listing = Planned(plan.services, req.now, lambda s: s.render(req.now, req.base_url))
            return meta_page(app, req, listing, "services", PAGING_ONLY)

        def numbers(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            plan = self.of_account(principal.account_sid)
            service = next((s for s in plan.services if s.sid == match.group(1) and s.created <= req.now), None)
            if service is None:
                # Unknown, not created yet, or another account's: Twilio answers all alike.
                raise not_found(req.path)
            listing = plan.listing(service.sid, req.now, req.base_url)
            return meta_page(app, req, listing, "phone_numbers", PAGING_ONLY)

        return (Route(HOST, _SERVICES, services), Route(HOST, _NUMBERS, numbers))

    # --- oracle ----------------------------------------------------------------------

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Both lists are read whole: `days` does not apply. Each account's records as its own
        credentials list them (a sync with the main account's credentials stores the main account's)."""
        now, base = self.world.now_us, self.base_url
        # Only the credentials' own account answers on this host: the first of account_sids (see base.py).
        for account_sid in account_sids[:1]:
            plan = self.of_account(account_sid)
            if collection == "messaging_services":
                yield from (r for _, r in Planned(plan.services, now, lambda s: s.render(now, base)).desc())
                continue
            for service in reversed(plan.services):  # as listed: newest first
                if service.created > now:
                    continue
                yield from (r for _, r in plan.listing(service.sid, now, base).desc())

    # --- for the other products (monitor events) -------------------------------------

    def services_of(self, account_sid: str) -> tuple[Service, ...]:
        return self.of_account(account_sid).services

    def numbers_in_services(self, account_sid: str) -> tuple[ServiceNumber, ...]:
        return self.of_account(account_sid).numbers


PRODUCTS: tuple[type[Product], ...] = (Messaging,)
