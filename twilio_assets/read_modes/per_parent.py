"""Per parent: the children of every parent record created in the window, one listing per parent.

For collections that have no date of their own (Voice Insights conference participants): the
parents created on each day of the window are listed (days in parallel), and each parent found leads
to a listing of its children (parents in parallel). The children are complete for each parent that
was listed, so the scope is exactly those parents: a stored child of a listed parent that was not
listed again is gone, and children of parents outside the window are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..window import iso_z
from .base import (
    Accepted,
    Index,
    Listing,
    Part,
    ReadMode,
    ReadPlan,
    ReadRequest,
    column_in,
    day_bounds,
    require_column,
)

PARENT = "parents"
CHILDREN = "children"


@dataclass(frozen=True)
class PerParent(ReadMode):
    parent_path: str  # the parents' listing, e.g. /v1/Conferences
    parent_list_key: str
    parent_key: str  # the field naming a parent in its listing and in its children, e.g. conference_sid
    created_after: str  # the parents' ISO range filters
    created_before: str
    name: str = field(init=False, default="per_parent")

    def indexes(self, collection) -> tuple[Index, ...]:
        return (Index((self.parent_key,)),)

    def validate(self, collection) -> None:
        require_column(collection, self.parent_key, self.name)
        if "{parent_sid}" not in collection.path:
            raise ValueError(f"{collection.name}: a per_parent path names `{{parent_sid}}`")

    def plan(self, request: ReadRequest) -> "PerParentPlan":
        return PerParentPlan(request, self)

    def summary(self) -> str:
        return (
            f"parents from `{self.parent_path}` created on each day (`{self.created_after}`/`{self.created_before}`), "
            "then each parent's children, in parallel"
        )


class PerParentPlan(ReadPlan):
    def __init__(self, request: ReadRequest, mode: PerParent) -> None:
        super().__init__(request, mode)
        self._parents: list[str] = []  # parents whose children were listed
        self._failed: set[str] = set()  # parents whose children Twilio refused (retention)

    def listings(self) -> Iterable[Listing]:
        for day in self.request.window.days():
            start, end = day_bounds(day)
            params = {**self.request.params, self.mode.created_after: iso_z(start), self.mode.created_before: iso_z(end)}
            url = self.request.base_url + self.mode.parent_path
            yield Listing(url, params, day.isoformat(), list_key=self.mode.parent_list_key, context=PARENT)

    def accept(self, listing: Listing, records: list[dict[str, Any]]) -> Accepted:
        if listing.context != PARENT:
            parent = listing.context
            if parent not in self._parents:
                self._parents.append(parent)
            return Accepted(records)
        children = []
        for record in records:
            sid = record.get(self.mode.parent_key) if isinstance(record, dict) else None
            if sid:
                url = self.request.base_url + self.request.path.replace("{parent_sid}", str(sid))
                children.append(Listing(url, dict(self.request.params), CHILDREN, context=str(sid)))
        return Accepted([], more=tuple(children))

    def skip_on_error(self, listing: Listing, error: BaseException) -> bool:
        skipped = super().skip_on_error(listing, error)
        if skipped and listing.context != PARENT:
            # A parent whose children could not be read is outside the scope: its stored children stay.
            reason = self.unreadable.pop(listing.label)
            self.unreadable[f"{CHILDREN} of {listing.context}"] = reason
            self._failed.add(listing.context)
        return skipped

    def parts(self) -> Sequence[Part]:
        parents = [p for p in self._parents if p not in self._failed]
        return [Part(CHILDREN, column_in(self.mode.parent_key, parents))] if parents else []
