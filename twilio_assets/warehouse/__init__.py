"""The PostgreSQL side (no Dagster): connections, identifier checks, tables and bulk upserts."""

from .connection import connect
from .identifiers import InvalidIdentifier, validate_schema_name
from .tables import META_COLUMNS, SchemaMismatch, TableRef, ensure_schema, ensure_table, table_for
from .upsert import MergeCounts, Merger

__all__ = [
    "META_COLUMNS",
    "InvalidIdentifier",
    "MergeCounts",
    "Merger",
    "SchemaMismatch",
    "TableRef",
    "connect",
    "ensure_schema",
    "ensure_table",
    "table_for",
    "validate_schema_name",
]
