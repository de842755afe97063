"""Whole list: no date filter and a small collection (addresses, numbers, accounts), read whole each run.

The current state wins: every row of the account that the listing no longer shows is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import EVERY_ROW, Listing, Part, ReadMode, ReadPlan, ReadRequest

ALL = "whole list"


@dataclass(frozen=True)
class WholeList(ReadMode):
    name: str = field(init=False, default="full")

    def plan(self, request: ReadRequest) -> WholeListPlan:
        return WholeListPlan(request)

    def summary(self) -> str:
        return "no date filter: the whole list is read on every run"


class WholeListPlan(ReadPlan):
    def listings(self) -> Iterable[Listing]:
        yield Listing(self.request.url, dict(self.request.params), ALL)

    def parts(self) -> Sequence[Part]:
        return [] if ALL in self.unreadable else [Part(ALL, EVERY_ROW)]
