"""TaskRouter (taskrouter.twilio.com/v1): workspaces, their workers and their tasks.

Only the main account has workspaces (a subaccount lists none): a support and a sales workspace, each
with a few workers (one more joins the support team a couple of hours after the sandbox's starting
clock). Workers follow a daily shift (Offline, Available, a Break, sometimes Unavailable), so their
activity changes with the clock. Tasks arrive through each day and move from `pending` to `reserved`,
`assigned`, `wrapping` and `completed` over minutes; one in ten is `canceled` while waiting. Twilio
keeps finished tasks only for a while: here each is deleted three to nine hours after it finished, so
a read of the whole list sees it disappear. `age` counts the seconds since creation, at every read.

Lists are oldest first (TaskRouter's documented default for tasks; workers and workspaces alike).
Attributes are null in lists, as Twilio sends them: only a fetch of one worker or task shows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import invalid_parameter, not_found
from ..filters import first_values, page_params
from ..hashing import Draw, sid, unit
from ..paging import insights_envelope, links, take_page
from ..series import FOREVER, NEVER, FnSeries, Key
from ..timefmt import DAY_US, US, day_start_us, dord_of, iso, to_us
from ..traffic import offset_us
from ..world import CollectionDef, Listing, Options
from .base import Product, Route

if TYPE_CHECKING:
    from ..world import World

HOST = "taskrouter"
_SID = r"[0-9a-fA-F]{32}"
WORKSPACE_PARAMS = ("FriendlyName",)
WORKER_PARAMS = ("ActivityName", "ActivitySid", "Available", "FriendlyName")
TASK_PARAMS = ("Priority", "AssignmentStatus", "WorkflowSid", "WorkflowName", "TaskQueueSid", "TaskQueueName")
ACTIVITIES = ("Offline", "Available", "Unavailable", "Break")
# Finished tasks are deleted within hours, so no task lives a day: listings look back two days only.
TASK_HORIZON = 2 * DAY_US
# (name, queue order, tasks per day, queues, worker names).
WORKSPACES = (
    ("Customer Support", "FIFO", 24, ("Billing", "Technical"), ("Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara")),
    ("Sales", "LIFO", 10, ("Inbound Sales",), ("Alan", "Frances", "Dennis", "Radia")),
)
NEW_HIRE = "Edsger"  # joins the first workspace after the starting clock
CHANNELS = ("voice", "chat", "sms")
WORKSPACE_LINKS = (
    "activities",
    "statistics",
    "real_time_statistics",
    "cumulative_statistics",
    "task_queues",
    "tasks",
    "workers",
    "workflows",
    "task_channels",
    "events",
)
_LINK_PATHS = {
    "real_time_statistics": "RealTimeStatistics",
    "cumulative_statistics": "CumulativeStatistics",
    "task_queues": "TaskQueues",
    "task_channels": "TaskChannels",
}


@dataclass(frozen=True)
class Workspace:
    sid: str
    account_sid: str
    index: int
    friendly_name: str
    queue_order: str
    tasks_per_day: int
    queues: tuple[tuple[str, str], ...]  # (sid, friendly name)
    workflow: tuple[str, str]
    created: int

    def activity_sid(self, name: str) -> str:
        return sid("WA", self.sid, "activity", name)

    def channel_sid(self, name: str) -> str:
        return sid("TC", self.sid, "channel", name)

    def url(self, base: str) -> str:
        return f"{base}/v1/Workspaces/{self.sid}"

    def render(self, now: int, base: str) -> dict:
        url = self.url(base)
        callback = f"https://hooks.example.com/taskrouter/{self.index}" if self.index == 0 else None
        return {
            "account_sid": self.account_sid,
            "date_created": iso(self.created),
            "date_updated": iso(self.created),
            "default_activity_name": "Offline",
            "default_activity_sid": self.activity_sid("Offline"),
            "event_callback_url": callback,
            "events_filter": "task.created,task.completed,task.canceled" if callback else None,
            "friendly_name": self.friendly_name,
            "multi_task_enabled": True,
            "sid": self.sid,
            "timeout_activity_name": "Unavailable",
            "timeout_activity_sid": self.activity_sid("Unavailable"),
            "prioritize_queue_order": self.queue_order,
            "url": url,
            "links": {key: f"{url}/{_LINK_PATHS.get(key, key.title())}" for key in WORKSPACE_LINKS},
        }


@dataclass(frozen=True)
class Worker:
    sid: str
    workspace: Workspace
    friendly_name: str
    created: int
    seed: int

    def shift(self, dord: int) -> list[tuple[int, str]]:
        """The day's activity changes: on at 07:00-10:00 for eight hours with a break, one day in five off."""
        d = Draw(self.seed, self.sid, "shift", dord)
        if d.chance(0.2):
            return []
        on = day_start_us(date.fromordinal(dord)) + int(d.between(7, 10) * 3600 * US)
        changes = [(on, "Available")]
        if d.chance(0.3):
            away = on + int(d.between(1, 3) * 3600 * US)
            changes += [(away, "Unavailable"), (away + int(d.between(10, 30) * 60 * US), "Available")]
        pause = on + 4 * 3600 * US
        changes += [(pause, "Break"), (pause + 30 * 60 * US, "Available"), (on + 8 * 3600 * US, "Offline")]
        return changes

    def activity(self, now: int) -> tuple[int, str]:
        """(since when, activity) at `now`: the last shift change up to now, else Offline since creation."""
        first = dord_of(self.created) + 1
        for dord in range(dord_of(now), max(first, dord_of(now) - 7) - 1, -1):
            passed = [change for change in self.shift(dord) if change[0] <= now]
            if passed:
                return passed[-1]
        return self.created, "Offline"

    def render(self, now: int, base: str) -> dict:
        since, activity = self.activity(now)
        ws = self.workspace
        url = f"{ws.url(base)}/Workers/{self.sid}"
        return {
            "account_sid": ws.account_sid,
            "activity_name": activity,
            "activity_sid": ws.activity_sid(activity),
            "attributes": None,
            "available": activity == "Available",
            "date_created": iso(self.created),
            "date_status_changed": iso(since),
            "date_updated": iso(since),
            "friendly_name": self.friendly_name,
            "sid": self.sid,
            "workspace_sid": ws.sid,
            "url": url,
            "links": {
                "channels": f"{url}/Channels",
                "activity": f"{ws.url(base)}/Activities/{ws.activity_sid(activity)}",
                "workspace": ws.url(base),
                "statistics": f"{ws.url(base)}/Workers/Statistics",
                "real_time_statistics": f"{ws.url(base)}/Workers/RealTimeStatistics",
                "cumulative_statistics": f"{ws.url(base)}/Workers/CumulativeStatistics",
                "worker_statistics": f"{url}/Statistics",
                "worker_channels": f"{url}/Channels",
                "reservations": f"{url}/Reservations",
            },
        }


