"""How far back Twilio lets a list reach: 400 days of messages, 30 days of Voice Insights.

Limits count whole UTC days back from the clock's day: with the clock on day D, day
D - 400 can still be listed and day D - 401 cannot. The oracle reads the same rule.
"""

from __future__ import annotations

from datetime import date, timedelta

from .errors import ApiError
from .series import FOREVER, NEVER
from .timefmt import day_of_us

MESSAGE_DAYS = 400
INSIGHTS_DAYS = 30


def oldest_day(now: int, days: int) -> date:
    """The oldest UTC day still inside a retention of `days` days."""
    return day_of_us(now) - timedelta(days=days)


def within(day: date, now: int, days: int) -> bool:
    return day >= oldest_day(now, days)


def _reaches_before(lo: int, hi: int, now: int, days: int) -> date | None:
    """The requested day beyond retention, if any. An open lower bound is not taken as a
    reach into the past (it is what an unfiltered list has); only a named day is."""
    oldest = oldest_day(now, days)
    if lo != NEVER:
        first = day_of_us(lo)
        return first if first < oldest else None
    if hi != FOREVER:
        last = day_of_us(hi - 1)
        return last if last < oldest else None
    return None


def check_messages(lo: int, hi: int, now: int) -> None:
    day = _reaches_before(lo, hi, now, MESSAGE_DAYS)
    if day is not None:
        raise ApiError(
            400,
            20004,
            (
                f"Messages older than {MESSAGE_DAYS} days cannot be listed: the DateSent filter reaches {day}, "
                f"before {oldest_day(now, MESSAGE_DAYS)}. Use BulkExport to read older messages."
            ),
        )


def check_insights(lo: int, hi: int, now: int, what: str) -> None:
    day = _reaches_before(lo, hi, now, INSIGHTS_DAYS)
    if day is not None:
        raise insights_too_old(f"{what} reaches {day}", now)


def check_conference(created: int, now: int) -> None:
    day = day_of_us(created)
    if not within(day, now, INSIGHTS_DAYS):
        raise insights_too_old(f"the conference was created on {day}", now)


def insights_too_old(detail: str, now: int) -> ApiError:
    return ApiError(
        400,
        17002,
        (
            f"Voice Insights keeps data for {INSIGHTS_DAYS} days only: {detail}, "
            f"before {oldest_day(now, INSIGHTS_DAYS)}."
        ),
    )
