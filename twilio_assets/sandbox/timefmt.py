"""Time as integer microseconds since the epoch (UTC), and Twilio's two wire formats.

Integers keep ordering exact when a million records share one day; the wire formats
drop the sub-second part, as Twilio's do.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

US = 1_000_000
DAY_US = 86_400 * US
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_start_us(day: date) -> int:
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY_US


def day_of_us(t: int) -> date:
    return date.fromordinal(t // DAY_US + _EPOCH_ORDINAL)


def dord_of(t: int) -> int:
    """The proleptic ordinal of t's UTC day, clamped so that "no bound" sentinels stay in date's range."""
    t = min(max(t, -700_000 * DAY_US), 2_000_000 * DAY_US)
    return _EPOCH_ORDINAL + t // DAY_US


def to_us(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt!r}: the sandbox clock is UTC and needs tzinfo")
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def from_us(t: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=t)


def rfc2822(t: int | None) -> str | None:
    """v2010 timestamps: 'Thu, 30 Jul 2015 20:00:00 +0000'."""
    if t is None:
        return None
    tm = time.gmtime(t // US)
    return (
        f"{_WEEKDAYS[tm.tm_wday]}, {tm.tm_mday:02d} {_MONTHS[tm.tm_mon - 1]} {tm.tm_year} "
        f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} +0000"
    )


def iso(t: int | None) -> str | None:
    """Insights timestamps: '2021-08-25T14:46:40Z'."""
    if t is None:
        return None
    tm = time.gmtime(t // US)
    return f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}T{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}Z"


def parse_iso(text: str) -> datetime:
    """ISO 8601 with 'Z' or an offset; a bare date means its midnight UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
