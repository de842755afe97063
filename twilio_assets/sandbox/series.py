"""Walking a collection in creation order without materialising it.

A collection is a sequence of days; a day is a sequence of slots whose start times
rise with the slot number; a slot holds a few items ascending by creation, all created
before the next slot starts. So (day, slot, position) sorts exactly like creation time,
and that triple is the position a PageToken carries. New records only ever appear above
every existing key, which keeps paging stable while the clock moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

Key = tuple[int, ...]
NEVER = -(1 << 62)
FOREVER = 1 << 62


class Item(Protocol):
    created: int


class SlotSeries(Protocol):
    def slot_count(self, account_sid: str, dord: int) -> int: ...
    def slot_time(self, account_sid: str, dord: int, i: int) -> int: ...
    def items(self, account_sid: str, dord: int, i: int) -> Sequence[Item]: ...


def slots_up_to(series: SlotSeries, account_sid: str, dord: int, limit: int) -> int:
    """Number of slots of the day whose start time is <= limit (binary search)."""
    lo, hi = 0, series.slot_count(account_sid, dord)
    while lo < hi:
        mid = (lo + hi) // 2
        if series.slot_time(account_sid, dord, mid) <= limit:
            lo = mid + 1
        else:
            hi = mid
    return lo


def walk_desc(
    series: SlotSeries, account_sid: str, dords: Iterable[int], limit: int, lo: int, below: Key | None
) -> Iterator[tuple[Key, Item]]:
    """Items created in [lo, limit], newest first, strictly below `below`.

    `dords` must be descending."""
    for dord in dords:
        if below is not None and dord > below[0]:
            continue
        top = slots_up_to(series, account_sid, dord, limit)
        if below is not None and dord == below[0]:
            top = min(top, below[1] + 1)
        for i in range(top - 1, -1, -1):
            items = series.items(account_sid, dord, i)
            for pos in range(len(items) - 1, -1, -1):
                item = items[pos]
                key = (dord, i, pos)
                if below is not None and key >= below:
                    continue
                if item.created > limit:
                    continue
                if item.created < lo:
                    return  # everything further is older still
                yield key, item


def walk_asc(
    series: SlotSeries, account_sid: str, dords: Iterable[int], limit: int, lo: int, above: Key | None
) -> Iterator[tuple[Key, Item]]:
    """Items created in [lo, limit], oldest first, strictly above `above`.

    `dords` must be ascending."""
    for dord in dords:
        if above is not None and dord < above[0]:
            continue
        top = slots_up_to(series, account_sid, dord, limit)
        start = above[1] if above is not None and dord == above[0] else 0
        for i in range(start, top):
            for pos, item in enumerate(series.items(account_sid, dord, i)):
                key = (dord, i, pos)
                if above is not None and key <= above:
                    continue
                if item.created < lo:
                    continue
                if item.created > limit:
                    return
                yield key, item


def list_desc(items: Sequence[Item], limit: int, lo: int, below: Key | None) -> Iterator[tuple[Key, Item]]:
    """The same walk over a short list sorted by creation (keys are list positions)."""
    start = len(items) - 1 if below is None else min(len(items), below[0]) - 1
    for p in range(start, -1, -1):
        item = items[p]
        if item.created > limit:
            continue
        if item.created < lo:
            return
        yield (p,), item


def list_asc(items: Sequence[Item], limit: int, lo: int, above: Key | None) -> Iterator[tuple[Key, Item]]:
    start = 0 if above is None else above[0] + 1
    for p in range(start, len(items)):
        item = items[p]
        if item.created < lo:
            continue
        if item.created > limit:
            return
        yield (p,), item


class FnSeries:
    """A SlotSeries from three functions (so plans need not share a base class)."""

    def __init__(self, count: Callable, time: Callable, items: Callable):
        self.slot_count = count
        self.slot_time = time
        self.items = items
