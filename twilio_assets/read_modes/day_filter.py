"""Day filter: one listing per UTC day with Twilio's equality filter (`StartTime=YYYY-MM-DD`).

Twilio's v2010 date filters are day-granular, and the equality form selects exactly one UTC day, so
each day of the window is its own listing (listed concurrently), its own part of the scope (a row
whose day column falls on that day and was not listed is gone), and its own line of the check.
A day Twilio refuses for retention is left out of the scope, so its stored rows stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from psycopg2 import sql

from .base import (
    Listing,
    Part,
    PlacedByColumn,
    ReadMode,
    ReadPlan,
    ReadRequest,
    column_in_range,
    day_bounds,
)


@dataclass(frozen=True)
class DayFilter(PlacedByColumn, ReadMode):
    param: str  # the equality filter, e.g. StartTime
    column: str  # the typed column the filter selects on, e.g. start_time
    name: str = field(init=False, default="day_filter")

    def plan(self, request: ReadRequest) -> DayFilterPlan:
        return DayFilterPlan(request, self)

    def summary(self) -> str:
        return (
            f"one listing per UTC day with `{self.param}=YYYY-MM-DD`, days in parallel; rows placed by `{self.column}`"
        )


class DayFilterPlan(ReadPlan):
    def listings(self) -> Iterable[Listing]:
        for day in self.request.window.days():
            yield Listing(self.request.url, {**self.request.params, self.mode.param: day.isoformat()}, day.isoformat())

    def parts(self) -> Sequence[Part]:
        return day_parts(self.request, self.mode.column, self.unreadable)


def day_parts(request: ReadRequest, column: str, unreadable: dict[str, str]) -> list[Part]:
    """One part per day of the window that was read: rows whose `column` falls on that UTC day."""
    return [
        Part(day.isoformat(), on_day(request.collection, column, day))
        for day in sorted(request.window.days())
        if day.isoformat() not in unreadable
    ]


def on_day(collection, column: str, day: dt.date) -> sql.Composable:
    """Rows whose `column` falls on `day`: a UTC range for timestamps, the day itself for a date column
    (compared as dates, so the session's time zone never shifts it)."""
    if collection.column(column).kind.pg_type == "date":
        return sql.SQL("t.{} = {}").format(sql.Identifier(column), sql.Literal(day))
    return column_in_range(column, *day_bounds(day))
