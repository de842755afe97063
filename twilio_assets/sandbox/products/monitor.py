"""Monitor (`monitor.twilio.com`): the debugger's alerts (`/v1/Alerts`) and the audit log (`/v1/Events`).

Alerts are raised by what goes wrong in the world: an outbound call that fails before ringing
(error), an inbound call whose webhook could not be fetched (warning, about one answered inbound
call in twenty), a message that fails (error) or is undelivered (warning). `date_generated` is the
moment it went wrong; Twilio buffers alerts, so each is stored (`date_created`) up to 90 s later,
and is listed from then on. The list's `StartDate`/`EndDate` select on `date_generated`, both
inclusive; alerts are kept 30 days (a range that reaches further back answers 400 / 20004).
Messages the sandbox later deletes raise no alert, so every alert names a message a sync can find.

Events are the account's audit log on the sandbox days: addresses and numbers set up in the Console,
numbers joining a Messaging Service (through the API), services created, US A2P registrations
(by Twilio itself), trunks created, changed and deleted, recordings deleted through the API. Each
names the SID of the resource it is about. The sandbox keeps every day's events (Twilio keeps 30 days
on the free edition, 13 months on paid ones; the sandbox has only its own days anyway).

Each (account, day) list is built once from the calls, messages and other products of that day and
the day before, and cached; a day with a huge message volume is sampled (`SCAN_CAP` slots), so a
day's cost stays bounded. Like the other non-v2010 hosts, Monitor answers only for the calling
account's own alerts and events.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..errors import ApiError
from ..filters import check_enum, first_values, parse_moment
from ..hashing import Draw, sid
from ..retention import oldest_day
from ..series import FOREVER, NEVER, Key
from ..timefmt import DAY_US, US, day_start_us, dord_of, iso
from .base import Product, Route
from .messaging import Messaging, meta_page
from .trunking import Trunking

if TYPE_CHECKING:
    from ..app import SandboxApp
    from ..auth import Principal
    from ..http_types import Request
    from ..world import World

HOST = "monitor"
ALERT_DAYS = 30
SCAN_CAP = 2_000  # call or message slots looked at per account and day, at most
LOG_LEVELS = ("error", "warning", "notice", "debug")
ALERT_PARAMS = ("LogLevel", "StartDate", "EndDate")
# Events' equality filters, and the record field each one compares.
EVENT_FILTERS = {
    "ActorSid": "actor_sid",
    "EventType": "event_type",
    "ResourceSid": "resource_sid",
    "SourceIpAddress": "source_ip_address",
}
_ALERTS = re.compile(r"/v1/Alerts")
_EVENTS = re.compile(r"/v1/Events")
V2010 = "/2010-04-01/Accounts"
_CALL_FAILURES = (
    (13227, "The destination is not enabled in the account's geographic permissions"),
    (13224, "The number dialled is not a valid phone number"),
)
_WEBHOOK = (11200, "The webhook URL answered with an error or did not answer in time")


@dataclass(frozen=True, slots=True)
class Alert:
    sid: str
    account_sid: str
    generated: int
    created: int  # stored (and listed) from this moment, after Twilio's buffering
    error_code: int
    log_level: str
    text: str
    request_method: str
    request_url: str
    resource_sid: str
    service_sid: str | None

    def render(self, base_url: str) -> dict:
        return {
            "account_sid": self.account_sid,
            "alert_text": urlencode(
                [("Msg", self.text), ("ErrorCode", str(self.error_code)), ("resourceSid", self.resource_sid)]
            ),
            "api_version": "2010-04-01",
            "date_created": iso(self.created),
            "date_generated": iso(self.generated),
            "date_updated": iso(self.created),
            "error_code": str(self.error_code),
            "log_level": self.log_level,
            "more_info": f"https://www.twilio.com/docs/errors/{self.error_code}",
            "request_method": self.request_method,
            "request_url": self.request_url,
            "resource_sid": self.resource_sid,
            "sid": self.sid,
            "url": f"{base_url}/v1/Alerts/{self.sid}",
            "service_sid": self.service_sid,
        }


@dataclass(frozen=True, slots=True)
class Event:
    sid: str
    account_sid: str
    account_index: int
    at: int
    event_type: str
    resource_sid: str
    resource_type: str
    resource_path: str  # the resource's path below the sandbox's root URL
    actor: str  # "user" (Console), "account" (API) or "twilio" (Twilio's own systems)
    description: str | None
    data: dict[str, Any] = field(hash=False, compare=False)

    def actor_fields(self, root: str) -> tuple[str | None, str | None, str, str | None, dict[str, str]]:
        """(actor_sid, actor_type, source, source_ip_address, actor links)."""
        if self.actor == "user":
            owner = sid("US", "sandbox-console-user", self.account_sid)
            return owner, "user", "web", f"203.0.113.{10 + self.account_index}", {}
        if self.actor == "account":
            account_url = f"{root}{V2010}/{self.account_sid}.json"
            # The spec allows only user SIDs (US…) in actor_sid; an account actor leaves it null.
            return None, "account", "api", f"198.51.100.{10 + self.account_index}", {"actor": account_url}
        return None, None, "twilio", None, {}

    def render(self, root: str) -> dict:
        actor_sid, actor_type, source, ip, actor_links = self.actor_fields(root)
        return {
            "account_sid": self.account_sid,
            "actor_sid": actor_sid,
            "actor_type": actor_type,
            "description": self.description,
            "event_data": self.data,
            "event_date": iso(self.at),
            "event_type": self.event_type,
            "resource_sid": self.resource_sid,
            "resource_type": self.resource_type,
            "sid": self.sid,
            "source": source,
            "source_ip_address": ip,
            "url": f"{root}/{HOST}/v1/Events/{self.sid}",
            "links": {**actor_links, "resource": f"{root}{self.resource_path}"},
        }


class DayWalk:
    """Per-day lists (each ascending by time) served newest day first; keys are (day, position)."""

    def __init__(
        self,
        first: int,
        last: int,
        of_day: Callable[[int], Sequence[Any]],
        keep: Callable[[Any], bool],
        render: Callable[[Any], dict],
    ) -> None:
        self.first, self.last, self.of_day, self.keep, self.render = first, last, of_day, keep, render

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        for dord in range(self.last, self.first - 1, -1):
            if below is not None and dord > below[0]:
                continue
            items = self.of_day(dord)
            top = len(items) if below is None or dord < below[0] else min(len(items), below[1])
            for i in range(top - 1, -1, -1):
                if self.keep(items[i]):
                    yield (dord, i), self.render(items[i])

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        for dord in range(self.first, self.last + 1):
            if above is not None and dord < above[0]:
                continue
            items = self.of_day(dord)
            start = 0 if above is None or dord > above[0] else above[1] + 1
            for i in range(start, len(items)):
                if self.keep(items[i]):
                    yield (dord, i), self.render(items[i])


def _sampled(n: int) -> range:
    """Slot numbers 0..n-1, thinned evenly to at most SCAN_CAP."""
    return range(0, n, max(1, -(-n // SCAN_CAP)))


def _on_day(t: int | None, dord: int) -> bool:
    return t is not None and dord_of(t) == dord


def date_range(params: dict[str, str]) -> tuple[int, int]:
    """[lo, hi) from StartDate/EndDate, both inclusive: a bare EndDate day means through its end,
    an EndDate timestamp through that second."""
    lo, hi = NEVER, FOREVER
    if "StartDate" in params:
        lo, _ = parse_moment(params["StartDate"])
    if "EndDate" in params:
        t, whole = parse_moment(params["EndDate"])
        hi = t + DAY_US if whole else t - t % US + US
    return lo, hi


def beyond_retention(what: str, day: date, oldest: date) -> ApiError:
    return ApiError(
        400,
        20004,
        f"Alerts are kept for {ALERT_DAYS} days: {what} reaches {day}, before {oldest}; that range is beyond retention.",
    )


class AuditLog:
    """Collects one account's events of one UTC day from what the world did that day."""

    def __init__(self, world: World, account_sid: str, dord: int) -> None:
        self.world, self.account_sid, self.dord = world, account_sid, dord
        self.account = world.by_sid[account_sid]
        self.v2010 = f"{V2010}/{account_sid}"
        self.events: list[Event] = []

    def add(self, at: int | None, kind: str, resource: tuple[str, str, str], actor: str, text: str | None, **data):
        """An event at `at` if that falls on the day; `resource` is (SID, type, path below the root URL)."""
        if not _on_day(at, self.dord):
            return
        assert at is not None
        resource_sid, resource_type, path = resource
        self.events.append(
            Event(
                sid=sid("AE", self.world.config.seed, self.account_sid, "event", kind, resource_sid, at),
                account_sid=self.account_sid,
                account_index=self.account.index,
                at=at,
                event_type=kind,
                resource_sid=resource_sid,
                resource_type=resource_type,
                resource_path=path,
                actor=actor,
                description=text,
                data=data,
            )
        )

    def directory(self) -> None:
        for ad in self.account.addresses:
            address = (ad.sid, "address", f"{self.v2010}/Addresses/{ad.sid}.json")
            text = f"Address {ad.friendly_name} added"
            self.add(ad.created, "address.created", address, "user", text, iso_country=ad.iso_country)
        for pn in self.account.numbers:
            number = (pn.sid, "phone-number", f"{self.v2010}/IncomingPhoneNumbers/{pn.sid}.json")
            text = f"Phone number {pn.phone_number} bought"
            self.add(pn.created, "phone-number.created", number, "user", text, phone_number=pn.phone_number)

    def messaging(self, product: Messaging) -> None:
        for service in product.services_of(self.account_sid):
            resource = (service.sid, "messaging-service", f"/messaging/v1/Services/{service.sid}")
            text = f"Messaging Service {service.friendly_name} created"
            self.add(service.created, "messaging-service.created", resource, "user", text, usecase=service.usecase)
            registered = {"us_app_to_person_registered": {"previous": False, "updated": True}}
            at = service.registered_at
            self.add(at, "messaging-service.updated", resource, "twilio", None, resource_properties=registered)
        previous: dict[str, str] = {}  # a number's service before it joined this one (ascending by time)
        for joined in product.numbers_in_services(self.account_sid):
            pn = joined.number
            number = (pn.sid, "phone-number", f"{self.v2010}/IncomingPhoneNumbers/{pn.sid}.json")
            change = {"messaging_service_sid": {"previous": previous.get(pn.sid), "updated": joined.service_sid}}
            previous[pn.sid] = joined.service_sid
            text = f"Phone number {pn.phone_number} added to a Messaging Service"
            self.add(joined.created, "phone-number.updated", number, "account", text, resource_properties=change)

    def trunks(self, product: Trunking) -> None:
        for trunk in product.of_account(self.account_sid):
            resource = (trunk.sid, "trunk", f"/trunking/v1/Trunks/{trunk.sid}")
            name = trunk.friendly_name
            domain = trunk.domain_name
            self.add(trunk.created, "trunk.created", resource, "user", f"Trunk {name} created", domain_name=domain)
            change = {"recording": {"previous": "do-not-record", "updated": "record-from-answer"}}
            self.add(trunk.records_from, "trunk.updated", resource, "user", None, resource_properties=change)
            self.add(trunk.deleted_at, "trunk.deleted", resource, "user", f"Trunk {name} deleted")

    def deleted_recordings(self) -> None:
        # A recording is deleted hours after its call, so the day's deletions come from its calls and the day before's.
        calls, first = self.world.calls, self.world.first_day.toordinal()
        for src in (self.dord - 1, self.dord):
            if src < first:
                continue
            for i in _sampled(calls.slot_count(self.account_sid, src)):
                rec = calls.slot(self.account_sid, src, i).recording
                if rec is not None and rec.deleted_at is not None:
                    resource = (rec.sid, "recording", f"{self.v2010}/Recordings/{rec.sid}.json")
                    self.add(rec.deleted_at, "recording.deleted", resource, "account", None, call_sid=rec.call_sid)


