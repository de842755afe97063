"""Fixtures for the dbt tests: a private copy of the synced warehouse, a dbt project for two
instances, and one `dbt build` shared by every test that reads its results.

The raw data comes from the project's own sync of the sandbox (`synced_warehouse`, tests/conftest.py).
It is copied into a database of our own, once as the synced instance and once more as a second
instance (`<name>_copy`, leaving out `call_feedback`), so the models are built over two instances
with different collections and nothing written here touches what other tests read.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from psycopg2 import sql

from tests.conftest import drop_database
from twilio_assets.catalog import BY_NAME
from twilio_assets.dbt import DBT_PROJECT_DIR
from twilio_assets.dbt.sources import CATALOGUE_FILE, SOURCES_FILE, write_generated_files
from twilio_assets.instances import Instance, SyncSettings, load_settings
from twilio_assets.warehouse import ensure_table, table_for
from twilio_assets.warehouse.tables import create_schema_objects

DBT = str(Path(sys.executable).with_name("dbt"))
# The second instance leaves this collection out, so instances with different subsets are covered.
LEFT_OUT_OF_COPY = "call_feedback"


def connect(env: dict[str, str], dbname: str | None = None):
    return psycopg2.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname=dbname or env["PGDATABASE"],
    )


def query(env: dict[str, str], statement: str, params: Any = None) -> list[tuple]:
    connection = connect(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()
    finally:
        connection.close()


def synced_settings() -> SyncSettings:
    """The instances the sync fixture loaded: the settings it ran with (no instances file override)."""
    environ = {k: v for k, v in os.environ.items() if k != "TWILIO_INSTANCES_FILE"}
    return load_settings(environ)


def copy_instance(instance: Instance) -> Instance:
    return Instance(
        name=f"{instance.name}_copy",
        schema=f"{instance.schema}_copy",
        collection_names=tuple(c for c in instance.collection_names if c != LEFT_OUT_OF_COPY),
    )


def _copy_table(source, target, from_schema: str, to_schema: str, collection_name: str) -> int:
    collection = BY_NAME[collection_name]
    with source.cursor() as cursor:
        cursor.execute("select to_regclass(%s)", (f"{from_schema}.{collection_name}",))
        exists = cursor.fetchone()[0] is not None
    # The schema and table exactly as the sync creates them, then the synced rows.
    with target.cursor() as cursor:
        create_schema_objects(cursor, to_schema)
        ensure_table(cursor, table_for(to_schema, collection), collection)
    if not exists:
        return 0
    with source.cursor() as cursor:
        cursor.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
            "order by ordinal_position",
            (from_schema, collection_name),
        )
        columns = sql.SQL(", ").join(sql.Identifier(name) for (name,) in cursor.fetchall())
        buffer = io.StringIO()
        cursor.copy_expert(
            sql.SQL("copy {}.{} ({}) to stdout")
            .format(sql.Identifier(from_schema), sql.Identifier(collection_name), columns)
            .as_string(cursor),
            buffer,
        )
    buffer.seek(0)
    with target.cursor() as cursor:
        cursor.copy_expert(
            sql.SQL("copy {}.{} ({}) from stdin")
            .format(sql.Identifier(to_schema), sql.Identifier(collection_name), columns)
            .as_string(cursor),
            buffer,
        )
        return cursor.rowcount


# Rows stamped as deleted in the private copy, as a later sync does when Twilio stops listing them
# (a freshly synced sandbox has none): a parent call leg with children and a recording, so its
# children become calls of their own and its recording's link dangles, plus messages and a
# transcription.
DELETED_AT = "2026-03-10T12:00:00Z"
DELETE_STATEMENTS = {
    "calls": """
        select sid from (
            select parent.sid,
                   exists (select 1 from {s}.recordings r where r.call_sid = parent.sid) as recorded
            from {s}.calls parent
            where exists (select 1 from {s}.calls child where child.parent_call_sid = parent.sid)
        ) parents order by recorded desc, sid limit 1""",
    "messages": "select sid from {s}.messages order by sid limit 2",
    "transcriptions": "select sid from {s}.transcriptions order by sid limit 1",
}


def mark_deleted(connection, schemas: list[str]) -> dict[str, list[str]]:
    """Stamp the same rows deleted in each schema (the first one picks them)."""
    chosen: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table, statement in DELETE_STATEMENTS.items():
            cursor.execute(sql.SQL(statement.replace("{s}", "{schema}")).format(schema=sql.Identifier(schemas[0])))
            chosen[table] = [sid for (sid,) in cursor.fetchall()]
            for schema in schemas:
                cursor.execute(
                    sql.SQL("update {}.{} set _deleted_at = %s where sid = any(%s)").format(
                        sql.Identifier(schema), sql.Identifier(table)
                    ),
                    (DELETED_AT, chosen[table]),
                )
    return chosen


@dataclass
class Warehouse:
    env: dict[str, str]  # PG* settings of the private database
    settings: SyncSettings  # the synced instances plus the copy
    main: Instance
    copy: Instance
    deleted: dict[str, list[str]]  # table -> SIDs stamped deleted in both the main and the copy schema


@pytest.fixture(scope="session")
def dbt_warehouse(synced_warehouse: dict[str, str]) -> Iterator[Warehouse]:
    synced = synced_settings()
    main = synced.instances[0]
    copy = copy_instance(main)
    name = f"dbt_{uuid.uuid4().hex[:12]}"
    admin = connect(synced_warehouse, "postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    env = {**synced_warehouse, "PGDATABASE": name}
    source, target = connect(synced_warehouse), connect(env)
    try:
        with target:
            for instance in synced.instances:
                for collection_name in instance.collection_names:
                    _copy_table(source, target, instance.schema, instance.schema, collection_name)
            for collection_name in copy.collection_names:
                _copy_table(source, target, main.schema, copy.schema, collection_name)
            deleted = mark_deleted(target, [main.schema, copy.schema])
    finally:
        source.close()
        target.close()
    settings = SyncSettings(instances=(*synced.instances, copy), start_date=synced.start_date)
    try:
        yield Warehouse(env=env, settings=settings, main=main, copy=copy, deleted=deleted)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.close()


def copy_project(destination: Path, settings: SyncSettings) -> Path:
    """The repository's dbt project without its outputs, with sources generated for `settings`."""
    ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", SOURCES_FILE.name, CATALOGUE_FILE.name)
    shutil.copytree(DBT_PROJECT_DIR, destination, ignore=ignore)
    write_generated_files(settings, destination)
    return destination


