"""Sent or pending: messages by the day they were sent, plus the ones not sent yet.

`DateSent=YYYY-MM-DD` finds a message only once it has a `date_sent`; scheduled messages (up to 35
days ahead), and queued or accepted ones, have none yet. Twilio lists messages by `date_sent`, newest
first, with the unsent ones (null `date_sent`) at the top, newest created first. So besides one
listing per day, a run reads that top block of the unfiltered list: it stops at the first message
that has been sent, or that was created before the horizon (no message can still be pending that
long after it was created). Pending rows stored earlier that the block no longer shows were sent on
a day outside this window, canceled, or deleted: each is fetched by SID, so it is updated in place,
or (Twilio answers 404) marked deleted. The scope is the window's days on `date_sent` plus the
pending rows created since the horizon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycopg2 import sql

from .base import (
    Accepted,
    Listing,
    Part,
    PlacedByColumn,
    ReadMode,
    ReadPlan,
    ReadRequest,
    both,
    column_is_null,
    require_column,
)
from .day_filter import day_parts

PENDING = "pending"
PENDING_PAGE_SIZE = 200
REFETCHED = "refetched"


@dataclass(frozen=True)
class SentOrPending(PlacedByColumn, ReadMode):
    param: str  # the day filter, e.g. DateSent
    column: str  # its column, e.g. date_sent: null while the message is not sent
    created_column: str  # the order of the unsent block, e.g. date_created
    # Scheduling reaches 35 days ahead; one more day covers messages queued at the edge.
    horizon: dt.timedelta = dt.timedelta(days=36)
    name: str = field(init=False, default="sent_or_pending")

    # Its index, (account_sid, date_sent), also serves `date_sent is null`: btree indexes keep nulls.

    def validate(self, collection) -> None:
        super().validate(collection)
        require_column(collection, self.created_column, self.name)
        if not collection.path.endswith(".json"):
            raise ValueError(f"{collection.name}: sent_or_pending fetches records at <path without .json>/<sid>.json")

    def plan(self, request: ReadRequest) -> SentOrPendingPlan:
        return SentOrPendingPlan(request, self)

    def summary(self) -> str:
        return (
            f"one listing per UTC day with `{self.param}=YYYY-MM-DD`, plus the not-yet-sent messages at the top "
            f"of the list (null `{self.column}`), re-fetched by SID once they leave it"
        )


class SentOrPendingPlan(ReadPlan):
    def __init__(self, request: ReadRequest, mode: SentOrPending) -> None:
        super().__init__(request, mode)
        self.horizon = request.window.start - mode.horizon
        self._sent = request.collection.column(mode.column)
        self._created = request.collection.column(mode.created_column)

    def listings(self) -> Iterable[Listing]:
        request = self.request
        for day in request.window.days():
            yield Listing(request.url, {**request.params, self.mode.param: day.isoformat()}, day.isoformat())
        # The block is usually a handful of messages: smaller pages find its end for less.
        yield Listing(request.url, {**request.params, "PageSize": str(PENDING_PAGE_SIZE)}, PENDING)

    def accept(self, listing: Listing, records: list[dict[str, Any]]) -> Accepted:
        if listing.label != PENDING:
            return Accepted(records)
        pending: list[dict[str, Any]] = []
        for record in records:
            if not isinstance(record, dict):
                pending.append(record)  # malformed: the loader names it
                continue
            created = self._created.extract(record)
            if self._sent.extract(record) is not None or (created is not None and created < self.horizon):
                return Accepted(pending, stop=True)
            pending.append(record)
        return Accepted(pending)

    def _pending_predicate(self) -> sql.Composable:
        return both(
            column_is_null(self.mode.column),
            sql.SQL("t.{} >= {}").format(sql.Identifier(self.mode.created_column), sql.Literal(self.horizon)),
        )

    def after_listings(self, unseen_live_keys) -> Iterable[Listing]:
        base = self.request.url.removesuffix(".json")
        for key in unseen_live_keys(self._pending_predicate()):
            yield Listing(f"{base}/{key}.json", {}, REFETCHED, single=True, context=key)

    def skip_on_error(self, listing: Listing, error: BaseException) -> bool:
        if listing.single and getattr(error, "status", None) == 404:
            self.gone.add(listing.context)  # deleted in Twilio, on its own word
            return True
        return super().skip_on_error(listing, error)

    def parts(self) -> Sequence[Part]:
        return [*day_parts(self.request, self.mode.column, self.unreadable), Part(PENDING, self._pending_predicate())]
