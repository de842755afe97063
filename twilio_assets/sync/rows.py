"""Records in Python: redaction before anything else sees a record, and the diagnosis of a bad one.

Rows are typed by PostgreSQL when a page is merged (`warehouse/upsert.py`). When PostgreSQL refuses a
value, `build_row` types the page's records here, value by value, to name the record, the column and
what is wrong with it."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, cast

from ..catalog import Collection, MalformedValue


class MalformedRecord(ValueError):
    """A record that cannot be stored as the catalogue describes it."""


def without_dropped_fields(collection: Collection, record: dict[str, Any]) -> dict[str, Any]:
    if not collection.drop_fields:
        return record
    return {k: v for k, v in record.items() if k not in collection.drop_fields}


def build_row(collection: Collection, record: Any, where: str) -> tuple[Any, ...]:
    """Typed column values followed by the record's JSON text; raises MalformedRecord naming the record,
    its key and the column at fault. `where` names the record's origin (page and URL)."""
    if not isinstance(record, dict):
        raise MalformedRecord(f"{collection.name}: {where} is a JSON {type(record).__name__}, not an object")
    record = without_dropped_fields(collection, record)
    key = record.get(collection.column(collection.primary_key).path[0])
    label = f"{collection.primary_key}={key}" if key else "without a key"
    try:
        values = tuple(column.extract(record) for column in collection.columns)
    except MalformedValue as exc:
        raise MalformedRecord(f"{collection.name}: record {label} ({where}): {exc}") from None
    if values[collection.column_names.index(collection.primary_key)] is None:
        raise MalformedRecord(
            f"{collection.name}: a record ({where}) has no {collection.primary_key!r}, its primary key"
        )
    return (*values, json.dumps(record, separators=(",", ":")))


@dataclass(frozen=True)
class Redaction:
    """Selective sync for one collection: properties dropped, and properties replaced by a keyed hash.

    Applied to each record as it arrives, before anything else sees it, so excluded values reach no
    column, no raw JSON, no log line and no error message. Hashes are HMAC-SHA256 with the instance's
    secret key: equal values still match across tables, but cannot be read back or guessed offline.
    """

    exclude: tuple[str, ...] = ()
    hashed: tuple[str, ...] = ()
    key: bytes | None = None

    def __post_init__(self) -> None:
        if self.hashed and not self.key:
            raise ValueError("hashing properties needs a secret key")

    def apply(self, record: Any) -> Any:
        if not isinstance(record, dict) or not (self.exclude or self.hashed):
            return record
        cleaned = {k: v for k, v in record.items() if k not in self.exclude}
        key = cast(bytes, self.key)  # set whenever properties are hashed (see __post_init__)
        for name in self.hashed:
            value = cleaned.get(name)
            if value not in (None, ""):
                text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                cleaned[name] = "hmac-sha256:" + hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
        return cleaned


NO_REDACTION = Redaction()
