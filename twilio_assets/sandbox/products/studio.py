"""Studio (studio.twilio.com/v2): flows, their executions, and each execution's steps.

Only the main account builds Studio flows; a subaccount lists none. Four flows exist before the first
day (one is a draft that never runs); the IVR is revised once during the sandbox's days. Executions
start through each day: the IVR answers a sample of the world's inbound calls, the SMS bot a sample of
its inbound messages (each execution names that call or message in `initiated_by` and its caller in
`contact_channel_address`), and the reminders flow runs from REST API requests. An execution adds its
steps over seconds to hours (a bot waiting for a reply gives up after an hour, a reminder after four),
is `active` until its last step and `ended` from then on; a few are deleted hours after they end, and
their steps go with them.

Lists are newest first (Twilio documents no order). Executions are placed on their creation day and
each (account, day) is built alone and cached, so a long history costs nothing until it is listed.
An execution SID encodes its position (flow, day, trigger), so its steps are found without a scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import not_found
from ..filters import check_enum, first_values, kept_filters, page_params, parse_moment
from ..hashing import Draw, sid, unit
from ..paging import insights_envelope, links, take_page
from ..phones import customer_number
from ..series import FOREVER, NEVER, FnSeries
from ..sidcodec import PositionSids
from ..timefmt import DAY_US, US, day_start_us, dord_of, iso, to_us
from ..traffic import offset_us
from ..world import CollectionDef, Listing, Options
from .base import Product, Route

if TYPE_CHECKING:
    from ..world import World

HOST = "studio"
_SID = r"[0-9a-fA-F]{32}"
EXECUTION_PARAMS = ("status", "DateCreatedFrom", "DateCreatedTo")
STATUSES = ("active", "ended")
# Triggers looked at per day: a fixed sample of the day's calls and messages, whatever their volume.
CALL_SAMPLE = 16
MESSAGE_SAMPLE = 24
REMINDERS_PER_DAY = 6
DELETED_SHARE = 0.08

# A hop: the widget reached, its type, the event that leaves it, and how long that takes (seconds).
Hop = tuple[str, str, str, tuple[float, float]]
_CALL_IN: Hop = ("Trigger", "trigger", "incomingCall", (0, 0))
_GREETING: Hop = ("greeting", "say-play", "audioComplete", (4, 9))
_MENU: Hop = ("main_menu", "gather-input-on-call", "keypress", (3, 15))
_ROUTE: Hop = ("route_choice", "split-based-on", "match", (0, 1))
_MESSAGE_IN: Hop = ("Trigger", "trigger", "incomingMessage", (0, 0))
_REQUEST_IN: Hop = ("Trigger", "trigger", "incomingRequest", (0, 0))
_ASK: Hop = ("ask_topic", "send-and-wait-for-reply", "incomingMessage", (20, 600))
_TOPIC: Hop = ("topic_split", "split-based-on", "match", (0, 1))
_REMIND: Hop = ("send_reminder", "send-and-wait-for-reply", "incomingMessage", (60, 5400))
_CONFIRM: Hop = ("confirm_split", "split-based-on", "match", (0, 1))
PATHS: dict[str, tuple[tuple[tuple[Hop, ...], float], ...]] = {
    "call": (
        ((_CALL_IN, _GREETING, _MENU, _ROUTE, ("connect_agent", "connect-call-to", "callCompleted", (40, 600))), 0.6),
        ((_CALL_IN, _GREETING, _MENU, _ROUTE, ("voicemail", "record-voicemail", "recordingComplete", (10, 90))), 0.2),
        ((_CALL_IN, _GREETING, ("main_menu", "gather-input-on-call", "hangup", (2, 20))), 0.2),
    ),
    "message": (
        ((_MESSAGE_IN, _ASK, _TOPIC, ("send_answer", "send-message", "sent", (1, 3))), 0.55),
        ((_MESSAGE_IN, _ASK, _TOPIC, ("handoff_agent", "send-to-flex", "taskCreated", (1, 3))), 0.2),
        ((_MESSAGE_IN, ("ask_topic", "send-and-wait-for-reply", "timeout", (3600, 3600))), 0.25),
    ),
    "rest": (
        ((_REQUEST_IN, _REMIND, _CONFIRM, ("thank_you", "send-message", "sent", (1, 3))), 0.7),
        ((_REQUEST_IN, ("send_reminder", "send-and-wait-for-reply", "timeout", (14400, 14400))), 0.3),
    ),
}


@dataclass(frozen=True)
class Flow:
    sid: str
    account_sid: str
    index: int
    friendly_name: str
    trigger: str  # "call", "message", "rest", or "" for a draft that never runs
    author_sid: str
    revisions: tuple[int, ...]  # when each revision was saved, ascending; the first is the creation

    @property
    def created(self) -> int:
        return self.revisions[0]

    def revision(self, now: int) -> int:
        return sum(1 for t in self.revisions if t <= now)

    def render(self, now: int, base: str) -> dict:
        url = f"{base}/v2/Flows/{self.sid}"
        # The list leaves the definition and its checks out (null): a fetch of one flow carries them.
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "author_sid": self.author_sid,
            "friendly_name": self.friendly_name,
            "definition": None,
            "status": "published" if self.trigger else "draft",
            "revision": self.revision(now),
            "commit_message": None,
            "valid": None,
            "errors": None,
            "warnings": None,
            "webhook_url": f"https://webhooks.twilio.com/v1/Accounts/{self.account_sid}/Flows/{self.sid}",
            "date_created": iso(self.created),
            "date_updated": iso(max(t for t in self.revisions if t <= now)),
            "url": url,
            "links": {
                "test_users": f"{url}/TestUsers",
                "revisions": f"{url}/Revisions",
                "executions": f"{url}/Executions",
            },
        }


@dataclass(frozen=True)
class Step:
    sid: str
    execution: Execution
    hop: Hop
    next_widget: str
    created: int

    def render(self, base: str) -> dict:
        ex = self.execution
        url = f"{ex.url(base)}/Steps/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": ex.account_sid,
            "flow_sid": ex.flow_sid,
            "execution_sid": ex.sid,
            "parent_step_sid": None,
            "name": self.hop[2],
            "context": {},
            "transitioned_from": self.hop[0],
            "transitioned_to": self.next_widget,
            "type": self.hop[1],
            "date_created": iso(self.created),
            "date_updated": iso(self.created),
            "url": url,
            "links": {"step_context": f"{url}/Context"},
        }


@dataclass
class Execution:
    sid: str
    account_sid: str
    flow_sid: str
    created: int
    contact_channel_address: str
    contact_sid: str
    initiated_by: str
    flow_version: int
    deleted_at: int | None
    steps: list[Step]

    @property
    def ended(self) -> int:
        return self.steps[-1].created

    def exists(self, now: int) -> bool:
        return self.created <= now and (self.deleted_at is None or now < self.deleted_at)

    def url(self, base: str) -> str:
        return f"{base}/v2/Flows/{self.flow_sid}/Executions/{self.sid}"

    def render(self, now: int, base: str) -> dict:
        url = self.url(base)
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "flow_sid": self.flow_sid,
            "contact_channel_address": self.contact_channel_address,
            "contact_sid": self.contact_sid,
            "flow_version": self.flow_version,
            # The execution's variables are its /Context subresource; the list carries none.
            "context": {},
            "status": "ended" if now >= self.ended else "active",
            "date_created": iso(self.created),
            "date_updated": iso(max(s.created for s in self.steps if s.created <= now)),
            "initiated_by": self.initiated_by,
            "url": url,
            "links": {"steps": f"{url}/Steps", "execution_context": f"{url}/Context"},
        }


@dataclass(frozen=True)
class Trigger:
    key: int  # the trigger's position in its day (call slot, message index, request number)
    created: int
    address: str
    initiated_by: str


class Studio(Product):
    name = "studio"
    collections = ("studio_flows", "studio_executions", "studio_execution_steps")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.seed = world.config.seed
        self.main = world.config.main_account_sid
        self._flows = self._plan_flows()
        self._sids = PositionSids(self.seed, self.main, "studio-execution")
        self.day = lru_cache(maxsize=20_000)(self._build_day)

    # --- state -----------------------------------------------------------------------

    def flows(self, account_sid: str) -> list[Flow]:
        return self._flows if account_sid == self.main else []

    def _plan_flows(self) -> list[Flow]:
        names = (
            ("Inbound IVR", "call"),
            ("SMS Support Bot", "message"),
            ("Appointment Reminders", "rest"),
            ("Customer Survey", ""),
        )
        opened = self.world.by_sid[self.main].created
        first = day_start_us(self.world.first_day)
        flows = []
        for k, (friendly, trigger) in enumerate(names):
            d = Draw(self.seed, self.main, "studio-flow", k)
            created = opened + (20 + 60 * k) * DAY_US + d.randint(0, 86_399) * US
            revisions = [created]
            for _ in range(d.randint(0, 3)):
                revisions.append(min(revisions[-1] + d.randint(1, 20) * DAY_US, first - DAY_US))
            if k == 0:
                # Revised a few hours after the sandbox's starting clock: once the clock passes that, the
                # flow's list entry changes and its later executions run the new version.
                revisions.append(to_us(self.world.config.now) + int(d.between(1, 3) * 3600 * US))
            flows.append(
                Flow(
                    sid=sid("FW", self.seed, self.main, "studio-flow", k),
                    account_sid=self.main,
                    index=k,
                    friendly_name=friendly,
                    trigger=trigger,
                    author_sid=sid("US", self.seed, self.main, "studio-author", k % 2),
                    revisions=tuple(sorted(revisions)),
                )
            )
        return flows

    def _triggers(self, flow: Flow, dord: int) -> Iterator[Trigger]:
        world, account = self.world, flow.account_sid
        if flow.trigger == "call":
            n = world.calls.slot_count(account, dord)
            for i in sorted({k * n // CALL_SAMPLE for k in range(CALL_SAMPLE)} if n else ()):
                slot = world.calls.slot(account, dord, i)
                leg = slot.legs[0]
                if slot.conference is None and leg.direction == "inbound":
                    yield Trigger(i, leg.created, leg.from_, leg.sid)
        elif flow.trigger == "message":
            n = world.messages.slot_count(account, dord)
            for i in sorted({k * n // MESSAGE_SAMPLE for k in range(MESSAGE_SAMPLE)} if n else ()):
                msg = world.messages.message(account, dord, i)
                if msg.direction == "inbound":
                    yield Trigger(i, msg.created, msg.from_, msg.sid)
        elif flow.trigger == "rest":
            start = day_start_us(date.fromordinal(dord))
            for i in range(REMINDERS_PER_DAY):
                fraction = (i + unit(self.seed, account, "studio-request-t", dord, i)) / REMINDERS_PER_DAY
                customer = customer_number(
                    self.seed, account, Draw(self.seed, account, "studio-req", dord, i).randint(0, 499)
                )
                yield Trigger(
                    i, start + offset_us(fraction), customer, sid("RQ", self.seed, account, "studio-req", dord, i)
                )

    def _build_day(self, account_sid: str, dord: int) -> dict[str, list[Execution]]:
        """Every execution started on a day, per flow SID, ascending by creation."""
        out: dict[str, list[Execution]] = {}
        for flow in self.flows(account_sid):
            made = [self._execution(flow, dord, t) for t in self._triggers(flow, dord)]
            made.sort(key=lambda e: (e.created, e.sid))
            out[flow.sid] = made
        return out

    def _execution(self, flow: Flow, dord: int, trigger: Trigger) -> Execution:
        d = Draw(self.seed, flow.sid, "studio-execution", dord, trigger.key)
        hops = d.weighted(PATHS[flow.trigger])
        execution = Execution(
            sid=self._sids.encode("FN", flow.index, dord, trigger.key),
            account_sid=flow.account_sid,
            flow_sid=flow.sid,
            created=trigger.created,
            contact_channel_address=trigger.address,
            contact_sid=sid("FC", self.seed, flow.account_sid, "studio-contact", trigger.address),
            initiated_by=trigger.initiated_by,
            flow_version=flow.revision(trigger.created),
            deleted_at=None,
            steps=[],
        )
        t = trigger.created
        for j, hop in enumerate(hops):
            t += int(d.between(*hop[3]) * US)
            next_widget = hops[j + 1][0] if j + 1 < len(hops) else "Ended"
            execution.steps.append(Step(sid("FT", self.seed, execution.sid, j), execution, hop, next_widget, t))
        if d.chance(DELETED_SHARE):
            execution.deleted_at = execution.ended + int(d.between(0.5, 8) * 3600 * US)
        return execution

    def find_execution(self, account_sid: str, flow_sid: str, execution_sid: str, now: int) -> Execution | None:
        position = self._sids.decode(execution_sid) if account_sid == self.main else None
        if position is None:
            return None
        _, dord, _ = position
        if not self.world.first_day.toordinal() <= dord <= dord_of(now):
            return None
        found = next((e for e in self.day(account_sid, dord).get(flow_sid, ()) if e.sid == execution_sid), None)
        return found if found is not None and found.exists(now) else None

    # --- listings --------------------------------------------------------------------

    def flow_listing(self, account_sid: str, now: int, base: str) -> Listing:
        flows = self.flows(account_sid)
        coll = CollectionDef(None, lambda a: flows, lambda f, now, o: True, lambda f, now, o: f.render(now, o.base_url))
        return Listing(self.world, account_sid, coll, now, NEVER, FOREVER, Options(base_url=base), None)

    def execution_listing(
        self, account_sid: str, flow_sid: str, now: int, base: str, lo: int = NEVER, hi: int = FOREVER, status=None
    ) -> Listing:
        def of_day(a: str, dord: int) -> list[Execution]:
            return self.day(a, dord).get(flow_sid, [])

        series = FnSeries(
            lambda a, d: len(of_day(a, d)), lambda a, d, i: of_day(a, d)[i].created, lambda a, d, i: [of_day(a, d)[i]]
        )
        coll = CollectionDef(
            series, lambda a: [], lambda e, now, o: e.exists(now), lambda e, now, o: e.render(now, o.base_url)
        )
        predicate = (lambda e, rec: rec["status"] == status) if status else None
        return Listing(self.world, account_sid, coll, now, lo, hi, Options(base_url=base), predicate)

    def step_listing(self, execution: Execution, now: int, base: str) -> Listing:
        coll = CollectionDef(
            None, lambda a: execution.steps, lambda s, now, o: True, lambda s, now, o: s.render(o.base_url)
        )
        return Listing(self.world, execution.account_sid, coll, now, NEVER, FOREVER, Options(base_url=base), None)

    # --- routes ----------------------------------------------------------------------

    def routes(self, app) -> tuple[Route, ...]:
        def page(req, listing, list_key: str, known: tuple[str, ...]) -> dict:
            params = first_values(req.query)
            size, page_no, token = page_params(params)
            found = take_page(listing, size, page_no, app.tokens.decode(token) if token else None)
            ln = links(app.tokens, kept_filters(req.query, known), size, page_no, token, found)
            return insights_envelope(req.base_url, req.path, list_key, size, page_no, found, ln)

        def own_flow(req, principal, flow_sid: str) -> Flow:
            flow = next((f for f in self.flows(principal.account_sid) if f.sid == flow_sid), None)
            if flow is None or flow.created > req.now:
                raise not_found(req.path)
            return flow

        def flows(req, principal, match) -> dict:
            return page(req, self.flow_listing(principal.account_sid, req.now, req.base_url), "flows", ())

        def executions(req, principal, match) -> dict:
            flow = own_flow(req, principal, match.group(1))
            params = first_values(req.query)
            status = check_enum(params, "status", STATUSES)
            lo = parse_moment(params["DateCreatedFrom"])[0] if "DateCreatedFrom" in params else NEVER
            hi = parse_moment(params["DateCreatedTo"])[0] if "DateCreatedTo" in params else FOREVER
            listing = self.execution_listing(flow.account_sid, flow.sid, req.now, req.base_url, lo, hi, status)
            return page(req, listing, "executions", EXECUTION_PARAMS)

        def steps(req, principal, match) -> dict:
            flow = own_flow(req, principal, match.group(1))
            execution = self.find_execution(flow.account_sid, flow.sid, match.group(2), req.now)
            if execution is None:
                raise not_found(req.path)
            return page(req, self.step_listing(execution, req.now, req.base_url), "steps", ())

        return (
            Route(HOST, re.compile(r"/v2/Flows"), flows),
            Route(HOST, re.compile(rf"/v2/Flows/(FW{_SID})/Executions"), executions),
            Route(HOST, re.compile(rf"/v2/Flows/(FW{_SID})/Executions/(FN{_SID})/Steps"), steps),
        )

    # --- oracle ----------------------------------------------------------------------

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Read once with the credentials of the first account named (Studio shows a caller its own flows
        only): its flows; the executions created on `days` of each flow; the steps of those executions.
        Deleted executions and their steps are gone."""
        if not account_sids:
            return
        account, now = account_sids[0], self.world.now_us
        base = f"{self.world.public_base_url}/{HOST}"
        chosen = days if days is not None else self.world.days()
        if collection == "studio_flows":
            yield from (record for _, record in self.flow_listing(account, now, base).desc())
            return
        for flow in reversed(self.flows(account)):  # the order the flow list has: newest first
            if flow.created > now:
                continue
            for day in chosen:
                start = day_start_us(day)
                listing = self.execution_listing(account, flow.sid, now, base, start, start + DAY_US)
                for _, record in listing.desc():
                    if collection == "studio_executions":
                        yield record
                    else:
                        execution = self.find_execution(account, flow.sid, record["sid"], now)
                        assert execution is not None
                        yield from (rec for _, rec in self.step_listing(execution, now, base).desc())


PRODUCTS: tuple[type[Product], ...] = (Studio,)
