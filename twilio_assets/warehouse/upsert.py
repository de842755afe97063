"""Bulk upserts typed in SQL: a page's JSON goes to PostgreSQL as one value and is merged in one statement.

PostgreSQL unpacks the page (`jsonb_array_elements`), types every column with its own input functions
(RFC 2822 and ISO 8601 timestamps, numbers sent as strings), and merges with INSERT … ON CONFLICT.
Python never touches a value, which keeps the loader close to COPY's speed. A row is only rewritten
when Twilio's record differs from the stored one, so re-running a sync leaves every row exactly as it
was (including its bookkeeping columns).

Every key merged is remembered, with the label of the listing it came from, in a temporary table for
the transaction: what was not seen inside a read plan's scope is marked deleted, and the labels give
the per-listing counts the asset check compares with the rows stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg2
from psycopg2 import sql

from ..catalog import Collection
from .tables import TableRef, stats_table

RECORD = "e.r"  # the alias of one record in the merge statement


@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    revived: int = 0  # rows marked deleted earlier that Twilio lists again
    null_keys: int = 0

    def __iadd__(self, other: MergeCounts) -> MergeCounts:
        for name in ("inserted", "updated", "unchanged", "revived", "null_keys"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


class LoadRefused(ValueError):
    """PostgreSQL refused to type a value of the page (the message is PostgreSQL's)."""


class Merger:
    """Merges pages into one table inside the caller's transaction, for one account's read plan."""

    def __init__(
        self,
        cursor,
        table: TableRef,
        collection: Collection,
        run_id: str,
        account: str | None,
        *,
        may_revive: bool = True,
    ) -> None:
        """`may_revive` False (the table holds no deleted rows) spares each page the lookup of rows
        that come back: rows are only marked deleted after every page is merged."""
        self._cursor = cursor
        self._may_revive = may_revive
        self._table = table
        self._collection = collection
        self._run_id = run_id
        self._account = account
        self._key = sql.Identifier(collection.primary_key)
        self._seen = sql.Identifier(f"_seen_{collection.name}")
        cursor.execute(
            sql.SQL("create temp table {} (key text primary key, label text not null) on commit drop").format(
                self._seen
            )
        )
        self._merge_sql = self._build_merge_sql()

    def _typed_value(self, column) -> sql.Composable:
        if column.name == "account_sid" and self._collection.account_from_path:
            # The record does not name its account; the listing was of this account. `_raw` stays as sent.
            return sql.SQL("{}::text").format(sql.Literal(self._account))
        return sql.SQL(column.sql_value(RECORD))

    def _build_merge_sql(self) -> sql.Composed:
        collection = self._collection
        names = [*collection.column_names, "_raw"]
        cols = sql.SQL(", ").join(sql.Identifier(name) for name in names)
        typed = sql.SQL(", ").join(
            sql.SQL("{} as {}").format(self._typed_value(c), sql.Identifier(c.name)) for c in collection.columns
        )
        key = self._key
        updates = sql.SQL(", ").join(
            [sql.SQL("{0} = excluded.{0}").format(sql.Identifier(n)) for n in names if n != collection.primary_key]
            + [sql.SQL("_last_changed_at = excluded._last_changed_at, _deleted_at = null, _run_id = excluded._run_id")]
        )
        # All parts of one statement see the table as it was before it: `revived` counts rows that were
        # marked deleted (only asked when the table has any), `merged` writes only rows whose raw record
        # changed (or that come back).
        revived = (
            sql.SQL(
                "select count(*) from typed join {table} as old on old.{key} = typed.{key} "
                "where typed.{key} is not null and old._deleted_at is not null"
            ).format(table=self._table.sql, key=key)
            if self._may_revive
            else sql.SQL("select 0")
        )
        return sql.SQL(
            """
            with typed as materialized (
                select distinct on (1) {typed}, {record} as _raw
                from jsonb_array_elements(%(body)s::jsonb #> %(path)s) with ordinality as e(r, ord)
                order by 1, e.ord
            ), seen as (
                insert into {seen} (key, label) select {key}, %(label)s from typed where {key} is not null
                on conflict (key) do nothing
            ), merged as (
                insert into {table} as t ({cols}, _first_loaded_at, _last_changed_at, _deleted_at, _run_id)
                select {cols}, now(), now(), null, %(run_id)s from typed where {key} is not null
                on conflict ({key}) do update set {updates}
                where t._raw is distinct from excluded._raw or t._deleted_at is not null
                returning (xmax = 0) as inserted
            )
            select (select count({key}) from typed), (select count(*) - count({key}) from typed),
                   (select count(*) filter (where inserted) from merged), (select count(*) from merged),
                   ({revived})
            """
        ).format(
            typed=typed,
            record=sql.SQL(RECORD),
            key=key,
            seen=self._seen,
            table=self._table.sql,
            cols=cols,
            updates=updates,
            revived=revived,
        )

    def merge_page(self, body: str, list_key: str, label: str) -> MergeCounts:
        """Merge a page exactly as Twilio sent it (`body` is its JSON text; records under `list_key`)."""
        return self._merge(body, [list_key], label)

    def merge_records(self, records: Sequence[dict[str, Any]], label: str) -> MergeCounts:
        """Merge records that were changed or chosen in Python first (redacted, filtered, fetched one by one)."""
        if not records:
            return MergeCounts()
        return self._merge(orjson.dumps(records).decode(), [], label)

    def _merge(self, body: str, path: list[str], label: str) -> MergeCounts:
        try:
            self._cursor.execute(self._merge_sql, {"body": body, "path": path, "label": label, "run_id": self._run_id})
        except (psycopg2.DataError, psycopg2.IntegrityError) as exc:
            first_line = (exc.pgerror or str(exc)).strip().splitlines()[0]
            raise LoadRefused(first_line) from None
        distinct, null_keys, inserted, written, revived = self._cursor.fetchone()
        return MergeCounts(
            inserted=inserted,
            updated=written - inserted,
            unchanged=distinct - written,
            revived=revived,
            null_keys=null_keys,
        )

    # --- the scope: deletions, unseen rows, counts ------------------------------------------------

    def _in_scope(self, predicate: sql.Composable) -> sql.Composable:
        conditions = [sql.SQL("t._deleted_at is null"), predicate]
        if self._account is not None:
            conditions.insert(0, sql.SQL("t.account_sid = {}").format(sql.Literal(self._account)))
        return sql.SQL(" and ").join(conditions)

    def _unseen(self) -> sql.Composable:
        return sql.SQL("not exists (select 1 from {} s where s.key = t.{})").format(self._seen, self._key)

    def unseen_live_keys(self, predicate: sql.Composable) -> list[str]:
        self._cursor.execute(
            sql.SQL("select t.{} from {} as t where {} and {}").format(
                self._key, self._table.sql, self._in_scope(predicate), self._unseen()
            )
        )
        return [key for (key,) in self._cursor.fetchall()]

    def mark_missing_deleted(self, predicates: Sequence[sql.Composable]) -> int:
        """Stamp `_deleted_at` on live rows inside any of the predicates that this sync did not see.

        Only call once every listing of the scope is complete: a listing cut short must never look like
        deletions. No predicates (nothing could be read) marks nothing."""
        if not predicates:
            return 0
        self._cursor.execute(
            sql.SQL("update {} as t set _deleted_at = now(), _run_id = {} where {} and {}").format(
                self._table.sql,
                sql.Literal(self._run_id),
                self._in_scope(sql.SQL("({})").format(sql.SQL(" or ").join(predicates))),
                self._unseen(),
            )
        )
        return self._cursor.rowcount

    def listed_by_label(self) -> dict[str, int]:
        self._cursor.execute(sql.SQL("select label, count(*) from {} group by label").format(self._seen))
        return dict(self._cursor.fetchall())

    def live_rows(self, predicate: sql.Composable) -> int:
        self._cursor.execute(
            sql.SQL("select count(*) from {} as t where {}").format(self._table.sql, self._in_scope(predicate))
        )
        return self._cursor.fetchone()[0]

    def add_to_totals(self, live: int, deleted: int) -> None:
        """Keep the table's running totals (read for metadata without counting the table)."""
        if live or deleted:
            self._cursor.execute(
                sql.SQL("update {} set live = live + %s, deleted = deleted + %s where table_name = %s").format(
                    stats_table(self._table.schema)
                ),
                (live, deleted, self._table.name),
            )
