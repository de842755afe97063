"""Connecting to the warehouse with libpq's own settings (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).

Every connection gets bounds, so a stuck network or a lock held elsewhere ends in a clear error
instead of a step that hangs: a connect timeout (libpq's `PGCONNECT_TIMEOUT`, 10 s by default), TCP
keepalives (a peer that vanished is noticed in about a minute), and a `statement_timeout` and a
`lock_timeout` for the sync's own statements (`TWILIO_WAREHOUSE_STATEMENT_TIMEOUT`, 15 minutes, and
`TWILIO_WAREHOUSE_LOCK_TIMEOUT`, 2 minutes by default, in PostgreSQL's units; `0` turns one off).
Options already in `PGOPTIONS` come later on the server's command line, so they win (dbt's own
ceiling, `dbt/ceiling.py`, arrives that way).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import psycopg2
import psycopg2.extensions

STATEMENT_TIMEOUT_ENV = "TWILIO_WAREHOUSE_STATEMENT_TIMEOUT"
LOCK_TIMEOUT_ENV = "TWILIO_WAREHOUSE_LOCK_TIMEOUT"
# A sync's statements are page-sized merges: seconds each. The bounds only catch the stuck ones.
DEFAULT_STATEMENT_TIMEOUT = "15min"
DEFAULT_LOCK_TIMEOUT = "2min"
DEFAULT_CONNECT_TIMEOUT_SECONDS = "10"
# Idle 30 s, then a probe every 10 s; 3 unanswered probes drop the connection.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
# The setting of each timeout, by the PostgreSQL parameter it sets.
TIMEOUT_SETTINGS = {"statement_timeout": STATEMENT_TIMEOUT_ENV, "lock_timeout": LOCK_TIMEOUT_ENV}

_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|min|h|d)?\s*$")

# libpq's words for mistakes in the settings: retrying cannot help with these.
_SETTINGS_MISTAKES = ("authentication failed", "does not exist", "no pg_hba.conf entry", "invalid ")


class WarehouseSettingsError(ValueError):
    """The server answered, and refused these settings (user, password, database)."""


class WarehouseUnreachable(ConnectionError):
    """No server answered (it is down, restarting, or the address is wrong): worth retrying."""


def postgres_duration(variable: str, value: str) -> str:
    """`value` checked as a PostgreSQL duration (`90s`, `30min`, `2h`; a bare number is milliseconds)."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(
            f"{variable}={value!r} is not a duration. Fix: a whole number with one of PostgreSQL's units, "
            "e.g. 90s, 30min or 2h (0 turns it off)."
        )
    number, unit = match.groups()
    return f"{int(number)}{unit or 'ms'}"


def timeouts(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The statement and lock timeouts every sync connection gets, from the environment, checked."""
    environ = os.environ if environ is None else environ
    defaults = {"statement_timeout": DEFAULT_STATEMENT_TIMEOUT, "lock_timeout": DEFAULT_LOCK_TIMEOUT}
    return {
        parameter: postgres_duration(variable, environ.get(variable, "").strip() or defaults[parameter])
        for parameter, variable in TIMEOUT_SETTINGS.items()
    }


def connection_settings(overrides: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What `connect` hands libpq: the overrides that are set, plus the bounds above."""
    environ = os.environ if environ is None else environ
    settings = {name: value for name, value in overrides.items() if value not in (None, "")}
    settings.setdefault("application_name", "twilio_assets")
    if not environ.get("PGCONNECT_TIMEOUT"):
        settings.setdefault("connect_timeout", DEFAULT_CONNECT_TIMEOUT_SECONDS)
    for name, value in KEEPALIVES.items():
        settings.setdefault(name, value)
    # `options` replaces PGOPTIONS for libpq, so the user's PGOPTIONS (and an explicit `options`) are
    # appended after ours: the last -c of a parameter is the one the server applies.
    ours = " ".join(f"-c {parameter}={value}" for parameter, value in timeouts(environ).items())
    theirs = [environ.get("PGOPTIONS", "").strip(), str(settings.get("options") or "").strip()]
    settings["options"] = " ".join([ours, *(part for part in theirs if part)])
    return settings


def connect(**overrides: Any) -> psycopg2.extensions.connection:
    """Open a connection. Settings left as None fall back to the PG* environment variables, which
    libpq reads itself, so the usual PostgreSQL setup works unchanged."""
    settings = connection_settings(overrides)
    try:
        return psycopg2.connect(**settings)
    except psycopg2.OperationalError as exc:
        where = ", ".join(f"{k}={v}" for k, v in settings.items() if k in ("host", "port", "dbname", "user"))
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fix = (
            "Fix: set PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE (or the warehouse resource's "
            "fields) to a server you can reach."
        )
        if any(mistake in first_line for mistake in _SETTINGS_MISTAKES):
            raise WarehouseSettingsError(
                f"the PostgreSQL warehouse ({where or 'libpq defaults'}) refused the connection: {first_line}. {fix}"
            ) from None
        raise WarehouseUnreachable(
            f"cannot connect to the PostgreSQL warehouse ({where or 'libpq defaults'}): {first_line}. {fix}"
        ) from None


def close_quietly(connection: psycopg2.extensions.connection | None) -> None:
    """Close a connection that may already be dead (after a restart, closing it can itself fail)."""
    if connection is not None:
        try:
            connection.close()
        except psycopg2.Error:
            pass
