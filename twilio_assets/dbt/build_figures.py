"""What a dbt build left in its bookkeeping about each table, for the Dagster assets' metadata.

Incremental models and snapshots keep their row count in `twilio_dbt.incremental_watermarks` as they
build (dbt_project/macros/incremental.sql), so a tick reads one row instead of counting a table that
holds the whole history; the change log says how many keys the last build rewrote. Plain tables
(small lists of what exists now, rebuilt in full anyway) are counted; views are not, since counting
one runs its query over the raw tables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from psycopg2 import sql

STATE_SCHEMA = "twilio_dbt"  # the profile's own schema (dbt_project/profiles.yml)
# profiles.yml's defaults for the PG* variables, so Python reaches the database dbt wrote to.
PROFILE_DEFAULTS = {"PGHOST": "127.0.0.1", "PGPORT": "55432", "PGUSER": "postgres", "PGDATABASE": "warehouse"}


@dataclass(frozen=True)
class BuildFigures:
    row_count: int | None
    keys_rewritten: int | None = None  # incremental models: keys the last build rewrote
    full_build: bool | None = None  # incremental models: the last build rebuilt every key

    def as_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        if self.row_count is not None:
            metadata["dagster/row_count"] = self.row_count
        if self.full_build is not None:
            metadata["full_build"] = self.full_build
        if self.keys_rewritten is not None and not self.full_build:
            metadata["keys_rewritten"] = self.keys_rewritten
        return metadata


def profile_connection_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    settings = {name: environ.get(name) or default for name, default in PROFILE_DEFAULTS.items()}
    keys = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGDATABASE": "dbname"}
    return {keys[name]: value for name, value in settings.items()}


def figures_for(cursor, node: Mapping[str, Any]) -> BuildFigures | None:
    """The figures of one built node (a manifest entry), or None for views and unknown kinds."""
    materialized = node.get("config", {}).get("materialized")
    if node.get("resource_type") == "snapshot" or materialized == "incremental":
        cursor.execute("select to_regclass(%s) is not null", (f"{STATE_SCHEMA}.incremental_watermarks",))
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            sql.SQL(
                """
                select watermark.row_count, count(changes.key), count(*) filter (where changes.key is null) > 0
                from {state}.incremental_watermarks as watermark
                left join {state}.incremental_changes as changes
                    on changes.model = watermark.model and changes.changed_at = watermark.built_at
                where watermark.model = %s
                group by watermark.row_count
                """
            ).format(state=sql.Identifier(STATE_SCHEMA)),
            (node["name"],),
        )
        found = cursor.fetchone()
        if found is None:
            return None
        row_count, rewritten, full = found
        if node.get("resource_type") == "snapshot":
            return BuildFigures(row_count=row_count)
        # Models keyed by several columns log no keys, only their rows.
        logs_keys = isinstance(node.get("config", {}).get("unique_key"), str)
        return BuildFigures(row_count=row_count, keys_rewritten=rewritten if logs_keys else None, full_build=full)
    if materialized == "table":
        relation = sql.Identifier(node["schema"], node.get("alias") or node["name"])
        cursor.execute(sql.SQL("select count(*) from {}").format(relation))
        return BuildFigures(row_count=cursor.fetchone()[0])
    return None
