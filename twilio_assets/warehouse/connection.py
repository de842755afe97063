"""Connecting to the warehouse with libpq's own settings (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)."""

from __future__ import annotations

from typing import Any

import psycopg2
import psycopg2.extensions

# libpq's words for mistakes in the settings: retrying cannot help with these.
_SETTINGS_MISTAKES = ("authentication failed", "does not exist", "no pg_hba.conf entry", "invalid ")


class WarehouseSettingsError(ValueError):
    """The server answered, and refused these settings (user, password, database)."""


class WarehouseUnreachable(ConnectionError):
    """No server answered (it is down, restarting, or the address is wrong): worth retrying."""


def connect(**overrides: Any) -> psycopg2.extensions.connection:
    """Open a connection. Settings left as None fall back to the PG* environment variables, which
    libpq reads itself, so the usual PostgreSQL setup works unchanged."""
    settings = {name: value for name, value in overrides.items() if value not in (None, "")}
    settings.setdefault("application_name", "twilio_assets")
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
