"""How one UTC day is asked for: the query parameters of a per-day listing, in each of Twilio's styles.

Twilio's date filters differ per API: v2010's equality filter (`DateSent=2025-03-10`), half-open ISO ranges
(Insights, Studio, Verify: from 00:00:00Z to the next day's 00:00:00Z), closed ISO ranges whose end is the day's
last second (Monitor, Conversations: "on or before"), and closed date ranges (Usage: `StartDate`=`EndDate`=day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..window import iso_z
from .base import day_bounds

BOUNDS = ("iso", "iso_through", "date", "equals")


@dataclass(frozen=True)
class DayParams:
    start_param: str
    end_param: str | None = None
    bounds: str = "iso"

    def __post_init__(self) -> None:
        if self.bounds not in BOUNDS:
            raise ValueError(f"bounds must be one of {', '.join(BOUNDS)}, got {self.bounds!r}")
        if (self.end_param is None) != (self.bounds == "equals"):
            raise ValueError("an `equals` filter has one parameter; every other kind of bounds has two")

    def for_day(self, day: dt.date) -> dict[str, str]:
        if self.bounds == "equals":
            return {self.start_param: day.isoformat()}
        assert self.end_param is not None  # checked in __post_init__
        start, end = day_bounds(day)
        if self.bounds == "iso":
            return {self.start_param: iso_z(start), self.end_param: iso_z(end)}
        if self.bounds == "iso_through":
            return {self.start_param: iso_z(start), self.end_param: iso_z(end - dt.timedelta(seconds=1))}
        return {self.start_param: day.isoformat(), self.end_param: day.isoformat()}

    def describe(self) -> str:
        if self.bounds == "equals":
            return f"`{self.start_param}=YYYY-MM-DD`"
        style = {
            "iso": "ISO 8601, end exclusive",
            "iso_through": "ISO 8601, through the day's last second",
            "date": "YYYY-MM-DD, both inclusive",
        }[self.bounds]
        return f"`{self.start_param}`/`{self.end_param}` ({style})"
