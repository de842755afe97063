"""Connecting to the warehouse with libpq's own settings (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)."""

from __future__ import annotations

from typing import Any

import psycopg2
import psycopg2.extensions


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
        raise ConnectionError(
            f"cannot connect to the PostgreSQL warehouse ({where or 'libpq defaults'}): {first_line}. "
            "Fix: set PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE (or the warehouse resource's "
            "fields) to a server you can reach."
        ) from None