class Monitor(Product):
    name = "monitor"
    collections = ("alerts", "events")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.alerts_raised_on = lru_cache(maxsize=10_000)(self._alerts_raised_on)
        self.alerts_on = lru_cache(maxsize=10_000)(self._alerts_on)
        self.events_on = lru_cache(maxsize=10_000)(self._events_on)

    @property
    def root(self) -> str:
        return self.world.public_base_url

    # --- alerts ----------------------------------------------------------------------

    def _alerts_raised_on(self, account_sid: str, dord: int) -> tuple[Alert, ...]:
        """Alerts raised by the calls and messages of one day (some are generated just after midnight)."""
        world, seed = self.world, self.world.config.seed
        found: list[Alert] = []

        def alert(
            resource: str, at: int, code: int, level: str, text: str, method: str, url: str, service=None
        ) -> Alert:
            buffered = at + Draw(seed, account_sid, "alert-buffer", resource).randint(1, 90) * US
            return Alert(
                sid=sid("NO", seed, account_sid, "alert", resource, code),
                account_sid=account_sid,
                generated=at,
                created=buffered,
                error_code=code,
                log_level=level,
                text=text,
                request_method=method,
                request_url=url,
                resource_sid=resource,
                service_sid=service,
            )

        # The API request each alert goes back to: the one that created the call or sent the message.
        calls_url = f"https://api.twilio.com{V2010}/{account_sid}/Calls.json"
        messages_url = f"https://api.twilio.com{V2010}/{account_sid}/Messages.json"
        for i in _sampled(world.calls.slot_count(account_sid, dord)):
            for leg in world.calls.slot(account_sid, dord, i).legs:
                if leg.outcome == "failed":
                    code, text = Draw(seed, account_sid, "alert", leg.sid).choice(_CALL_FAILURES)
                    found.append(alert(leg.sid, leg.end, code, "error", text, method="POST", url=calls_url))
                elif leg.direction == "inbound" and leg.answered and Draw(seed, leg.sid, "webhook").chance(0.05):
                    code, text = _WEBHOOK
                    voice_url = "https://demo.twilio.com/welcome/voice/"
                    found.append(alert(leg.sid, leg.ringing_until, code, "warning", text, method="POST", url=voice_url))
        for i in _sampled(world.messages.slot_count(account_sid, dord)):
            msg = world.messages.message(account_sid, dord, i)
            if msg.error is None or msg.error_at is None or msg.gone_at is not None:
                continue
            code, text = msg.error
            level = "error" if msg.steps[-1][1] == "failed" else "warning"
            service = msg.messaging_service_sid
            found.append(
                alert(msg.sid, msg.error_at, code, level, text, method="POST", url=messages_url, service=service)
            )
        return tuple(found)

    def _alerts_on(self, account_sid: str, dord: int) -> tuple[Alert, ...]:
        """Alerts generated on one UTC day, ascending by `date_generated`."""
        first = self.world.first_day.toordinal()
        raised = [a for src in (dord - 1, dord) if src >= first for a in self.alerts_raised_on(account_sid, src)]
        return tuple(sorted((a for a in raised if _on_day(a.generated, dord)), key=lambda a: (a.generated, a.sid)))

    def _alert_walk(self, account_sid: str, lo: int, hi: int, now: int, base_url: str, level: str | None) -> DayWalk:
        def keep(a: Alert) -> bool:
            return lo <= a.generated < hi and a.created <= now and (level is None or a.log_level == level)

        first = max(self.world.first_day.toordinal(), dord_of(lo))
        last = min(dord_of(now), dord_of(hi - 1))
        return DayWalk(first, last, lambda d: self.alerts_on(account_sid, d), keep, lambda a: a.render(base_url))

    @staticmethod
    def alert_range(params: dict[str, str], now: int) -> tuple[int, int]:
        """The range an alerts query asks for, refused when it names a day beyond the 30 days kept."""
        lo, hi = date_range(params)
        oldest = oldest_day(now, ALERT_DAYS)
        if lo != NEVER:
            if dord_of(lo) < oldest.toordinal():
                raise beyond_retention("StartDate", date.fromordinal(dord_of(lo)), oldest)
        elif hi != FOREVER and dord_of(hi - 1) < oldest.toordinal():
            raise beyond_retention("EndDate", date.fromordinal(dord_of(hi - 1)), oldest)
        return max(lo, day_start_us(oldest)), hi

    # --- events ----------------------------------------------------------------------

    def _events_on(self, account_sid: str, dord: int) -> tuple[Event, ...]:
        """The audit log of one account and UTC day, ascending by `event_date`."""
        log = AuditLog(self.world, account_sid, dord)
        log.directory()
        messaging = self.world.product_for("messaging_services")
        assert isinstance(messaging, Messaging)
        log.messaging(messaging)
        trunking = self.world.product_for("trunks")
        assert isinstance(trunking, Trunking)
        log.trunks(trunking)
        log.deleted_recordings()
        return tuple(sorted(log.events, key=lambda e: (e.at, e.sid)))

    def _event_walk(self, account_sid: str, lo: int, hi: int, checks: dict[str, str], now: int, root: str) -> DayWalk:
        def keep(e: Event) -> bool:
            if not (lo <= e.at < hi and e.at <= now):
                return False
            record = e.render(root) if checks else {}
            return all(record[name] == value for name, value in checks.items())

        first = max(self.world.first_day.toordinal(), dord_of(lo))
        last = min(dord_of(now), dord_of(hi - 1))
        return DayWalk(first, last, lambda d: self.events_on(account_sid, d), keep, lambda e: e.render(root))

    # --- serving and the oracle --------------------------------------------------------

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        def alerts(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            params = first_values(req.query)
            lo, hi = self.alert_range(params, req.now)
            level = check_enum(params, "LogLevel", LOG_LEVELS)
            walk = self._alert_walk(principal.account_sid, lo, hi, req.now, req.base_url, level)
            return meta_page(app, req, walk, "alerts", ALERT_PARAMS)

        def events(req: Request, principal: Principal, match: re.Match[str]) -> dict:
            params = first_values(req.query)
            lo, hi = date_range(params)
            checks = {field: params[name] for name, field in EVENT_FILTERS.items() if name in params}
            root = req.base_url.removesuffix(f"/{HOST}")
            walk = self._event_walk(principal.account_sid, lo, hi, checks, req.now, root)
            return meta_page(app, req, walk, "events", (*EVENT_FILTERS, "StartDate", "EndDate"))

        return (Route(HOST, _ALERTS, alerts), Route(HOST, _EVENTS, events))

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Alerts generated on the days (none on days beyond the 30 kept), as listed at the clock's time
        (an alert still in Twilio's buffer is not listed yet); events of the days. Each account's own,
        as its own credentials list them."""
        world, now = self.world, self.world.now_us
        chosen = world.days() if days is None else days
        oldest = oldest_day(now, ALERT_DAYS)
        # Only the credentials' own account answers on this host: the first of account_sids (see base.py).
        for account_sid in account_sids[:1]:
            for day in sorted(chosen, reverse=True):  # newest first, as listed
                start = day_start_us(day)
                if collection == "events":
                    walk = self._event_walk(account_sid, start, start + DAY_US, {}, now, self.root)
                elif day >= oldest:
                    walk = self._alert_walk(account_sid, start, start + DAY_US, now, f"{self.root}/{HOST}", None)
                else:
                    continue
                yield from (record for _, record in walk.desc())


PRODUCTS: tuple[type[Product], ...] = (Monitor,)
