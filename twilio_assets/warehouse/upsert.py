"""Bulk upserts typed in SQL: a page's JSON goes to PostgreSQL as one value and is merged in one statement.

PostgreSQL unpacks the page (`jsonb_array_elements`), types every column with its own input functions
(RFC 2822 and ISO 8601 timestamps, numbers sent as strings), and merges with INSERT … ON CONFLICT.
Python never touches a value, which keeps the loader close to COPY's speed. A row is only rewritten
when Twilio's record differs from the stored one, so re-running a sync leaves every row exactly as it
was (including its bookkeeping columns).

Every key merged is remembered, with the label of the listing it came from, in a temporary table for
the transaction: what was not seen inside a read plan's scope is marked deleted (or, when the deletion
safeguard holds it back, waits in the pending-deletions table), and the labels give the per-listing
counts the asset check compares with the rows stored. A record PostgreSQL refuses can be found with
`refusal()` without disturbing the transaction, and is set aside in the rejects table by its key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg2
from psycopg2 import sql

from ..catalog import Collection
from .tables import PENDING_DELETIONS_TABLE, REJECTS_TABLE, TableRef, schema_table, stats_table

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
    """PostgreSQL refused to store a record of the page (the message is PostgreSQL's). `recovered`: the
    merge ran under a savepoint, so the transaction goes on (without that page); otherwise it is aborted."""

    def __init__(self, message: str, *, recovered: bool = False) -> None:
        super().__init__(message)
        self.recovered = recovered


@dataclass(frozen=True)
class PartCensus:
    """One part of a read plan's scope, before its deletions: its live rows, how many of them this sync
    did not see, and how many of those an earlier sync already held back (this one confirms them)."""

    live: int
    vanishing: int
    confirmed: int

    @property
    def unconfirmed(self) -> int:
        return self.vanishing - self.confirmed


def refusal_reason(error: psycopg2.Error) -> str:
    """PostgreSQL's own words for a refused value: the message and its detail, not the context (which
    quotes the surrounding JSON)."""
    diag = error.diag
    primary = diag.message_primary or (error.pgerror or str(error)).strip().splitlines()[0]
    return f"{primary} ({diag.message_detail.rstrip('.')})" if diag.message_detail else primary


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
        # Rows of this table and account in the schema's pending-deletions and rejects tables.
        self._bookkeeping = {"table_name": table.name, "account": account or ""}
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

    def merge_page(self, body: str, list_key: str, label: str, *, guarded: bool = False) -> MergeCounts:
        """Merge a page exactly as Twilio sent it (`body` is its JSON text; records under `list_key`).
        `guarded`: under a savepoint, so that a refused page leaves the transaction usable."""
        return self._merge(body, [list_key], label, guarded)

    def merge_records(self, records: Sequence[dict[str, Any]], label: str, *, guarded: bool = False) -> MergeCounts:
        """Merge records that were changed or chosen in Python first (redacted, filtered, fetched one by one)."""
        if not records:
            return MergeCounts()
        return self._merge(orjson.dumps(records).decode(), [], label, guarded)

    def refusal(self, record: Any) -> str | None:
        """Why PostgreSQL refuses to merge this one record, or None when it would take it. The trial merge
        is always rolled back, so it writes nothing (and, rolled back, leaves no subtransaction behind)."""
        self._cursor.execute("savepoint twilio_probe")
        try:
            self._cursor.execute(
                self._merge_sql,
                {"body": orjson.dumps([record]).decode(), "path": [], "label": "", "run_id": self._run_id},
            )
            return None
        except (psycopg2.DataError, psycopg2.IntegrityError) as exc:
            return refusal_reason(exc)
        finally:
            self._cursor.execute("rollback to savepoint twilio_probe; release savepoint twilio_probe")

    def _merge(self, body: str, path: list[str], label: str, guarded: bool = False) -> MergeCounts:
        params = {"body": body, "path": path, "label": label, "run_id": self._run_id}
        if guarded:
            self._cursor.execute("savepoint twilio_page")
        try:
            self._cursor.execute(self._merge_sql, params)
        except (psycopg2.DataError, psycopg2.IntegrityError) as exc:
            if guarded:
                self._cursor.execute("rollback to savepoint twilio_page; release savepoint twilio_page")
            raise LoadRefused(refusal_reason(exc), recovered=guarded) from None
        found = self._cursor.fetchone()
        if guarded:
            self._cursor.execute("release savepoint twilio_page")
        distinct, null_keys, inserted, written, revived = found
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

    # Deletions, part by part (only for parts whose listings are complete: a listing cut short must never
    # look like deletions), through the safeguard's pending-deletions table.

    def _pending_table(self) -> sql.Composed:
        return schema_table(self._table.schema, PENDING_DELETIONS_TABLE)

    def _held_earlier(self) -> sql.Composable:
        return sql.SQL(
            "exists (select 1 from {} p where p.table_name = %(table_name)s and p.account = %(account)s "
            "and p.key = t.{}::text)"
        ).format(self._pending_table(), self._key)

    def census(self, predicate: sql.Composable) -> PartCensus:
        unseen, held = self._unseen(), self._held_earlier()
        self._cursor.execute(
            sql.SQL(
                "select count(*), count(*) filter (where {unseen}), count(*) filter (where {unseen} and {held}) "
                "from {table} as t where {scope}"
            ).format(unseen=unseen, held=held, table=self._table.sql, scope=self._in_scope(predicate)),
            self._bookkeeping,
        )
        live, vanishing, confirmed = self._cursor.fetchone()
        return PartCensus(live, vanishing, confirmed)

    def _delete_where(self, condition: sql.Composable, params: dict[str, Any]) -> int:
        """Stamp `_deleted_at` on the rows matching `condition` and forget any deletion held back for them."""
        self._cursor.execute(
            sql.SQL(
                """
                with gone as (
                    update {table} as t set _deleted_at = now(), _run_id = {run_id} where {condition}
                    returning t.{key}::text as key
                ), forgotten as (
                    delete from {pending} p using gone
                    where p.table_name = %(table_name)s and p.account = %(account)s and p.key = gone.key
                )
                select count(*) from gone
                """
            ).format(
                table=self._table.sql,
                run_id=sql.Literal(self._run_id),
                condition=condition,
                key=self._key,
                pending=self._pending_table(),
            ),
            {**self._bookkeeping, **params},
        )
        return self._cursor.fetchone()[0]

    def mark_unseen_deleted(self, predicate: sql.Composable, *, confirmed_only: bool = False) -> int:
        """Mark deleted the live rows of a part this sync did not see (`confirmed_only`: only those an
        earlier sync held back, which this one confirms). Returns how many."""
        condition = sql.SQL("{} and {}").format(self._in_scope(predicate), self._unseen())
        if confirmed_only:
            condition = sql.SQL("{} and {}").format(condition, self._held_earlier())
        return self._delete_where(condition, {})

    def mark_gone(self, keys: Sequence[str]) -> int:
        """Mark deleted the live rows Twilio answered "not found" for, whatever their part."""
        if not keys:
            return 0
        condition = sql.SQL("{} and {} and t.{}::text = any(%(gone)s)").format(
            self._in_scope(sql.SQL("true")), self._unseen(), self._key
        )
        return self._delete_where(condition, {"gone": list(keys)})

    def hold_back(self, predicate: sql.Composable, part: str) -> int:
        """Keep the unseen live rows of a part live, and remember their keys until a later sync confirms or
        refutes their absence. Returns how many were held back."""
        self._cursor.execute(
            sql.SQL(
                "insert into {pending} (table_name, account, key, part, run_id) "
                "select %(table_name)s, %(account)s, t.{key}::text, %(part)s, %(run_id)s from {table} as t "
                "where {scope} and {unseen} on conflict (table_name, account, key) do nothing"
            ).format(
                pending=self._pending_table(),
                key=self._key,
                table=self._table.sql,
                scope=self._in_scope(predicate),
                unseen=self._unseen(),
            ),
            {**self._bookkeeping, "part": part, "run_id": self._run_id},
        )
        return self._cursor.rowcount

    def forget_listed_again(self) -> int:
        """Drop held-back deletions of rows this sync listed again (or that are no longer live)."""
        self._cursor.execute(
            sql.SQL(
                "delete from {pending} p where p.table_name = %(table_name)s and p.account = %(account)s and "
                "(exists (select 1 from {seen} s where s.key = p.key) or not exists "
                "(select 1 from {table} t where t.{key}::text = p.key and t._deleted_at is null))"
            ).format(pending=self._pending_table(), seen=self._seen, table=self._table.sql, key=self._key),
            self._bookkeeping,
        )
        return self._cursor.rowcount

    def pending_deletions(self) -> int:
        """Rows of this table and account held back by any sync so far, still waiting for confirmation."""
        self._cursor.execute(
            sql.SQL("select count(*) from {} where table_name = %(table_name)s and account = %(account)s").format(
                self._pending_table()
            ),
            self._bookkeeping,
        )
        return self._cursor.fetchone()[0]

    # Records PostgreSQL refused, by key: set aside while they are refused, forgotten once one loads.

    def _rejects_table(self) -> sql.Composed:
        return schema_table(self._table.schema, REJECTS_TABLE)

    def known_rejects(self) -> set[str]:
        self._cursor.execute(
            sql.SQL("select key from {} where table_name = %(table_name)s and account = %(account)s").format(
                self._rejects_table()
            ),
            self._bookkeeping,
        )
        return {key for (key,) in self._cursor.fetchall()}

    def record_rejects(self, rejects: dict[str, tuple[str, str]]) -> None:
        """`rejects`: key → (the label of its listing, PostgreSQL's reason)."""
        for key, (part, reason) in rejects.items():
            self._cursor.execute(
                sql.SQL(
                    "insert into {} (table_name, account, key, part, reason, run_id) "
                    "values (%(table_name)s, %(account)s, %(key)s, %(part)s, %(reason)s, %(run_id)s) "
                    "on conflict (table_name, account, key) do update set part = excluded.part, "
                    "reason = excluded.reason, last_rejected_at = now(), run_id = excluded.run_id"
                ).format(self._rejects_table()),
                {**self._bookkeeping, "key": key, "part": part, "reason": reason, "run_id": self._run_id},
            )

    def forget_loaded_rejects(self) -> int:
        """Drop the rejects this sync stored after all (Twilio's record changed, or the catalogue did)."""
        self._cursor.execute(
            sql.SQL(
                "delete from {} r where r.table_name = %(table_name)s and r.account = %(account)s "
                "and exists (select 1 from {} s where s.key = r.key)"
            ).format(self._rejects_table(), self._seen),
            self._bookkeeping,
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
