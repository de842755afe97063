"""One table per collection: created on first use and extended when the catalogue gains columns."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from ..catalog import Collection
from .identifiers import validate_schema_name

# Sync bookkeeping next to Twilio's own fields. Underscored so they never clash with Twilio's names.
META_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("_raw", "jsonb not null", "The record exactly as Twilio sent it (minus dropped secrets), including fields without a typed column."),
    ("_first_loaded_at", "timestamptz not null", "When this row was first written."),
    ("_last_changed_at", "timestamptz not null", "When Twilio's record last differed from the stored one (the transaction time of that sync)."),
    ("_deleted_at", "timestamptz", "Set when a sync of this row's window no longer found it in Twilio; NULL while it exists."),
    ("_run_id", "text", "The Dagster run that last inserted or changed this row."),
)

# Serialises DDL across concurrent steps: CREATE SCHEMA/TABLE IF NOT EXISTS can still race in PostgreSQL.
_DDL_LOCK_KEY = 0x7477_696C  # "twil"


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


def ensure_table(cursor, table: TableRef, collection: Collection) -> None:
    """Create the schema and table if needed, add columns the catalogue has gained, and refuse to go on
    when an existing column's type disagrees with the catalogue (that needs a deliberate migration)."""
    cursor.execute("select pg_advisory_xact_lock(%s)", (_DDL_LOCK_KEY,))
    cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(table.schema)))
    definitions = [
        sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.kind.pg_type)) for c in collection.columns
    ]
    definitions += [sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(ddl)) for name, ddl, _ in META_COLUMNS]
    definitions.append(sql.SQL("primary key ({})").format(sql.Identifier(collection.primary_key)))
    cursor.execute(
        sql.SQL("create table if not exists {} ({})").format(table.sql, sql.SQL(", ").join(definitions))
    )
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
                f"says {expected}. Fix: migrate it (alter table {table} alter column \"{column.name}\" type "
                f"{column.kind.pg_type} using …) or drop the table and re-sync."
            )
    for name, ddl, _ in META_COLUMNS:
        if name not in existing:
            nullable_ddl = ddl.replace(" not null", "")  # existing rows have no value yet
            cursor.execute(
                sql.SQL("alter table {} add column {} {}").format(table.sql, sql.Identifier(name), sql.SQL(nullable_ddl))
            )
    cursor.execute(sql.SQL("comment on table {} is %s").format(table.sql), (collection.description,))


def _information_schema_type(pg_type: str) -> str:
    return {"timestamptz": "timestamp with time zone", "bigint": "bigint"}.get(pg_type, pg_type)
