"""Newest-first scan: no date filter, but Twilio lists newest first (transcriptions).

A run reads from the top of the list and stops at the first record older than its window, keeping
only the records inside it: recent days cost a few pages, not the whole history. The scan is one
listing (its pages follow each other), and its scope is the window on the scanned column, unless
Twilio refused one of its pages: then nothing of the window counts as deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .base import (
    Accepted,
    Listing,
    Part,
    PlacedByColumn,
    ReadMode,
    ReadPlan,
    ReadRequest,
    column_in_range,
)


@dataclass(frozen=True)
class NewestFirstScan(PlacedByColumn, ReadMode):
    column: str  # the column the list is ordered by, newest first
    name: str = field(init=False, default="newest_first_scan")

    def plan(self, request: ReadRequest) -> NewestFirstPlan:
        return NewestFirstPlan(request, self)

    def summary(self) -> str:
        return (
            f"no date filter: the newest-first list is read from the top until `{self.column}` is older than the window"
        )


class NewestFirstPlan(ReadPlan):
    def __init__(self, request: ReadRequest, mode: NewestFirstScan) -> None:
        super().__init__(request, mode)
        self.column = request.collection.column(mode.column)

    def listings(self) -> Iterable[Listing]:
        yield Listing(self.request.url, dict(self.request.params), str(self.request.window))

    def accept(self, listing: Listing, records: list[dict[str, Any]]) -> Accepted:
        window = self.request.window
        inside, older_seen = [], False
        for record in records:
            moment = self.column.extract(record) if isinstance(record, dict) else None
            if moment is not None and moment < window.start:
                older_seen = True
            elif window.contains(moment):
                inside.append(record)
        return Accepted(inside, stop=older_seen)

    def parts(self) -> Sequence[Part]:
        window = self.request.window
        if str(window) in self.unreadable:
            return []  # the scan was refused (or cut short): its unseen rows may still exist
        return [Part(str(window), column_in_range(self.column.name, window.start, window.end))]
