"""Voice Insights list endpoints: call summaries, conference summaries, historic participants."""

from __future__ import annotations

from . import retention
from .errors import ApiError, authenticate_error, not_found
from .filters import check_enum, first_values, insights_time, kept_filters, page_params
from .paging import insights_envelope, links, take_page
from .series import FOREVER, NEVER
from .world import Options

SUMMARY_PARAMS = ("StartTime", "EndTime", "Subaccount", "ProcessingState")
CONFERENCE_PARAMS = ("ConferenceSid", "FriendlyName", "Status", "CreatedAfter", "CreatedBefore", "Subaccount")
PARTICIPANT_PARAMS = ("ParticipantSid", "Label")
_PROCESSING = ("completed", "started", "partial", "all")


def _disabled() -> ApiError:
    return ApiError(403, 20403, "Voice Insights Advanced Features must be active to use this API resource")


def target_account(app, req, principal, params: dict) -> str:
    """The account whose Insights are read: `Subaccount`, else the caller's own."""
    sid = params.get("Subaccount") or principal.account_sid
    if app.world.account(sid) is None:
        raise not_found(req.path)
    if not principal.can_access(app.world, sid):
        raise authenticate_error()
    if not app.world.insights_enabled(sid):
        raise _disabled()
    return sid


def _page(app, req, listing, path: str, list_key: str, known: tuple[str, ...], params: dict) -> dict:
    size, page_no, token = page_params(params)
    page = take_page(listing, size, page_no, app.tokens.decode(token) if token else None)
    ln = links(app.tokens, kept_filters(req.query, known), size, page_no, token, page)
    return insights_envelope(req.base_url, path, list_key, size, page_no, page, ln)


def _equals(params: dict, name: str, field: str) -> list:
    if name not in params:
        return []
    value = params[name]
    return [lambda fact, rec: rec.get(field) == value]


def _predicate(checks: list):
    return (lambda fact, rec: all(c(fact, rec) for c in checks)) if checks else None


def call_summaries(app, req, principal) -> dict:
    params = first_values(req.query)
    account = target_account(app, req, principal, params)
    # Defaults from the spec: StartTime 4h (ago), EndTime 0m (now). Filtered on start_time.
    lo = insights_time(params.get("StartTime", "4h"), req.now)
    hi = insights_time(params.get("EndTime", "0m"), req.now)
    retention.check_insights(lo, FOREVER, req.now, "StartTime")
    state = check_enum(params, "ProcessingState", _PROCESSING) or "all"
    checks = []
    if state == "completed":
        checks.append(lambda f, rec: rec["processing_state"] == "complete")
    elif state == "partial":
        checks.append(lambda f, rec: rec["processing_state"] == "partial")
    listing = app.world.listing(
        account,
        "call_summaries",
        now=req.now,
        lo=lo,
        hi=hi,
        opts=Options(base_url=req.base_url),
        predicate=_predicate(checks),
    )
    return _page(app, req, listing, "/v1/Voice/Summaries", "call_summaries", SUMMARY_PARAMS, params)


def conferences(app, req, principal) -> dict:
    params = first_values(req.query)
    account = target_account(app, req, principal, params)
    lo = insights_time(params["CreatedAfter"], req.now) if "CreatedAfter" in params else NEVER
    hi = insights_time(params["CreatedBefore"], req.now) if "CreatedBefore" in params else FOREVER
    retention.check_insights(lo, hi, req.now, "CreatedAfter" if lo != NEVER else "CreatedBefore")
    checks = (
        _equals(params, "ConferenceSid", "conference_sid")
        + _equals(params, "FriendlyName", "friendly_name")
        + _equals(params, "Status", "status")
    )
    listing = app.world.listing(
        account,
        "insights_conferences",
        now=req.now,
        lo=lo,
        hi=hi,
        opts=Options(base_url=req.base_url),
        predicate=_predicate(checks),
    )
    return _page(app, req, listing, "/v1/Conferences", "conferences", CONFERENCE_PARAMS, params)


def conference_participants(app, req, principal, conference_sid: str) -> dict:
    params = first_values(req.query)
    world = app.world
    owner = conference = None
    for sid in world.by_sid:
        if principal.can_access(world, sid):
            conference = world.find_conference(sid, conference_sid, now=req.now)
            if conference is not None:
                owner = sid
                break
    if owner is None or conference is None:
        raise not_found(req.path)
    if not world.insights_enabled(owner):
        raise _disabled()
    retention.check_conference(conference.created, req.now)
    checks = _equals(params, "ParticipantSid", "participant_sid") + _equals(params, "Label", "label")
    listing = world.listing(
        owner,
        "conference_participants",
        now=req.now,
        opts=Options(base_url=req.base_url, conference_sid=conference_sid),
        predicate=_predicate(checks),
    )
    return _page(
        app, req, listing, f"/v1/Conferences/{conference_sid}/Participants", "participants", PARTICIPANT_PARAMS, params
    )
