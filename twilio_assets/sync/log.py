"""A per-schema log of syncs: which account of which collection was synced for which window, and when.

The table is created with the schema. One row per account per sync, written in the same transaction
as the data, so the log never claims a sync that did not land.
`select * from <schema>._twilio_sync_log order by finished_at desc` answers "when was this account
last synced?".
"""

from __future__ import annotations

from typing import Any

from psycopg2 import sql

from ..warehouse.tables import SYNC_LOG_TABLE
from ..window import Window


def record_sync(cursor, schema: str, run_id: str, collection: str, account: str, window: Window, counts: Any) -> None:
    table = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(SYNC_LOG_TABLE))
    cursor.execute(
        sql.SQL(
            "insert into {} (run_id, collection, account, window_start, window_end, fetched, inserted, updated, "
            "unchanged, deleted, pages) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        ).format(table),
        (
            run_id,
            collection,
            account,
            window.start,
            window.end,
            counts.fetched,
            counts.inserted,
            counts.updated,
            counts.unchanged,
            counts.deleted,
            counts.pages,
        ),
    )
