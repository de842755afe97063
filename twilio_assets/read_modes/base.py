"""What every read mode shares: the listings it asks for, what it accepts of a page, and its scope.

A read mode is a small frozen object in a catalogue entry (`DayFilter("StartTime", "start_time")`).
For each account and window the engine asks it for a `ReadPlan`, a single-use object that owns the
whole read: which listings to make (and which further listings a page leads to), which records of a
page to keep and when a scan stops, which listings may fail without failing the sync (days before
Twilio's retention), and the exact scope in which rows the sync did not see count as deleted.
The engine only loops: list, accept, merge, then mark what is missing inside `plan.complete_parts()`:
a part any of whose listings could not be read to its end is never a reason to mark a row deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psycopg2 import sql

if TYPE_CHECKING:
    from ..catalog import Collection
    from ..window import Window

UTC = dt.UTC
# Twilio's answers for data older than it keeps: messages beyond 400 days (20004), Voice Insights
# beyond 30 days (17002). Such a listing is recorded as unreadable, and the rest of the sync goes on.
RETENTION_ERROR_CODES = frozenset({20004, 17002})


@dataclass(frozen=True)
class Listing:
    """One paged listing (or, with `single`, one record fetched by URL) and the label it counts under."""

    url: str
    params: dict[str, str]
    label: str
    single: bool = False
    list_key: str | None = None  # when it differs from the collection's (a parent listing)
    # Free for the plan's own use (e.g. which parent a child listing belongs to).
    context: Any = None


@dataclass(frozen=True)
class Accepted:
    """What a plan keeps of one page: records to store, whether the listing ends here, and the
    further listings the page leads to (a parent's children)."""

    records: list[dict[str, Any]]
    stop: bool = False
    more: tuple[Listing, ...] = ()


@dataclass(frozen=True)
class Part:
    """One labelled piece of a plan's scope: rows matching `predicate` (SQL on alias `t`) belong to the
    listings counted under `label`. Unseen live rows of every part are marked deleted, and a check
    compares the records listed under each label with the live rows stored for its part."""

    label: str
    predicate: sql.Composable


@dataclass(frozen=True)
class Index:
    """An index the plan's scopes filter on, created with the table (`account_sid` first when present)."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class ReadRequest:
    """Everything a plan needs to know about one account's share of a sync."""

    collection: Collection
    window: Window
    account: str | None  # None for lists that are not per account (the account list itself)
    base_url: str  # the collection's host, e.g. https://api.twilio.com
    path: str  # the collection's path with the account filled in
    params: dict[str, str]  # the collection's fixed parameters, plus the subaccount parameter if any

    @property
    def url(self) -> str:
        return self.base_url + self.path


class ReadPlan:
    """One account's read of one window. Subclasses override `listings`, and where needed `accept`,
    `after_listings` and `parts`."""

    def __init__(self, request: ReadRequest, mode: Any = None) -> None:
        self.request = request
        self.mode = mode
        self.unreadable: dict[str, str] = {}  # listing label → why it could not be read
        # Keys Twilio answered "not found" for when asked for them one by one: gone on Twilio's own word,
        # so they are marked deleted whatever their part (no safeguard waits for a second answer).
        self.gone: set[str] = set()

    def listings(self) -> Iterable[Listing]:
        raise NotImplementedError

    def accept(self, listing: Listing, records: list[dict[str, Any]]) -> Accepted:
        return Accepted(records)

    def after_listings(self, unseen_live_keys) -> Iterable[Listing]:
        """Listings to make, once, after every listing of `listings()` is complete. `unseen_live_keys(predicate)`
        gives the keys of live stored rows matching the predicate that this sync has not seen yet."""
        return ()

    def parts(self) -> Sequence[Part]:
        raise NotImplementedError

    def complete_parts(self) -> list[Part]:
        """The parts whose listings were all read to their end: the only scope in which a row this sync did
        not see may count as deleted. A part with an unreadable listing (refused for retention, on its first
        page or a later one) is left out whatever the read mode's own `parts()` says."""
        return [part for part in self.parts() if part.label not in self.unreadable]

    def skip_on_error(self, listing: Listing, error: BaseException) -> bool:
        """True when the failed listing is recorded as unreadable instead of failing the sync."""
        code = getattr(error, "code", None)
        if code in RETENTION_ERROR_CODES:
            message = getattr(error, "twilio_message", None) or str(error)
            self.unreadable[listing.label] = f"Twilio error {code}: {message}"
            return True
        return False


@dataclass(frozen=True)
class ReadMode:
    """Base of the catalogue's read modes. `indexes` lists what its scopes filter on."""

    name: str = field(init=False, default="")

    @property
    def day_column(self) -> str | None:
        """The column whose UTC day places a row in a daily partition (None: no such column)."""
        return None

    def indexes(self, collection: Collection) -> tuple[Index, ...]:
        return ()

    def validate(self, collection: Collection) -> None:
        """Raise ValueError naming the collection when the entry does not fit this read mode."""

    def plan(self, request: ReadRequest) -> ReadPlan:
        raise NotImplementedError

    def summary(self) -> str:
        """One line for docs and asset metadata: how the collection is read."""
        raise NotImplementedError


class PlacedByColumn:
    """For read modes whose rows are placed in days by one typed column, `self.column`: that column is
    the day column, is indexed (after the account), and must exist."""

    column: str
    name: str

    @property
    def day_column(self) -> str:
        return self.column

    def indexes(self, collection: Collection) -> tuple[Index, ...]:
        return (Index((self.column,)),)

    def validate(self, collection: Collection) -> None:
        require_column(collection, self.column, self.name)


# --- SQL pieces for scopes (alias `t` is the collection's table) ------------------------------


def column_in_range(column: str, start: dt.datetime, end: dt.datetime) -> sql.Composable:
    return sql.SQL("(t.{c} >= {s} and t.{c} < {e})").format(
        c=sql.Identifier(column), s=sql.Literal(start), e=sql.Literal(end)
    )


def column_in(column: str, values: Sequence[str]) -> sql.Composable:
    return sql.SQL("t.{} = any({})").format(sql.Identifier(column), sql.Literal(list(values)))


def column_is_null(column: str) -> sql.Composable:
    return sql.SQL("t.{} is null").format(sql.Identifier(column))


def both(first: sql.Composable, second: sql.Composable) -> sql.Composable:
    return sql.SQL("({} and {})").format(first, second)


EVERY_ROW = sql.SQL("true")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), UTC)
    return start, start + dt.timedelta(days=1)


def require_column(collection: Collection, name: str, mode: str) -> None:
    if name not in collection.column_names:
        raise ValueError(f"{collection.name}: read mode {mode} names column {name!r}, which is not a column")
