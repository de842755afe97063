"""A list in the order it is served, shaped for `paging.take_page`.

`take_page` walks `desc()` for a page and `asc()` for the page before a token, comparing keys: so
keys must fall strictly along the serving order, whatever that order is (Conversations serves some
lists oldest first). Rows come in groups (a day of conversations) built only when the walk reaches
them; every key of a group starts with `lead(group)`, which lets a token skip whole groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ...series import Key

Row = tuple[Key, dict[str, Any]]


class Served:
    def __init__(
        self,
        groups: Sequence[int],
        rows: Callable[[int], Sequence[Row]],
        lead: Callable[[int], int] | None = None,
    ) -> None:
        self.groups = groups  # in serving order
        self.rows = rows  # a group's rows, in serving order
        self.lead = lead

    @classmethod
    def of(cls, rows: Sequence[Row]) -> Served:
        """One group, already built."""
        return cls([0], lambda _: rows)

    def desc(self, below: Key | None = None) -> Iterator[Row]:
        """The serving order, from the row after `below`."""
        for group in self.groups:
            if below is not None and self.lead is not None and self.lead(group) > below[0]:
                continue
            for key, record in self.rows(group):
                if below is None or key < below:
                    yield key, record

    def asc(self, above: Key | None = None) -> Iterator[Row]:
        """The serving order backwards, from the row before `above`."""
        for group in reversed(self.groups):
            if above is not None and self.lead is not None and self.lead(group) < above[0]:
                continue
            for key, record in reversed(self.rows(group)):
                if above is None or key > above:
                    yield key, record
