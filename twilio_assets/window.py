"""The time window a sync covers: whole UTC days, start inclusive, end exclusive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UTC = dt.UTC


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("window bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"empty window {self.start} .. {self.end}")

    @classmethod
    def for_days(cls, first: dt.date, last: dt.date) -> Window:
        """The window from the start of `first` to the end of `last` (UTC)."""
        return cls(
            dt.datetime.combine(first, dt.time(), UTC),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), UTC),
        )

    def days(self) -> list[dt.date]:
        """Every UTC day the window touches, newest first (the order Twilio lists in)."""
        first = self.start.astimezone(UTC).date()
        last = (self.end.astimezone(UTC) - dt.timedelta(microseconds=1)).date()
        count = (last - first).days + 1
        return [last - dt.timedelta(days=i) for i in range(count)]

    def contains(self, moment: dt.datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def __str__(self) -> str:
        days = self.days()
        return days[-1].isoformat() if len(days) == 1 else f"{days[-1].isoformat()}..{days[0].isoformat()}"


def iso_z(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
