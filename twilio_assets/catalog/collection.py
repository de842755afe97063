"""What a collection is: the declarative description the generic sync engine works from."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .columns import Column
from .glossary import describe


def _glossary_text(collection: str, column: str) -> str:
    try:
        return describe(collection, column)
    except KeyError:
        return ""


class ReadMode(enum.Enum):
    """How a time window of a collection is read from Twilio."""

    # v2010 equality filter on one UTC day (`StartTime=YYYY-MM-DD`), one listing per day in the window.
    DAY_FILTER = "day_filter"
    # Insights ISO 8601 range (`StartTime=…&EndTime=…`), one listing for the whole window.
    TIME_RANGE = "time_range"
    # No server-side date filter, but Twilio lists newest first: read from the top and stop at the
    # first record older than the window, keeping only records inside it.
    NEWEST_FIRST_SCAN = "newest_first_scan"
    # No date filter and a small collection: read it whole on every run (its current state wins).
    FULL = "full"
    # One listing per record of a parent collection inside the window (Insights participants per
    # conference).
    PER_PARENT = "per_parent"


class Api(enum.Enum):
    V2010 = "api"
    INSIGHTS = "insights"


@dataclass(frozen=True)
class Parent:
    """For PER_PARENT collections: which listing yields the parents and which field names them."""

    path: str
    list_key: str
    key_field: str
    date_params: tuple[str, str]  # ISO range parameters on the parent listing


@dataclass(frozen=True)
class Collection:
    """One Twilio collection, as data. The engine derives requests, DDL and upserts from it.

    path: URL path; `{account_sid}` is filled per account, `{parent_sid}` per parent record.
    date_params: the filter parameter names the read mode uses (one for DAY_FILTER, start and end for
        TIME_RANGE).
    window_column: the typed column whose UTC time decides which window a row belongs to; used to
        scan newest-first listings and to find rows Twilio no longer lists (deletions).
    keep: optional predicate; records it rejects are not loaded (e.g. summaries with no annotation).
    drop_fields: fields never stored anywhere, not even in the raw JSON (e.g. `auth_token`).
    per_account: False for listings that are not per account (the account list itself).
    """

    name: str
    description: str
    api: Api
    path: str
    list_key: str
    primary_key: str
    columns: tuple[Column, ...]
    read: ReadMode
    window_column: str | None
    date_params: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    parent: Parent | None = None
    keep: Callable[[dict[str, Any]], bool] | None = None
    drop_fields: tuple[str, ...] = ()
    per_account: bool = True
    # Insights has no account in its paths: a subaccount is chosen with a query parameter.
    subaccount_param: str | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names")
        if self.primary_key not in names:
            raise ValueError(f"{self.name}: primary key {self.primary_key!r} is not a column")
        if self.window_column is not None and self.window_column not in names:
            raise ValueError(f"{self.name}: window column {self.window_column!r} is not a column")
        needs_params = {ReadMode.DAY_FILTER: 1, ReadMode.TIME_RANGE: 2}
        if len(self.date_params) != needs_params.get(self.read, 0):
            raise ValueError(f"{self.name}: {self.read.value} takes {needs_params.get(self.read, 0)} date params")
        if self.read in (ReadMode.NEWEST_FIRST_SCAN, ReadMode.DAY_FILTER, ReadMode.TIME_RANGE) and not self.window_column:
            raise ValueError(f"{self.name}: {self.read.value} needs a window column")
        if (self.read is ReadMode.PER_PARENT) != (self.parent is not None):
            raise ValueError(f"{self.name}: a parent goes with read mode per_parent, and only with it")
        if self.per_account and "{account_sid}" not in self.path and not self.subaccount_param:
            raise ValueError(f"{self.name}: a per-account collection names the account in its path or a parameter")
        # Column descriptions live in one place, the glossary (tests keep it complete).
        described = tuple(
            column if column.description else replace(column, description=_glossary_text(self.name, column.name))
            for column in self.columns
        )
        object.__setattr__(self, "columns", described)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def windowed(self) -> bool:
        """True when a run reads only the partition window; False when it reads the whole collection."""
        return self.read is not ReadMode.FULL