def run_dbt(project_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DBT, *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


@dataclass
class Build:
    project_dir: Path
    warehouse: Warehouse
    returncode: int
    output: str
    seconds: float
    results: list[dict[str, Any]]
    manifest: dict[str, Any]

    def status_of(self, unique_id: str) -> str:
        return next(r["status"] for r in self.results if r["unique_id"] == unique_id)

    def models(self) -> dict[str, dict[str, Any]]:
        return {n["name"]: n for n in self.manifest["nodes"].values() if n["resource_type"] == "model"}


@pytest.fixture(scope="session")
def dbt_build(dbt_warehouse: Warehouse, tmp_path_factory) -> Build:
    """One `dbt build` of the whole project over both instances; every test reads its outcome."""
    project_dir = copy_project(tmp_path_factory.mktemp("dbt") / "dbt_project", dbt_warehouse.settings)
    started = time.monotonic()
    done = run_dbt(project_dir, dbt_warehouse.env, "build")
    seconds = time.monotonic() - started
    target = project_dir / "target"
    results = (
        json.loads((target / "run_results.json").read_text())["results"]
        if (target / "run_results.json").exists()
        else []
    )
    manifest = json.loads((target / "manifest.json").read_text()) if (target / "manifest.json").exists() else {}
    return Build(project_dir, dbt_warehouse, done.returncode, done.stdout + done.stderr, seconds, results, manifest)


@pytest.fixture(scope="session")
def ticks(pg_server, tmp_path_factory) -> Iterator[Any]:
    """The ticks scenario (tests/dbt/ticks.py): three syncs, each followed by an incremental build
    compared with a full refresh. Run once for test_incremental.py and test_history.py."""
    from .ticks import run_scenario

    started = time.monotonic()
    scenario = run_scenario(pg_server, tmp_path_factory.mktemp("ticks"))
    print(f"ticks scenario: {time.monotonic() - started:.0f} s")
    yield scenario
    drop_database(scenario.env)
