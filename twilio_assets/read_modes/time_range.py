"""Time range: a range filter (`StartTime=…&EndTime=…`, `StartDate=…&EndDate=…`), one listing per UTC day.

The range could cover the whole window in one listing, but one per day lets a backfill's days be
listed in parallel, and lets a day beyond Twilio's retention fail alone (Voice Insights answers 17002
for days older than 30) while the newer days are still read. The bounds follow each API's own style
(see day_params.py): half-open ISO ranges for Insights, Studio and Verify; ranges through the day's
last second for Monitor and Conversations; inclusive dates for Usage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import Listing, Part, PlacedByColumn, ReadMode, ReadPlan, ReadRequest
from .day_filter import day_parts
from .day_params import DayParams


@dataclass(frozen=True)
class TimeRange(PlacedByColumn, ReadMode):
    start_param: str  # e.g. StartTime
    end_param: str  # e.g. EndTime
    column: str  # the typed column the range selects on (timestamptz, or date for usage)
    bounds: str = "iso"  # see day_params.BOUNDS
    name: str = field(init=False, default="time_range")

    @property
    def days(self) -> DayParams:
        return DayParams(self.start_param, self.end_param, self.bounds)

    def validate(self, collection) -> None:
        super().validate(collection)
        DayParams(self.start_param, self.end_param, self.bounds)  # raises ValueError on unknown bounds

    def plan(self, request: ReadRequest) -> TimeRangePlan:
        return TimeRangePlan(request, self)

    def summary(self) -> str:
        return f"one listing per UTC day with {self.days.describe()}, days in parallel; rows placed by `{self.column}`"


class TimeRangePlan(ReadPlan):
    def listings(self) -> Iterable[Listing]:
        days = self.mode.days
        for day in self.request.window.days():
            yield Listing(self.request.url, {**self.request.params, **days.for_day(day)}, day.isoformat())

    def parts(self) -> Sequence[Part]:
        return day_parts(self.request, self.mode.column, self.unreadable)
