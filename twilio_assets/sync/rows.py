"""Records in Python: redaction before anything else sees a record, and the diagnosis of a bad one.

Rows are typed by PostgreSQL when a page is merged (`warehouse/upsert.py`). When PostgreSQL refuses a
value, `build_row` types the page's records here, value by value, to name the record, the column and
what is wrong with it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
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


# A URL's user-info (`scheme://user:password@host`): Twilio accepts HTTP basic-auth credentials in
# webhook URLs this way. The user-info runs to the last `@` before the path, as RFC 3986 parses it.
# `\\?/` also matches the escaped `\/` of JSON text and of JSON kept inside a string.
_URL_USER_INFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*:(?:\\?/){2})[^/?#\s\"'<>]*@")


def without_url_credentials(value: Any) -> Any:
    """`value` with the user-info of every URL in every string (nested ones too) removed:
    `https://user:password@example.com/hook` becomes `https://example.com/hook`. Unchanged parts are
    returned as they are, so a record without credentials is not copied."""
    if isinstance(value, str):
        return _URL_USER_INFO.sub(r"\g<scheme>", value) if "@" in value else value
    if isinstance(value, dict):
        cleaned = {key: without_url_credentials(item) for key, item in value.items()}
        return value if all(cleaned[key] is item for key, item in value.items()) else cleaned
    if isinstance(value, list):
        items = [without_url_credentials(item) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    return value


def may_carry_url_credentials(page_text: str | None) -> bool:
    """False only when a page's JSON text certainly holds no URL with user-info, so its records can go
    to PostgreSQL untouched. Escaped characters (`\\u0040` is `@`) are not decoded here: a page with
    any is checked record by record."""
    return page_text is None or "\\u00" in page_text or _URL_USER_INFO.search(page_text) is not None


def _at_path(value: Any, path: tuple[str, ...], change: Callable[[dict[str, Any], str], dict[str, Any]]) -> Any:
    """`value` with `change(mapping, last_key)` applied where `path` ends; a list on the way applies it
    to each of its items. Returns `value` itself when nothing is there."""
    if isinstance(value, list):
        items = [_at_path(item, path, change) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if not isinstance(value, dict) or path[0] not in value:
        return value
    if len(path) == 1:
        return change(value, path[0])
    inner = _at_path(value[path[0]], path[1:], change)
    return value if inner is value[path[0]] else {**value, path[0]: inner}


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


@dataclass(frozen=True)
class Redaction:
    """What is taken out of each record of one collection as it arrives, before anything else sees it.

    Always: the user-info (user and password) of every URL in every string, nested ones included.
    Configured (`exclude_properties`, `hash_properties`): properties dropped, and properties replaced by
    a keyed hash, each named by a dotted path (`context.flow.data`; a list on the way applies the rest
    of the path to each of its items).

    So excluded values and URL passwords reach no column, no raw JSON, no log line and no error
    message. Hashes are HMAC-SHA256 with the instance's secret key: equal values still match across
    tables, but cannot be read back or guessed offline.
    """

    exclude: tuple[str, ...] = ()
    hashed: tuple[str, ...] = ()
    key: bytes | None = None

    def __post_init__(self) -> None:
        if self.hashed and not self.key:
            raise ValueError("hashing properties needs a secret key")

    @property
    def configured(self) -> bool:
        """True when properties are excluded or hashed (every record must then pass through Python)."""
        return bool(self.exclude or self.hashed)

    def apply(self, record: Any, *, may_carry_url_credentials: bool = True) -> Any:
        """The record as it may be stored; the input is never modified. `may_carry_url_credentials=False`
        (the page's text was checked) skips the walk over every string."""
        if not isinstance(record, dict):
            return record
        cleaned: Any = record
        for path in self.exclude:
            cleaned = _at_path(cleaned, tuple(path.split(".")), _without)
        if may_carry_url_credentials:
            cleaned = without_url_credentials(cleaned)
        for path in self.hashed:
            cleaned = _at_path(cleaned, tuple(path.split(".")), self._hash_value)
        return cleaned

    def _hash_value(self, mapping: dict[str, Any], name: str) -> dict[str, Any]:
        value = mapping[name]
        if value in (None, ""):
            return mapping
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        digest = hmac.new(cast(bytes, self.key), text.encode(), hashlib.sha256).hexdigest()
        return {**mapping, name: "hmac-sha256:" + digest}


NO_REDACTION = Redaction()
