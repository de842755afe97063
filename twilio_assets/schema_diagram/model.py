"""What the picture shows: every catalogue collection with its typed columns, in a group, and the ID
linkages the dbt `relationships` tests state between collections.

A dbt model stands for collection X when it is named `stg_twilio__X` or `int_twilio__X`, or when it
is built from exactly one model that does (`int_twilio__call_legs` selects only from
`stg_twilio__calls`, so it is the calls collection). A tested `*_key` column is traced to the raw
column staging builds it from (`twilio_key('call_sid_ending_conference') as ending_call_key`).

Relationships that cannot be drawn from a column of one collection to another are kept in
`Schema.skipped` with the reason, and listed under the picture: columns dbt derives (such as
`root_call_key`, which exists in no raw table) and tests on models that stand for no collection (marts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import ALL_COLLECTIONS
from ..dbt import DBT_PROJECT_DIR
from .dbt_links import DbtModels

# Groups are the catalogue's products (voice, messaging, usage, ...), as in the Dagster UI.
DERIVED = "derived in dbt, no raw column"
NOT_COLLECTIONS = "model that is not a collection"
_COLLECTION_MODEL = re.compile(r"^(?:stg|int)_twilio__(\w+)$")


@dataclass(frozen=True)
class Table:
    name: str
    primary_key: str
    columns: tuple[tuple[str, str], ...]  # (column name, kind name), in catalogue order
    group: str


@dataclass(frozen=True)
class Link:
    """`child.column` holds the ID of a `parent` row (`parent.parent_column`, its key)."""

    child: str
    column: str
    parent: str
    parent_column: str

    @property
    def id(self) -> str:
        return f"{self.child}.{self.column}->{self.parent}.{self.parent_column}"


@dataclass(frozen=True)
class Skipped:
    """A dbt relationship not drawn: `source.column -> target` (collection names where they map)."""

    source: str
    column: str
    target: str
    reason: str

    @property
    def id(self) -> str:
        return f"{self.source}.{self.column}->{self.target}"


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...]
    links: tuple[Link, ...]
    skipped: tuple[Skipped, ...]
    groups: tuple[str, ...]  # in drawing order, only those holding a table


def build_schema(collections: Iterable[Any] | None = None, dbt_project_dir: Path | None = None) -> Schema:
    """The schema of `collections` (default: the catalogue) linked by the dbt project's tests."""
    by_name = {c.name: c for c in (ALL_COLLECTIONS if collections is None else collections)}
    dbt = DbtModels(DBT_PROJECT_DIR if dbt_project_dir is None else dbt_project_dir)
    links: set[Link] = set()
    skipped: set[Skipped] = set()
    for rel in dbt.relationships():
        child, parent = _collection_of(rel.model, by_name, dbt), _collection_of(rel.to_model, by_name, dbt)
        if child is None or parent is None:
            skipped.add(Skipped(child or rel.model, rel.column, parent or rel.to_model, NOT_COLLECTIONS))
            continue
        column = _raw_column(by_name[child], rel.model, rel.column, dbt)
        if column is None:
            skipped.add(Skipped(child, rel.column, parent, DERIVED))
            continue
        key = _raw_column(by_name[parent], rel.to_model, rel.field, dbt) or by_name[parent].primary_key
        links.add(Link(child, column, parent, key))

    order = {name: i for i, name in enumerate(by_name)}
    column_order = {(c.name, col.name): i for c in by_name.values() for i, col in enumerate(c.columns)}
    ordered = tuple(sorted(links, key=lambda k: (order[k.child], column_order[k.child, k.column], order[k.parent])))
    tables = tuple(
        Table(c.name, c.primary_key, tuple((col.name, col.kind.name) for col in c.columns), c.product)
        for c in by_name.values()
    )
    return Schema(
        tables=tables,
        links=ordered,
        skipped=tuple(sorted(skipped, key=lambda s: (s.reason, s.source, s.column, s.target))),
        groups=tuple(dict.fromkeys(t.group for t in tables)),  # in catalogue order
    )


def _collection_of(
    model: str, by_name: dict[str, Any], dbt: DbtModels, seen: frozenset[str] = frozenset()
) -> str | None:
    match = _COLLECTION_MODEL.match(model)
    if match and match.group(1) in by_name:
        return match.group(1)
    refs = dbt.refs(model)
    if len(refs) == 1 and model not in seen:
        return _collection_of(next(iter(refs)), by_name, dbt, seen | {model})
    return None


def _raw_column(collection: Any, model: str, dbt_column: str, dbt: DbtModels) -> str | None:
    names = {col.name for col in collection.columns}
    if dbt_column in names:
        return dbt_column
    for built_in in (model, f"stg_twilio__{collection.name}"):
        raw = dbt.key_sources(built_in).get(dbt_column)
        if raw in names:
            return raw
    return None
