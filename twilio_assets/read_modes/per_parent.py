"""Per parent: the children of every parent record, one listing per parent (or per parent and day).

For collections listed under another record: a conference's Insights participants, a message's media,
a messaging service's numbers, a Studio flow's executions and an execution's steps. The parents are
listed first, whole or created on each day of the window (days in parallel), possibly themselves
under grandparents (flows → executions → steps); each parent found leads to a listing of its
children (parents in parallel), whose path takes its placeholders from the parent records.

The scope follows from how the parents were chosen:
* parents listed whole: every stored child is in scope (a child of a deleted parent is gone too);
* parents created on the window's days: exactly the children of the parents listed, so children of
  older parents are left alone;
* children listed per day (`child_days`): the window's days, on the children's own day column.
A parent whose children Twilio refused is left out of the scope, so its stored children stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycopg2 import sql

from ..twilio_api.sids import require_sid
from .base import EVERY_ROW, Accepted, Index, Listing, Part, ReadMode, ReadPlan, ReadRequest, column_in, require_column
from .day_filter import on_day
from .day_params import DayParams

CHILDREN = "children"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Parents:
    """Where parents are listed. `fields` maps each placeholder of the children's path (and of deeper
    levels' paths) to the parent record's field holding its value."""

    path: str  # e.g. /v1/Conferences, /2010-04-01/Accounts/{account_sid}/Messages.json, /v2/Flows/{flow_sid}/Executions
    list_key: str
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)
    by_day: DayParams | None = None  # None: the whole list
    keep: Callable[[dict[str, Any]], bool] | None = None  # parents without children worth listing are skipped
    parents: Parents | None = None  # the grandparents, when `path` has placeholders of its own

    def levels(self) -> list[Parents]:
        """Outermost first: grandparents, ..., these parents."""
        return [*(self.parents.levels() if self.parents else []), self]


@dataclass(frozen=True)
class PerParent(ReadMode):
    parents: Parents
    parent_key: str  # the child's column naming its parent, e.g. conference_sid
    child_days: DayParams | None = None  # list each parent's children per day (Studio executions)
    child_column: str | None = None  # with child_days: the children's day column
    name: str = field(init=False, default="per_parent")

    @property
    def day_column(self) -> str | None:
        return self.child_column

    @property
    def by_day(self) -> bool:
        return any(level.by_day for level in self.parents.levels())

    def indexes(self, collection) -> tuple[Index, ...]:
        return (Index((self.parent_key,)),) + ((Index((self.child_column,)),) if self.child_column else ())

    def validate(self, collection) -> None:
        require_column(collection, self.parent_key, self.name)
        if (self.child_days is None) != (self.child_column is None):
            raise ValueError(f"{collection.name}: child_days and child_column go together")
        if self.child_column:
            require_column(collection, self.child_column, self.name)
        if self.child_days and self.by_day:
            raise ValueError(f"{collection.name}: children are listed per day, or their parents are, not both")
        provided = {"account_sid"}
        for level in self.parents.levels():
            missing = set(_PLACEHOLDER.findall(level.path)) - provided
            if missing:
                raise ValueError(
                    f"{collection.name}: parent path {level.path} needs {sorted(missing)} from a level above"
                )
            provided |= set(level.fields)
        missing = set(_PLACEHOLDER.findall(collection.path)) - provided
        if missing:
            raise ValueError(
                f"{collection.name}: path {collection.path} needs {sorted(missing)} from its parents' fields"
            )

    def plan(self, request: ReadRequest) -> PerParentPlan:
        return PerParentPlan(request, self)

    def summary(self) -> str:
        chain = " → ".join(
            f"`{level.path}`" + (f" created on each day ({level.by_day.describe()})" if level.by_day else " (whole)")
            for level in self.parents.levels()
        )
        per_day = f", per day with {self.child_days.describe()}" if self.child_days else ""
        return f"parents from {chain}, then each parent's children{per_day}, in parallel"


@dataclass(frozen=True)
class _Level:
    """The context of a listing: which level it lists (len(levels) = the children) and the placeholder values so far."""

    depth: int
    values: tuple[tuple[str, str], ...]
    parent: str | None = None  # for children: the parent's SID (its `parent_key` value)


class PerParentPlan(ReadPlan):
    def __init__(self, request: ReadRequest, mode: PerParent) -> None:
        super().__init__(request, mode)
        self._levels = mode.parents.levels()
        self._parents: list[str] = []  # parents whose children were listed (completely)
        self._failed: set[str] = set()  # parents whose children Twilio refused (retention)
        self._parents_unreadable = False

    def listings(self) -> Iterable[Listing]:
        base = {"account_sid": self.request.account or ""}
        return self._level_listings(0, base)

    def _level_listings(self, depth: int, values: Mapping[str, str]) -> Iterable[Listing]:
        level = self._levels[depth]
        url = self.request.base_url + level.path.format_map(values)
        context = _Level(depth, tuple(values.items()))
        if level.by_day is None:
            yield Listing(
                url, dict(self.request.params), f"parents at {level.path}", list_key=level.list_key, context=context
            )
            return
        for day in self.request.window.days():
            params = {**self.request.params, **level.by_day.for_day(day)}
            label = f"parents at {level.path} on {day.isoformat()}"
            yield Listing(url, params, label, list_key=level.list_key, context=context)

    def accept(self, listing: Listing, records: list[dict[str, Any]]) -> Accepted:
        ctx: _Level = listing.context
        if ctx.depth == len(self._levels):
            # Children, stored as they are. Their parent counts as listed from its first page on; if a
            # later page is refused, skip_on_error takes it out again.
            if ctx.parent not in self._parents:
                self._parents.append(str(ctx.parent))
            return Accepted(records)
        level = self._levels[ctx.depth]
        more: list[Listing] = []
        for record in records:
            if not isinstance(record, dict) or (level.keep and not level.keep(record)):
                continue
            found = {name: record.get(source) for name, source in level.fields.items()}
            if not all(found.values()):
                continue  # a parent without the IDs its children's path needs has no listable children
            for name, value in found.items():
                # Each value goes into a URL path: only a SID may (not `../..` or `x?y`).
                require_sid(
                    value, where=f"{self.request.collection.name}: {level.fields[name]!r} of a record at {level.path}"
                )
            values = {**dict(ctx.values), **{k: str(v) for k, v in found.items()}}
            if ctx.depth + 1 < len(self._levels):
                more.extend(self._level_listings(ctx.depth + 1, values))
            else:
                more.extend(self._child_listings(values))
        return Accepted([], more=tuple(more))

    def _child_listings(self, values: dict[str, str]) -> Iterable[Listing]:
        url = self.request.base_url + self.request.path.format_map(_KeepUnknown(values))
        parent = values[self._parent_placeholder()]
        context = _Level(len(self._levels), tuple(values.items()), parent)
        if self.mode.child_days is None:
            yield Listing(url, dict(self.request.params), CHILDREN, context=context)
            return
        for day in self.request.window.days():
            params = {**self.request.params, **self.mode.child_days.for_day(day)}
            yield Listing(url, params, day.isoformat(), context=context)

    def _parent_placeholder(self) -> str:
        # The placeholder whose value names the parent: the last level's field for the parent's own SID.
        fields = self._levels[-1].fields
        return next((k for k, v in fields.items() if v in ("sid", self.mode.parent_key)), next(iter(fields)))

    def skip_on_error(self, listing: Listing, error: BaseException) -> bool:
        skipped = super().skip_on_error(listing, error)
        ctx: _Level = listing.context
        if skipped and ctx.depth == len(self._levels):
            # A parent whose children could not be read is outside the scope: its stored children stay.
            reason = self.unreadable.pop(listing.label)
            self.unreadable[
                f"{CHILDREN} of {ctx.parent}" + ("" if listing.label == CHILDREN else f" on {listing.label}")
            ] = reason
            self._failed.add(str(ctx.parent))
        elif skipped and self._levels[ctx.depth].by_day is None:
            self._parents_unreadable = True  # a whole parent list is missing: nothing may be marked deleted
        return skipped

    def parts(self) -> Sequence[Part]:
        if self._parents_unreadable:
            return []
        failed = sorted(self._failed)
        keep_failed = (
            sql.SQL("not (t.{} = any({}))").format(sql.Identifier(self.mode.parent_key), sql.Literal(failed))
            if failed
            else None
        )
        if self.mode.child_days is not None:
            column = self.mode.child_column
            assert column is not None  # validate() pairs them
            return [
                Part(day.isoformat(), _and(on_day(self.request.collection, column, day), keep_failed))
                for day in sorted(self.request.window.days())
            ]
        if self.mode.by_day:
            parents = [p for p in self._parents if p not in self._failed]
            return [Part(CHILDREN, column_in(self.mode.parent_key, parents))] if parents else []
        return [Part(CHILDREN, _and(EVERY_ROW, keep_failed))]


def _and(predicate: sql.Composable, extra: sql.Composable | None) -> sql.Composable:
    return predicate if extra is None else sql.SQL("({} and {})").format(predicate, extra)


class _KeepUnknown(dict):
    # `{account_sid}` is already filled in the collection's path; anything unknown stays as written.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
