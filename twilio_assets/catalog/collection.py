"""What a collection is: the declarative description the generic sync engine works from."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..read_modes import ReadMode
from .columns import Column
from .glossary import describe


def _glossary_text(collection: str, column: str) -> str:
    try:
        return describe(collection, column)
    except KeyError:
        return ""


class Api(enum.Enum):
    """The Twilio host a collection is read from (its value names it in `Hosts.for_api`)."""

    V2010 = "api"
    INSIGHTS = "insights"
    MESSAGING = "messaging"
    CONVERSATIONS = "conversations"
    STUDIO = "studio"
    VERIFY = "verify"
    MONITOR = "monitor"
    TRUNKING = "trunking"
    TASKROUTER = "taskrouter"


@dataclass(frozen=True)
class Collection:
    """One Twilio collection, as data. The engine derives requests, DDL and upserts from it.

    path: URL path; `{account_sid}` is filled per account, `{parent_sid}` per parent record.
    read: how a window is read (a read mode from `twilio_assets.read_modes`): its listings, filters,
        the column that places a row in a day, and the scope in which unseen rows count as deleted.
    keep: optional predicate; records it rejects are not loaded (e.g. summaries with no annotation).
    drop_fields: fields never stored anywhere, not even in the raw JSON (e.g. `auth_token`).
    raw_only_fields: fields Twilio sends that have no column: kept in the raw JSON only. With the columns'
        sources and drop_fields they are every field of the record (a test holds this to Twilio's specs),
        which is what `exclude_properties` and `hash_properties` may name.
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
    params: dict[str, str] = field(default_factory=dict)
    keep: Callable[[dict[str, Any]], bool] | None = None
    drop_fields: tuple[str, ...] = ()
    raw_only_fields: tuple[str, ...] = ()
    per_account: bool = True
    # Insights has no account in its paths: a subaccount is chosen with a query parameter.
    subaccount_param: str | None = None
    # The product it belongs to, which groups its assets in the Dagster UI (voice, messaging, usage, ...).
    product: str = "account"
    # Records that do not name their account (API keys): `account_sid` is the account in the request's path.
    account_from_path: bool = False

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names")
        if self.primary_key not in names:
            raise ValueError(f"{self.name}: primary key {self.primary_key!r} is not a column")
        if not isinstance(self.read, ReadMode):
            raise ValueError(f"{self.name}: read must be a read mode from twilio_assets.read_modes")
        self.read.validate(self)
        if self.account_from_path and ("{account_sid}" not in self.path or "account_sid" not in names):
            raise ValueError(
                f"{self.name}: account_from_path needs an account_sid column and {{account_sid}} in the path"
            )
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

    def key_of(self, record: dict[str, Any]) -> Any:
        """The primary key of a record as Twilio sends it (composed keys included), as the table stores it."""
        return self.column(self.primary_key).extract(record)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def day_column(self) -> str | None:
        """The column whose UTC day places a row in a daily partition (None for whole-list reads)."""
        return self.read.day_column
