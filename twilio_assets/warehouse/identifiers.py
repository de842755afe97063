"""SQL identifiers that come from users (schema names) are checked before they reach any SQL."""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_RESERVED_PREFIXES = ("pg_",)
_RESERVED_NAMES = {"information_schema", "public"}


class InvalidIdentifier(ValueError):
    pass


def validate_schema_name(name: object) -> str:
    """Return `name` if it is a plain lower-case PostgreSQL identifier we may create and own.

    Quoting would make any string legal, but a schema name also becomes a Dagster asset key and a dbt
    source name, so only plain identifiers are accepted.
    """
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise InvalidIdentifier(
            f"schema name {name!r} is not allowed: use 1 to 63 characters of lower-case letters, digits "
            "and underscores, starting with a letter or underscore (for example twilio_prod)"
        )
    if name in _RESERVED_NAMES or name.startswith(_RESERVED_PREFIXES):
        raise InvalidIdentifier(
            f"schema name {name!r} is reserved by PostgreSQL or shared by other tools: choose a name of "
            "your own, for example twilio_prod"
        )
    return name
