"""Parsing query parameters the way Twilio reads them.

Date filters are named with the operator inside the name ('StartTime>' is "on or after").
Day values work at UTC-day granularity; full timestamps (what twilio-python sends) are
honoured to the second.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import ApiError, invalid_parameter
from .series import FOREVER, NEVER
from .timefmt import DAY_US, US, day_start_us, parse_iso, to_us

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$")
_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNIT_S = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Query pairs as a dict, first occurrence winning. A literal '+' in a query string
    decodes to a space; phone numbers are restored (clients that encode it as %2B are fine)."""
    out: dict[str, str] = {}
    for name, value in pairs:
        if name not in out:
            if value.startswith(" ") and value[1:].isdigit():
                value = "+" + value[1:]
            out[name] = value
    return out


def parse_moment(value: str) -> tuple[int, bool]:
    """(microseconds, is_whole_day) or 400 / 20001 'Invalid date value'."""
    text = value.strip()
    try:
        if _DAY.match(text):
            return day_start_us(date.fromisoformat(text)), True
        if _STAMP.match(text):
            return to_us(parse_iso(text.replace(" ", "T", 1))), False
    except ValueError:
        pass
    raise invalid_parameter("Invalid date value")


def date_window(params: dict[str, str], name: str) -> tuple[int, int]:
    """[lo, hi) in microseconds from `name`, `name<` and `name>` (all that are present)."""
    lo, hi = NEVER, FOREVER
    if name in params:
        t, whole = parse_moment(params[name])
        start = t if whole else t - t % DAY_US
        lo, hi = max(lo, start), min(hi, start + DAY_US)
    if name + ">" in params:
        t, _ = parse_moment(params[name + ">"])
        lo = max(lo, t)
    if name + "<" in params:
        t, whole = parse_moment(params[name + "<"])
        # Inclusive: the whole named day, or everything displayed at or before that second.
        hi = min(hi, t + DAY_US if whole else t - t % US + US)
    return lo, hi


def in_window(t: int | None, window: tuple[int, int]) -> bool:
    return t is not None and window[0] <= t < window[1]


def has_window(params: dict[str, str], name: str) -> bool:
    return any(n in params for n in (name, name + "<", name + ">"))


def parse_bool(params: dict[str, str], name: str) -> bool | None:
    if name not in params:
        return None
    value = params[name].strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise invalid_parameter(f"Invalid {name} value")


def check_enum(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    if name not in params:
        return None
    if params[name] not in allowed:
        raise invalid_parameter(f"{name} must be one of {', '.join(allowed)}")
    return params[name]


def insights_time(value: str, now: int) -> int:
    """Insights accepts relative spans ('30m', '4h', '3d', '1w') counted back from now, or ISO."""
    text = value.strip()
    m = _RELATIVE.match(text)
    if m:
        return now - int(m.group(1)) * _UNIT_S[m.group(2)] * US
    try:
        return to_us(parse_iso(text))
    except ValueError:
        raise invalid_parameter(f"Invalid date value {value!r}") from None


def page_params(params: dict[str, str]) -> tuple[int, int, str | None]:
    """(PageSize, Page, PageToken) with Twilio's limits: 1..1000, default 50."""
    size = 50
    if "PageSize" in params:
        try:
            size = int(params["PageSize"])
        except ValueError:
            raise invalid_parameter("Invalid PageSize value") from None
        if size > 1000:
            raise ApiError(400, 20007, "Page size too large: PageSize must be at most 1000")
        if size < 1:
            raise invalid_parameter("PageSize must be at least 1")
    page = 0
    if "Page" in params:
        try:
            page = int(params["Page"])
        except ValueError:
            raise invalid_parameter("Invalid Page value") from None
        if page < 0:
            raise invalid_parameter("Page must be at least 0")
    return size, page, params.get("PageToken") or None


def kept_filters(query: list[tuple[str, str]], known: tuple[str, ...]) -> list[tuple[str, str]]:
    """The request's own filters, in its order, restricted to those the resource knows."""
    params = first_values(query)
    seen, out = set(), []
    for name, _ in query:
        if name in known and name not in seen:
            seen.add(name)
            out.append((name, params[name]))
    return out
