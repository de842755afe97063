"""Time range: Voice Insights' ISO 8601 range filters (`StartTime=…&EndTime=…`), one listing per UTC day.

The range could cover the whole window in one listing, but one per day lets a backfill's days be
listed in parallel, and lets a day before Voice Insights' 30-day retention fail alone (Twilio answers
17002 for it) while the newer days are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..window import iso_z
from .base import (
    Listing,
    Part,
    PlacedByColumn,
    ReadMode,
    ReadPlan,
    ReadRequest,
    day_bounds,
)
from .day_filter import day_parts


@dataclass(frozen=True)
class TimeRange(PlacedByColumn, ReadMode):
    start_param: str  # inclusive start, e.g. StartTime
    end_param: str  # exclusive end, e.g. EndTime
    column: str  # the typed column the range selects on
    name: str = field(init=False, default="time_range")

    def plan(self, request: ReadRequest) -> "TimeRangePlan":
        return TimeRangePlan(request, self)

    def summary(self) -> str:
        return (
            f"one listing per UTC day with `{self.start_param}`/`{self.end_param}` (ISO 8601), days in parallel; "
            f"rows placed by `{self.column}`"
        )


class TimeRangePlan(ReadPlan):
    def listings(self) -> Iterable[Listing]:
        for day in self.request.window.days():
            start, end = day_bounds(day)
            params = {**self.request.params, self.mode.start_param: iso_z(start), self.mode.end_param: iso_z(end)}
            yield Listing(self.request.url, params, day.isoformat())

    def parts(self) -> Sequence[Part]:
        return day_parts(self.request, self.mode.column, self.unreadable)
