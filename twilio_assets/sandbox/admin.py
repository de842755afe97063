"""The sandbox's own control endpoints under /__sandbox__/ (no auth, no faults).

GET info, POST clock, GET|POST faults (knob changes, or {"reset_counters": true}),
GET counts?day=YYYY-MM-DD.
"""

from __future__ import annotations

import json
from datetime import date

from .errors import ApiError, invalid_parameter, not_found
from .filters import first_values
from .http_types import Request, Response
from .timefmt import from_us, iso, parse_iso
from .world import COLLECTIONS


def handle(app, req: Request) -> Response:
    name = req.path[len("/__sandbox__/") :].strip("/")
    routes = {
        ("GET", "info"): info,
        ("POST", "clock"): clock,
        ("POST", "faults"): faults,
        ("GET", "faults"): faults,
        ("GET", "counts"): counts,
    }
    handler = routes.get((req.method, name))
    if handler is None:
        if any(n == name for _, n in routes):
            raise ApiError(405, 20004, f"Method {req.method} not allowed")
        raise not_found(req.path)
    return Response(200, handler(app, req))


def _json(req: Request) -> dict:
    try:
        data = json.loads(req.body or b"{}")
    except ValueError:
        raise invalid_parameter("Body must be JSON") from None
    if not isinstance(data, dict):
        raise invalid_parameter("Body must be a JSON object")
    return data


def _counts(app, now: int, day: date | None) -> dict:
    world = app.world
    return {sid: {c: world.count(sid, c, day=day, now=from_us(now)) for c in COLLECTIONS} for sid in world.by_sid}


def info(app, req: Request) -> dict:
    world = app.world
    days = world.days(now=from_us(req.now))
    return {
        "now": iso(req.now),
        "first_day": world.first_day.isoformat(),
        "last_day": days[-1].isoformat() if days else None,
        "base_url": req.base_url,
        "accounts": [
            {"sid": a.sid, "nickname": a.nickname, "insights_enabled": a.insights_enabled}
            for a in world.by_sid.values()
        ],
        "counts": _counts(app, req.now, None),
        "faults": app.faults.knobs(),
        "faults_served": app.faults.served_counts(),
        "peak_inflight": app.faults.peak_inflight(),
        "requests": app.faults.request_counts(),
    }


def clock(app, req: Request) -> dict:
    data = _json(req)
    world = app.world
    if "now" in data:
        try:
            world.set_now(parse_iso(str(data["now"])))
        except ValueError:
            raise invalid_parameter("now must be an ISO 8601 time") from None
    elif "advance_seconds" in data:
        try:
            world.advance(float(data["advance_seconds"]))
        except (TypeError, ValueError):
            raise invalid_parameter("advance_seconds must be a number") from None
    else:
        raise invalid_parameter('Body needs "now" (ISO 8601) or "advance_seconds"')
    return {"now": iso(world.now_us)}


def faults(app, req: Request) -> dict:
    if req.method == "POST":
        changes = _json(req)
        reset = changes.pop("reset_counters", False)
        if not isinstance(reset, bool):
            raise invalid_parameter("reset_counters must be true or false")
        try:
            knobs = app.faults.update(changes)
        except ValueError as exc:
            raise invalid_parameter(str(exc)) from None
        # After the knobs, so a bad knob leaves the counters alone.
        if reset:
            app.faults.reset_counters()
        return {"faults": knobs}
    return {
        "faults": app.faults.knobs(),
        "faults_served": app.faults.served_counts(),
        "peak_inflight": app.faults.peak_inflight(),
        "requests": app.faults.request_counts(),
    }


def counts(app, req: Request) -> dict:
    params = first_values(req.query)
    day = None
    if "day" in params:
        try:
            day = date.fromisoformat(params["day"])
        except ValueError:
            raise invalid_parameter("day must be YYYY-MM-DD") from None
    return {"day": day.isoformat() if day else None, "now": iso(req.now), "counts": _counts(app, req.now, day)}
