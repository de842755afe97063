"""Column kinds: how one Twilio JSON value becomes one typed PostgreSQL value.

Twilio's wire formats are uneven (RFC 2822 dates in v2010, ISO 8601 in Insights, numbers sent as
strings, prices as strings or numbers, "" for an absent SID). Each kind names the PostgreSQL type
and the parser that turns the wire value into a Python value psycopg2 can load.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


class MalformedValue(ValueError):
    """A value that does not have the shape its column kind expects."""


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _text(value: Any) -> str | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise MalformedValue(f"expected a string, got {type(value).__name__}")
    return str(value)


def _rfc2822(value: Any) -> dt.datetime | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedValue(f"expected an RFC 2822 date string, got {value!r}")
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise MalformedValue(f"not an RFC 2822 date: {value!r}") from exc
    # Twilio documents these as GMT; a date without a zone is taken as UTC, as twilio-python does.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _iso8601(value: Any) -> dt.datetime | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedValue(f"expected an ISO 8601 timestamp, got {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedValue(f"not an ISO 8601 timestamp: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _integer(value: Any) -> int | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, bool):
        raise MalformedValue(f"expected an integer, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise MalformedValue(f"not an integer: {value!r}") from exc
    if number != number.to_integral_value():
        raise MalformedValue(f"not a whole number: {value!r}")
    return int(number)


def _numeric(value: Any) -> Decimal | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, bool):
        raise MalformedValue(f"expected a number, got {value!r}")
    try:
        # str() first so a float price keeps the digits Twilio sent, not binary noise.
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise MalformedValue(f"not a number: {value!r}") from exc
    if not number.is_finite():
        raise MalformedValue(f"not a finite number: {value!r}")
    return number


def _boolean(value: Any) -> bool | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise MalformedValue(f"expected a boolean, got {value!r}")


def _date(value: Any) -> dt.date | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedValue(f"expected a YYYY-MM-DD date, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise MalformedValue(f"not a YYYY-MM-DD date: {value!r}") from exc


def _key(value: Any) -> str | None:
    # The value of a composed key is built by Column.extract; here it only has to be present.
    return _text(value)


def _jsonb(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"))


# How the loader types a value in SQL, from the record's jsonb: `{text}` is the value as text
# (`record #>> path`), `{json}` the value as jsonb (`record #> path`). PostgreSQL's own input
# functions read Twilio's formats: RFC 2822 and ISO 8601 timestamps, numbers sent as strings.
_SQL_AS_TEXT = "nullif({text}, '')"
_SQL_CAST = "nullif({text}, '')::{type}"
_SQL_JSON = "nullif({json}, 'null'::jsonb)"


@dataclass(frozen=True)
class Kind:
    """A column kind: its PostgreSQL type, how the loader types it in SQL, and a Python parser that
    names exactly what is wrong with a value the SQL typing refused."""

    name: str
    pg_type: str
    parse: Callable[[Any], Any]
    sql_template: str


TEXT = Kind("text", "text", _text, _SQL_AS_TEXT)
SID = Kind("sid", "text", _text, _SQL_AS_TEXT)  # a Twilio SID; "" means absent and becomes NULL
RFC2822 = Kind("rfc2822", "timestamptz", _rfc2822, _SQL_CAST)
ISO8601 = Kind("iso8601", "timestamptz", _iso8601, _SQL_CAST)
INTEGER = Kind("integer", "bigint", _integer, _SQL_CAST)
NUMERIC = Kind("numeric", "numeric", _numeric, _SQL_CAST)
BOOLEAN = Kind("boolean", "boolean", _boolean, _SQL_CAST)
JSONB = Kind("jsonb", "jsonb", _jsonb, _SQL_JSON)
DATE = Kind("date", "date", _date, _SQL_CAST)  # a calendar day as Twilio sends it, YYYY-MM-DD
# A key composed of several fields, for records without a SID (usage records): the fields' text joined by '|'.
KEY = Kind("key", "text", _key, "{text}")

KINDS = {kind.name: kind for kind in (TEXT, SID, RFC2822, ISO8601, INTEGER, NUMERIC, BOOLEAN, JSONB, DATE, KEY)}
KEY_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    """One typed warehouse column, read from `source` (a dotted path into the record; default: `name`)."""

    name: str
    kind: Kind
    description: str = ""
    source: str | None = None
    path: tuple[str, ...] = field(init=False, repr=False, compare=False)

    # For a composed key (`usage_key=account_sid+category+start_date+end_date:key`): the fields it joins.
    composed_of: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: extract() runs for every value of every record.
        source = self.source or self.name
        composed = tuple(source.split("+")) if self.kind is KEY else ()
        if self.kind is KEY and len(composed) < 2:
            raise ValueError(f"column {self.name!r}: a key column names two or more fields joined by '+'")
        object.__setattr__(self, "composed_of", composed)
        object.__setattr__(self, "path", (composed[0],) if composed else tuple(source.split(".")))
        if not all(part.replace("_", "").isalnum() for part in (*self.path, *composed)):
            raise ValueError(f"column {self.name!r}: source path {self.path} must be plain field names")

    def sql_value(self, record: str) -> str:
        """SQL typing this column's value from the jsonb expression `record` (a trusted alias)."""
        if self.composed_of:
            fields = ", ".join(f"coalesce({record} ->> '{name}', '')" for name in self.composed_of)
            return f"concat_ws('{KEY_SEPARATOR}', {fields})"
        path = "{" + ",".join(self.path) + "}"
        literal = "'" + path.replace("'", "''") + "'"
        return self.kind.sql_template.format(
            text=f"({record} #>> {literal})", json=f"({record} #> {literal})", type=self.kind.pg_type
        )

    def extract(self, record: dict[str, Any]) -> Any:
        if self.composed_of:
            return KEY_SEPARATOR.join(_key_part(record.get(name)) for name in self.composed_of)
        if len(self.path) == 1:
            value = record.get(self.path[0])
        else:
            value = record
            for part in self.path:
                if not isinstance(value, dict):
                    return None
                value = value.get(part)
        try:
            return self.kind.parse(value)
        except MalformedValue as exc:
            raise MalformedValue(f"column {self.name!r} ({self.kind.name}): {exc}") from None


def columns(spec: str, **descriptions: str) -> tuple[Column, ...]:
    """Build columns from a compact `name:kind` list, one per line or space separated.

    `from_:text` style names are not needed: Twilio field names are used verbatim and quoted in SQL.
    A `name=source.path:kind` entry reads a nested value (used for Insights annotations).
    """
    built = []
    for token in spec.split():
        target, kind_name = token.rsplit(":", 1)
        name, _, source = target.partition("=")
        if kind_name not in KINDS:
            raise ValueError(f"unknown column kind {kind_name!r} in {token!r}")
        built.append(Column(name, KINDS[kind_name], descriptions.get(name, ""), source or None))
    return tuple(built)


def _key_part(value: Any) -> str:
    # The same text as SQL's `record ->> name`: strings as they are, other JSON values as JSON.
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": ")) if isinstance(value, (dict, list)) else json.dumps(value)
