"""Bulk upserts: each page is COPYed into a staging table, then merged with INSERT … ON CONFLICT.

A row is only rewritten when Twilio's record differs from the stored one, so re-running a sync
leaves every row exactly as it was (including its bookkeeping columns).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from psycopg2 import sql

from ..catalog import Collection
from .tables import TableRef



@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: "MergeCounts") -> "MergeCounts":
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


class Merger:
    """Merges pages of typed rows into one table inside the caller's transaction."""

    def __init__(self, cursor, table: TableRef, collection: Collection, run_id: str) -> None:
        self._cursor = cursor
        self._table = table
        self._collection = collection
        self._run_id = run_id
        self._columns = [*collection.column_names, "_raw"]
        # Staging tables are per collection and live only for this transaction.
        self._stage = sql.Identifier(f"_stage_{collection.name}")
        self._seen = sql.Identifier(f"_seen_{collection.name}")
        stage_columns = [
            sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.kind.pg_type)) for c in collection.columns
        ]
        cursor.execute(
            sql.SQL("create temp table {} ({}, _raw jsonb, _ord bigint) on commit drop").format(
                self._stage, sql.SQL(", ").join(stage_columns)
            )
        )
        cursor.execute(sql.SQL("create temp table {} (key text primary key) on commit drop").format(self._seen))
        self._merge_sql = self._build_merge_sql()

    def _build_merge_sql(self) -> sql.Composed:
        cols = [sql.Identifier(name) for name in self._columns]
        key = sql.Identifier(self._collection.primary_key)
        updates = [
            sql.SQL("{} = excluded.{}").format(c, c) for c in cols if c != key
        ] + [
            sql.SQL("_last_changed_at = excluded._last_changed_at"),
            sql.SQL("_deleted_at = null"),
            sql.SQL("_run_id = excluded._run_id"),
        ]
        return sql.SQL(
            """
            insert into {table} as t ({cols}, _first_loaded_at, _last_changed_at, _deleted_at, _run_id)
            select distinct on ({key}) {cols}, now(), now(), null, %(run_id)s
            from {stage}
            order by {key}, _ord
            on conflict ({key}) do update set {updates}
            where t._raw is distinct from excluded._raw or t._deleted_at is not null
            returning (xmax = 0) as inserted
            """
        ).format(
            table=self._table.sql,
            cols=sql.SQL(", ").join(cols),
            key=key,
            stage=self._stage,
            updates=sql.SQL(", ").join(updates),
        )

    def merge(self, rows: Sequence[Sequence[Any]]) -> MergeCounts:
        """Merge one page. Each row holds the collection's typed values then the raw JSON text."""
        if not rows:
            return MergeCounts()
        cursor = self._cursor
        cursor.execute(sql.SQL("truncate {}").format(self._stage))
        # CSV through the C writer: None becomes an unquoted empty field, which COPY reads as NULL
        # (values are never "", the column kinds turn blanks into None); datetimes, numbers and
        # booleans are written with str(), which PostgreSQL reads back exactly.
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows((*row, ordinal) for ordinal, row in enumerate(rows))
        buffer.seek(0)
        copy = sql.SQL("copy {} ({}, _ord) from stdin with (format csv)").format(
            self._stage, sql.SQL(", ").join(sql.Identifier(c) for c in self._columns)
        )
        cursor.copy_expert(copy.as_string(cursor), buffer)
        cursor.execute(self._merge_sql, {"run_id": self._run_id})
        outcomes = [inserted for (inserted,) in cursor.fetchall()]
        key = sql.Identifier(self._collection.primary_key)
        cursor.execute(
            sql.SQL("insert into {seen} (key) select distinct {key} from {stage} on conflict do nothing").format(
                seen=self._seen, key=key, stage=self._stage
            )
        )
        cursor.execute(sql.SQL("select count(distinct {}) from {}").format(key, self._stage))
        (distinct,) = cursor.fetchone()
        inserted = sum(1 for o in outcomes if o)
        updated = len(outcomes) - inserted
        return MergeCounts(inserted=inserted, updated=updated, unchanged=distinct - inserted - updated)

    def mark_missing_deleted(
        self,
        *,
        account_sids: Iterable[str] | None,
        window: tuple[dt.datetime, dt.datetime] | None,
        within: tuple[str, Sequence[str]] | None = None,
    ) -> int:
        """Stamp `_deleted_at` on rows of the synced scope that this sync did not see.

        Only call after the scope's listing completed: a listing cut short must never look like deletions.
        account_sids None means every account (the account list itself); window None means every date;
        `within` (column, values) limits the scope to rows whose column holds one of the values.
        """
        conditions = [sql.SQL("t._deleted_at is null")]
        params: dict[str, Any] = {}
        if account_sids is not None:
            conditions.append(sql.SQL("t.account_sid = any(%(accounts)s)"))
            params["accounts"] = list(account_sids)
        if window is not None:
            column = sql.Identifier(self._collection.window_column or "")
            conditions.append(sql.SQL("t.{} >= %(start)s and t.{} < %(end)s").format(column, column))
            params["start"], params["end"] = window
        if within is not None:
            column_name, values = within
            conditions.append(sql.SQL("t.{} = any(%(within)s)").format(sql.Identifier(column_name)))
            params["within"] = list(values)
        key = sql.Identifier(self._collection.primary_key)
        self._cursor.execute(
            sql.SQL(
                "update {table} as t set _deleted_at = now(), _run_id = %(run_id)s where {conditions} "
                "and not exists (select 1 from {seen} s where s.key = t.{key})"
            ).format(
                table=self._table.sql,
                conditions=sql.SQL(" and ").join(conditions),
                seen=self._seen,
                key=key,
            ),
            {**params, "run_id": self._run_id},
        )
        return self._cursor.rowcount
