"""One table per collection: created on first use and extended when the catalogue gains columns."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from ..catalog import Collection
from .identifiers import validate_schema_name

# Sync bookkeeping next to Twilio's own fields. Underscored so they never clash with Twilio's names.
META_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "_raw",
        "jsonb not null",
        "The record exactly as Twilio sent it (minus dropped secrets), including fields without a typed column.",
    ),
    ("_first_loaded_at", "timestamptz not null", "When this row was first written."),
    (
        "_last_changed_at",
        "timestamptz not null",
        "When Twilio's record last differed from the stored one (the transaction time of that sync).",
    ),
    (
        "_deleted_at",
        "timestamptz",
        "Set when a sync of this row's window no longer found it in Twilio; NULL while it exists.",
    ),
    ("_run_id", "text", "The Dagster run that last inserted or changed this row."),
)

# CREATE SCHEMA/TABLE IF NOT EXISTS can still race in PostgreSQL (a unique violation instead of a
# notice), so creation is serialised with advisory locks: one for schemas, one per table.
_SCHEMA_LOCK_KEY = 0x7477_696C  # "twil"


class SchemaMismatch(RuntimeError):
    pass


@dataclass(frozen=True)
class TableRef:
    schema: str
    name: str

    @property
    def sql(self) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(self.name))

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"


def table_for(schema: str, collection: Collection) -> TableRef:
    return TableRef(validate_schema_name(schema), collection.name)


SYNC_LOG_TABLE = "_twilio_sync_log"
# Running totals per table (live and deleted rows), kept by each sync in its own transaction, so a
# materialization reports the table's size without counting it.
STATS_TABLE = "_twilio_table_stats"


# Deletions held back by the safeguard (sync/safeguard.py): rows a single answer left out, kept live until a
# later complete listing of their part confirms they are gone (or lists them again).
PENDING_DELETIONS_TABLE = "_twilio_pending_deletions"
# Records PostgreSQL refused to store, by key: quarantined so that the rest of their collection still syncs.
REJECTS_TABLE = "_twilio_rejects"
_SCHEMA_TABLES = (SYNC_LOG_TABLE, STATS_TABLE, PENDING_DELETIONS_TABLE, REJECTS_TABLE)


def stats_table(schema: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(STATS_TABLE))


def schema_table(schema: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def ensure_schema(connection, schema: str) -> None:
    """Create the schema, its sync log and its totals in their own short transaction, so syncs of
    different tables can then run in parallel. (A sync that fails afterwards may leave these behind, empty.)"""
    with connection, connection.cursor() as cursor:
        create_schema_objects(cursor, schema)


def create_schema_objects(cursor, schema: str) -> None:
    """Inside the caller's transaction: the schema and its bookkeeping tables (sync log, totals, pending
    deletions, rejects), if missing."""
    cursor.execute(
        "select " + " and ".join(["to_regclass(%s) is not null"] * len(_SCHEMA_TABLES)),
        tuple(f'"{schema}"."{name}"' for name in _SCHEMA_TABLES),
    )
    if cursor.fetchone()[0]:
        return
    cursor.execute("select pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
    cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    cursor.execute(
        sql.SQL(
            """create table if not exists {}.{} (
                run_id text not null, collection text not null, account text not null,
                window_start timestamptz not null, window_end timestamptz not null,
                fetched bigint not null, inserted bigint not null, updated bigint not null,
                unchanged bigint not null, deleted bigint not null, pages bigint not null,
                finished_at timestamptz not null default clock_timestamp())"""
        ).format(sql.Identifier(schema), sql.Identifier(SYNC_LOG_TABLE))
    )
    # What the freshness check asks: the latest sync of each collection's days.
    cursor.execute(
        sql.SQL("create index if not exists {} on {}.{} (collection, window_end)").format(
            sql.Identifier(f"{SYNC_LOG_TABLE}__collection_window_end"),
            sql.Identifier(schema),
            sql.Identifier(SYNC_LOG_TABLE),
        )
    )
    cursor.execute(
        sql.SQL(
            "create table if not exists {} (table_name text primary key, live bigint not null, deleted bigint not null)"
        ).format(stats_table(schema))
    )
    # `account` is '' for lists that are not per account (the account list itself).
    cursor.execute(
        sql.SQL(
            """create table if not exists {} (
                table_name text not null, account text not null, key text not null, part text not null,
                held_since timestamptz not null default now(), run_id text not null,
                primary key (table_name, account, key))"""
        ).format(schema_table(schema, PENDING_DELETIONS_TABLE))
    )
    # Only the key and PostgreSQL's reason: the record itself is not kept, so nothing an instance excludes
    # or hashes can land here. Look the record up in Twilio by its key.
    cursor.execute(
        sql.SQL(
            """create table if not exists {} (
                table_name text not null, account text not null, key text not null, part text not null,
                reason text not null, first_rejected_at timestamptz not null default now(),
                last_rejected_at timestamptz not null default now(), run_id text not null,
                primary key (table_name, account, key))"""
        ).format(schema_table(schema, REJECTS_TABLE))
    )


def ensure_table(cursor, table: TableRef, collection: Collection) -> None:
    """Inside the caller's transaction: create the table if needed, add columns the catalogue has
    gained, and refuse to go on when an existing column's type disagrees with the catalogue (that needs
    a deliberate migration). Holds a per-table lock until the transaction ends, so two syncs of the same
    table take turns while other tables proceed in parallel."""
    cursor.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"twilio_assets:{table}",))
    cursor.execute("select to_regclass(%s)", (f'"{table.schema}"."{table.name}"',))
    created = cursor.fetchone()[0] is None
    definitions = [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.kind.pg_type)) for c in collection.columns]
    definitions += [sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(ddl)) for name, ddl, _ in META_COLUMNS]
    definitions.append(sql.SQL("primary key ({})").format(sql.Identifier(collection.primary_key)))
    cursor.execute(sql.SQL("create table if not exists {} ({})").format(table.sql, sql.SQL(", ").join(definitions)))
    cursor.execute(
        "select column_name, data_type from information_schema.columns where table_schema = %s and table_name = %s",
        (table.schema, table.name),
    )
    existing = dict(cursor.fetchall())
    for column in collection.columns:
        expected = _information_schema_type(column.kind.pg_type)
        if column.name not in existing:
            cursor.execute(
                sql.SQL("alter table {} add column {} {}").format(
                    table.sql, sql.Identifier(column.name), sql.SQL(column.kind.pg_type)
                )
            )
        elif existing[column.name] != expected:
            raise SchemaMismatch(
                f"column {table}.{column.name} is {existing[column.name]} in the warehouse but the catalogue "
                f'says {expected}. Fix: migrate it (alter table {table} alter column "{column.name}" type '
                f"{column.kind.pg_type} using …) or drop the table and re-sync."
            )
    for name, ddl, _ in META_COLUMNS:
        if name not in existing:
            nullable_ddl = ddl.replace(" not null", "")  # existing rows have no value yet
            cursor.execute(
                sql.SQL("alter table {} add column {} {}").format(
                    table.sql, sql.Identifier(name), sql.SQL(nullable_ddl)
                )
            )
    for index in _indexes(collection):
        cursor.execute(
            sql.SQL("create index if not exists {} on {} ({})").format(
                sql.Identifier(f"{table.name}__{'__'.join(index)}"[:63]),
                table.sql,
                sql.SQL(", ").join(sql.Identifier(c) for c in index),
            )
        )
    # What incremental dbt models and snapshots ask of every raw table: the rows changed, arrived or
    # deleted since their last build (dbt_project/macros/incremental.sql, `twilio_and_changed_since`).
    cursor.execute(
        sql.SQL("create index if not exists {} on {} ((greatest(_last_changed_at, _deleted_at)))").format(
            sql.Identifier(f"{table.name}___changed_or_deleted_at"[:63]), table.sql
        )
    )
    if created:
        cursor.execute(sql.SQL("comment on table {} is %s").format(table.sql), (collection.description,))
    # Totals start from one count the first time (free on a new table; once on a table synced before
    # totals were kept), then follow each sync's changes.
    cursor.execute(
        sql.SQL(
            "insert into {stats} (table_name, live, deleted) select %s, count(*) filter (where _deleted_at is null), "
            "count(*) filter (where _deleted_at is not null) from {table} "
            "where not exists (select 1 from {stats} where table_name = %s) on conflict do nothing"
        ).format(stats=stats_table(table.schema), table=table.sql),
        (table.name, table.name),
    )


def _indexes(collection: Collection) -> list[tuple[str, ...]]:
    """The indexes a collection's read mode filters on, each led by the account (scopes are per account)."""
    lead = ("account_sid",) if "account_sid" in collection.column_names and collection.per_account else ()
    return [(*lead, *index.columns) for index in collection.read.indexes(collection)]


def read_totals(cursor, table: TableRef) -> tuple[int, int]:
    """(live, deleted) rows of the table, from the running totals."""
    cursor.execute(
        sql.SQL("select live, deleted from {} where table_name = %s").format(stats_table(table.schema)), (table.name,)
    )
    found = cursor.fetchone()
    return (found[0], found[1]) if found else (0, 0)


def _information_schema_type(pg_type: str) -> str:
    return {"timestamptz": "timestamp with time zone", "bigint": "bigint"}.get(pg_type, pg_type)