@dataclass(frozen=True)
class Task:
    sid: str
    workspace: Workspace
    created: int
    queue: tuple[str, str]
    channel: str
    priority: int
    steps: tuple[tuple[int, str], ...]  # (time, assignment status) after creation, ascending
    reason: str | None  # once finished
    deleted_at: int

    def exists(self, now: int) -> bool:
        return self.created <= now < self.deleted_at

    def status(self, now: int) -> tuple[int, str]:
        passed = [step for step in self.steps if step[0] <= now]
        return passed[-1] if passed else (self.created, "pending")

    def render(self, now: int, base: str) -> dict:
        ws = self.workspace
        since, status = self.status(now)
        url = f"{ws.url(base)}/Tasks/{self.sid}"
        return {
            "account_sid": ws.account_sid,
            "age": (now - self.created) // US,
            "assignment_status": status,
            "attributes": None,
            "addons": "{}",
            "date_created": iso(self.created),
            "date_updated": iso(since),
            "task_queue_entered_date": iso(self.created),
            "priority": self.priority,
            "reason": self.reason if status in ("completed", "canceled") else None,
            "sid": self.sid,
            "task_queue_sid": self.queue[0],
            "task_queue_friendly_name": self.queue[1],
            "task_channel_sid": ws.channel_sid(self.channel),
            "task_channel_unique_name": self.channel,
            "timeout": 86_400,
            "workflow_sid": ws.workflow[0],
            "workflow_friendly_name": ws.workflow[1],
            "workspace_sid": ws.sid,
            "url": url,
            "links": {
                "task_queue": f"{ws.url(base)}/TaskQueues/{self.queue[0]}",
                "workflow": f"{ws.url(base)}/Workflows/{ws.workflow[0]}",
                "workspace": ws.url(base),
                "reservations": f"{url}/Reservations",
            },
            "virtual_start_time": iso(self.created),
            "ignore_capacity": False,
            "routing_target": None,
        }


class OldestFirst:
    """A listing served oldest first: the world's walks are newest first, so keys are negated (paging
    tokens stay positions, and a record created meanwhile lands at the end)."""

    def __init__(self, listing: Listing) -> None:
        self.inner = listing

    def desc(self, below: Key | None = None) -> Iterator[tuple[Key, dict]]:
        return ((_negated(k), r) for k, r in self.inner.asc(None if below is None else _negated(below)))

    def asc(self, above: Key | None = None) -> Iterator[tuple[Key, dict]]:
        return ((_negated(k), r) for k, r in self.inner.desc(None if above is None else _negated(above)))


def _negated(key: Key) -> Key:
    return tuple(-part for part in key)


