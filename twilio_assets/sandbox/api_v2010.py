"""The REST API 2010-04-01 list endpoints: filters per resource, then a page.

Each resource names the query parameters it understands; anything else is ignored
(as Twilio does) and left out of the page URIs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import retention
from .filters import check_enum, date_window, has_window, in_window, kept_filters, parse_bool
from .paging import links, take_page, v2010_envelope
from .series import FOREVER, NEVER
from .world import Options

_CALL_STATUS = ("queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled")
_CONFERENCE_STATUS = ("init", "in-progress", "completed")
_ACCOUNT_STATUS = ("active", "suspended", "closed")


@dataclass
class Query:
    lo: int = NEVER
    hi: int = FOREVER
    include_deleted: bool = False
    checks: tuple[Callable[[object, dict], bool], ...] = ()


def _equals(params: dict, name: str, field: str) -> list:
    if name not in params:
        return []
    value = params[name]
    return [lambda fact, rec: rec.get(field) == value]


def _flag(params: dict, name: str, field: str) -> list:
    value = parse_bool(params, name)
    return [] if value is None else [lambda fact, rec: rec.get(field) is value]


def _calls(p: dict, now: int) -> Query:
    lo, hi = date_window(p, "StartTime")
    checks = _equals(p, "To", "to") + _equals(p, "From", "from") + _equals(p, "ParentCallSid", "parent_call_sid")
    if check_enum(p, "Status", _CALL_STATUS):
        checks += _equals(p, "Status", "status")
    if has_window(p, "EndTime"):
        window = date_window(p, "EndTime")
        # A call that has not ended has no end_time and matches no EndTime filter.
        checks.append(lambda leg, rec: leg.end <= now and in_window(leg.end, window))
    return Query(lo, hi, checks=tuple(checks))


def _messages(p: dict, now: int) -> Query:
    lo, hi = date_window(p, "DateSent")
    if has_window(p, "DateSent"):
        retention.check_messages(lo, hi, now)
    return Query(lo, hi, checks=tuple(_equals(p, "To", "to") + _equals(p, "From", "from")))


def _conferences(p: dict, now: int) -> Query:
    lo, hi = date_window(p, "DateCreated")
    checks = _equals(p, "FriendlyName", "friendly_name")
    if check_enum(p, "Status", _CONFERENCE_STATUS):
        checks += _equals(p, "Status", "status")
    if has_window(p, "DateUpdated"):
        window = date_window(p, "DateUpdated")
        checks.append(lambda conf, rec: in_window(conf.updated(now), window))
    return Query(lo, hi, checks=tuple(checks))


def _recordings(p: dict, now: int) -> Query:
    lo, hi = date_window(p, "DateCreated")
    checks = _equals(p, "CallSid", "call_sid") + _equals(p, "ConferenceSid", "conference_sid")
    return Query(lo, hi, include_deleted=bool(parse_bool(p, "IncludeSoftDeleted")), checks=tuple(checks))


def _addresses(p: dict, now: int) -> Query:
    checks = (
        _equals(p, "FriendlyName", "friendly_name")
        + _equals(p, "CustomerName", "customer_name")
        + _equals(p, "IsoCountry", "iso_country")
        + _flag(p, "EmergencyEnabled", "emergency_enabled")
    )
    return Query(checks=tuple(checks))


def _numbers(p: dict, now: int) -> Query:
    checks = _equals(p, "FriendlyName", "friendly_name") + _equals(p, "Origin", "origin") + _flag(p, "Beta", "beta")
    if "PhoneNumber" in p:
        # Twilio matches any part of the number ('415' finds +1415...).
        digits = "".join(ch for ch in p["PhoneNumber"] if ch.isdigit())
        checks.append(lambda fact, rec: digits in rec["phone_number"])
    return Query(checks=tuple(checks))


def _participants(p: dict, now: int) -> Query:
    return Query(checks=tuple(_flag(p, "Muted", "muted") + _flag(p, "Hold", "hold") + _flag(p, "Coaching", "coaching")))


def _transcriptions(p: dict, now: int) -> Query:
    return Query()


def _accounts(p: dict, now: int) -> Query:
    checks = _equals(p, "FriendlyName", "friendly_name")
    if check_enum(p, "Status", _ACCOUNT_STATUS):
        checks += _equals(p, "Status", "status")
    return Query(checks=tuple(checks))


def _dates(name: str) -> tuple[str, ...]:
    return (name, name + "<", name + ">")


@dataclass(frozen=True)
class Resource:
    collection: str
    list_key: str
    params: tuple[str, ...]
    query: Callable[[dict, int], Query]


RESOURCES = {
    "Calls": Resource(
        "calls", "calls", ("To", "From", "ParentCallSid", "Status") + _dates("StartTime") + _dates("EndTime"), _calls
    ),
    "Messages": Resource("messages", "messages", ("To", "From") + _dates("DateSent"), _messages),
    "Conferences": Resource(
        "conferences",
        "conferences",
        _dates("DateCreated") + _dates("DateUpdated") + ("FriendlyName", "Status"),
        _conferences,
    ),
    "Recordings": Resource(
        "recordings",
        "recordings",
        _dates("DateCreated") + ("CallSid", "ConferenceSid", "IncludeSoftDeleted"),
        _recordings,
    ),
    "Transcriptions": Resource("transcriptions", "transcriptions", (), _transcriptions),
    "Addresses": Resource(
        "addresses", "addresses", ("CustomerName", "FriendlyName", "EmergencyEnabled", "IsoCountry"), _addresses
    ),
    "IncomingPhoneNumbers": Resource(
        "incoming_phone_numbers", "incoming_phone_numbers", ("Beta", "FriendlyName", "PhoneNumber", "Origin"), _numbers
    ),
    "Participants": Resource("live_participants", "participants", ("Muted", "Hold", "Coaching"), _participants),
}
ACCOUNTS = Resource("accounts", "accounts", ("FriendlyName", "Status"), _accounts)


def page_of(
    app,
    listing,
    path: str,
    list_key: str,
    query: list[tuple[str, str]],
    known: tuple[str, ...],
    size: int,
    page_no: int,
    token: str | None,
) -> dict:
    decoded = app.tokens.decode(token) if token else None
    page = take_page(listing, size, page_no, decoded)
    ln = links(app.tokens, kept_filters(query, known), size, page_no, token, page)
    return v2010_envelope(path, list_key, size, page_no, page, ln)


def run_query(resource: Resource, params: dict, now: int) -> tuple[Query, Callable | None]:
    q = resource.query(params, now)
    checks = q.checks
    predicate = (lambda fact, rec: all(c(fact, rec) for c in checks)) if checks else None
    return q, predicate


def options(q: Query, base_url: str, conference_sid: str | None = None) -> Options:
    return Options(include_deleted=q.include_deleted, conference_sid=conference_sid, base_url=base_url)