class TaskRouter(Product):
    name = "taskrouter"
    collections = ("taskrouter_workspaces", "taskrouter_workers", "taskrouter_tasks")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.seed = world.config.seed
        self.main = world.config.main_account_sid
        self._workspaces = self._plan_workspaces()
        self._workers = {ws.sid: self._plan_workers(ws) for ws in self._workspaces}
        self.day = lru_cache(maxsize=20_000)(self._build_day)

    # --- state -----------------------------------------------------------------------

    def workspaces(self, account_sid: str) -> list[Workspace]:
        return self._workspaces if account_sid == self.main else []

    def workspace(self, account_sid: str, workspace_sid: str, now: int) -> Workspace | None:
        found = next((ws for ws in self.workspaces(account_sid) if ws.sid == workspace_sid), None)
        return found if found is not None and found.created <= now else None

    def _plan_workspaces(self) -> list[Workspace]:
        opened = self.world.by_sid[self.main].created
        out = []
        for k, (name, order, per_day, queues, _) in enumerate(WORKSPACES):
            ws_sid = sid("WS", self.seed, self.main, "workspace", k)
            out.append(
                Workspace(
                    sid=ws_sid,
                    account_sid=self.main,
                    index=k,
                    friendly_name=name,
                    queue_order=order,
                    tasks_per_day=per_day,
                    queues=tuple((sid("WQ", ws_sid, "queue", q), q) for q in queues),
                    workflow=(sid("WW", ws_sid, "workflow"), f"{name} routing"),
                    created=opened + (30 + 90 * k) * DAY_US + Draw(self.seed, ws_sid).randint(0, 86_399) * US,
                )
            )
        return out

    def _plan_workers(self, ws: Workspace) -> list[Worker]:
        names = list(WORKSPACES[ws.index][4])
        created = [
            ws.created + (1 + 7 * k) * DAY_US + int(unit(ws.sid, "worker-t", k) * 86_399) * US
            for k in range(len(names))
        ]
        if ws.index == 0:
            names.append(NEW_HIRE)
            created.append(to_us(self.world.config.now) + int((1 + unit(ws.sid, "new-hire")) * 3600 * US))
        return [
            Worker(sid("WK", self.seed, ws.sid, "worker", k), ws, name, t, self.seed)
            for k, (name, t) in enumerate(zip(names, created, strict=True))
        ]

    def _build_day(self, workspace_sid: str, dord: int) -> list[Task]:
        """Every task created on a day in a workspace, ascending by creation."""
        ws = next(w for w in self._workspaces if w.sid == workspace_sid)
        start = day_start_us(date.fromordinal(dord))
        tasks = []
        for i in range(ws.tasks_per_day):
            d = Draw(self.seed, ws.sid, "task", dord, i)
            created = start + offset_us((i + d.unit()) / ws.tasks_per_day)
            if d.chance(0.1):
                end = created + int(d.between(30, 600) * US)
                steps: tuple[tuple[int, str], ...] = ((end, "canceled"),)
                reason = "Task canceled: the customer hung up"
            else:
                reserved = created + int(d.between(5, 180) * US)
                assigned = reserved + int(d.between(3, 30) * US)
                wrapping = assigned + int(d.between(120, 1500) * US)
                end = wrapping + int(d.between(30, 240) * US)
                steps = ((reserved, "reserved"), (assigned, "assigned"), (wrapping, "wrapping"), (end, "completed"))
                reason = "Task completed"
            tasks.append(
                Task(
                    sid=sid("WT", self.seed, ws.sid, "task", dord, i),
                    workspace=ws,
                    created=created,
                    queue=d.choice(ws.queues),
                    channel=d.choice(CHANNELS),
                    priority=d.choice((0, 0, 0, 10)),
                    steps=steps,
                    reason=reason,
                    deleted_at=end + int(d.between(3, 9) * 3600 * US),
                )
            )
        return tasks

    # --- listings --------------------------------------------------------------------

    def workspace_listing(self, account_sid: str, now: int, base: str, predicate=None) -> OldestFirst:
        spaces = self.workspaces(account_sid)
        coll = CollectionDef(
            None, lambda a: spaces, lambda w, now, o: True, lambda w, now, o: w.render(now, o.base_url)
        )
        return OldestFirst(
            Listing(self.world, account_sid, coll, now, NEVER, FOREVER, Options(base_url=base), predicate)
        )

    def worker_listing(self, ws: Workspace, now: int, base: str, predicate=None) -> OldestFirst:
        workers = self._workers[ws.sid]
        coll = CollectionDef(
            None, lambda a: workers, lambda w, now, o: True, lambda w, now, o: w.render(now, o.base_url)
        )
        listing = Listing(self.world, ws.account_sid, coll, now, NEVER, FOREVER, Options(base_url=base), predicate)
        return OldestFirst(listing)

    def task_listing(self, ws: Workspace, now: int, base: str, predicate=None) -> OldestFirst:
        def of_day(dord: int) -> list[Task]:
            return self.day(ws.sid, dord)

        series = FnSeries(
            lambda a, d: len(of_day(d)), lambda a, d, i: of_day(d)[i].created, lambda a, d, i: [of_day(d)[i]]
        )
        coll = CollectionDef(
            series, lambda a: [], lambda t, now, o: t.exists(now), lambda t, now, o: t.render(now, o.base_url)
        )
        lo = now - TASK_HORIZON  # every older task is deleted already
        return OldestFirst(
            Listing(self.world, ws.account_sid, coll, now, lo, FOREVER, Options(base_url=base), predicate)
        )

    # --- routes ----------------------------------------------------------------------

    def routes(self, app) -> tuple[Route, ...]:
        def page(req, listing, list_key: str, known: tuple[str, ...]) -> dict:
            params = first_values(req.query)
            size, page_no, token = page_params(params)
            found = take_page(listing, size, page_no, app.tokens.decode(token) if token else None)
            # Repeated filters (AssignmentStatus=pending&AssignmentStatus=reserved) stay in the page links.
            filters = [(name, value) for name, value in req.query if name in known]
            ln = links(app.tokens, filters, size, page_no, token, found)
            return insights_envelope(req.base_url, req.path, list_key, size, page_no, found, ln)

        def own_workspace(req, principal, workspace_sid: str) -> Workspace:
            ws = self.workspace(principal.account_sid, workspace_sid, req.now)
            if ws is None:
                raise not_found(req.path)
            return ws

        def workspaces(req, principal, match) -> dict:
            params = first_values(req.query)
            name = params.get("FriendlyName")
            predicate = (lambda w, rec: rec["friendly_name"] == name) if name is not None else None
            listing = self.workspace_listing(principal.account_sid, req.now, req.base_url, predicate)
            return page(req, listing, "workspaces", WORKSPACE_PARAMS)

        def workers(req, principal, match) -> dict:
            ws = own_workspace(req, principal, match.group(1))
            params = first_values(req.query)
            equal = {"ActivityName": "activity_name", "ActivitySid": "activity_sid", "FriendlyName": "friendly_name"}
            checks = [(field, params[name]) for name, field in equal.items() if name in params]
            available = params.get("Available")
            wanted = None if available is None else available.lower() in ("true", "1", "yes")

            def predicate(worker, rec) -> bool:
                return all(rec[f] == v for f, v in checks) and (wanted is None or rec["available"] is wanted)

            return page(req, self.worker_listing(ws, req.now, req.base_url, predicate), "workers", WORKER_PARAMS)

        def tasks(req, principal, match) -> dict:
            ws = own_workspace(req, principal, match.group(1))
            params = first_values(req.query)
            statuses = {s for name, v in req.query if name == "AssignmentStatus" for s in v.split(",") if s}
            equal = {
                "WorkflowSid": "workflow_sid",
                "WorkflowName": "workflow_friendly_name",
                "TaskQueueSid": "task_queue_sid",
                "TaskQueueName": "task_queue_friendly_name",
            }
            checks: list[tuple[str, Any]] = [(field, params[name]) for name, field in equal.items() if name in params]
            if "Priority" in params:
                checks.append(("priority", _integer(params["Priority"], "Priority")))

            def predicate(task, rec) -> bool:
                return all(rec[f] == v for f, v in checks) and (not statuses or rec["assignment_status"] in statuses)

            return page(req, self.task_listing(ws, req.now, req.base_url, predicate), "tasks", TASK_PARAMS)

        return (
            Route(HOST, re.compile(r"/v1/Workspaces"), workspaces),
            Route(HOST, re.compile(rf"/v1/Workspaces/(WS{_SID})/Workers"), workers),
            Route(HOST, re.compile(rf"/v1/Workspaces/(WS{_SID})/Tasks"), tasks),
        )

    # --- oracle ----------------------------------------------------------------------

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """Read once with the credentials of the first account named (TaskRouter shows a caller its own
        workspaces only), each list whole (`days` does not apply): its workspaces, then every workspace's
        workers and the tasks it still lists (finished tasks are deleted after a few hours)."""
        if not account_sids:
            return
        account, now = account_sids[0], self.world.now_us
        base = f"{self.world.public_base_url}/{HOST}"
        if collection == "taskrouter_workspaces":
            yield from (record for _, record in self.workspace_listing(account, now, base).desc())
            return
        for ws in self.workspaces(account):
            if ws.created > now:
                continue
            listing = self.worker_listing if collection == "taskrouter_workers" else self.task_listing
            yield from (record for _, record in listing(ws, now, base).desc())


def _integer(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise invalid_parameter(f"Invalid {name} value") from None


PRODUCTS: tuple[type[Product], ...] = (TaskRouter,)
