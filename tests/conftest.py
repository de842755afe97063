"""Shared fixtures: a real PostgreSQL started by the test run, the sandbox, and the sync job."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from twilio_assets.localdev.postgres import LocalPostgres, free_port
from twilio_assets.localdev.stack import PG_VARIABLES, twilio_env, user_gave_warehouse
from twilio_assets.sandbox.config import SandboxConfig
from twilio_assets.sandbox.server import SandboxServer

UTC = dt.UTC
# A fixed clock: the sandbox's state, and so every expected value, is the same on every run.
TEST_NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session) -> None:
    """`make test` prepares the dbt manifest first; a bare `pytest` gets it prepared here when missing."""
    import subprocess
    import sys

    if not (REPO_ROOT / "dbt_project" / "target" / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "twilio_assets.dbt.prepare"], cwd=REPO_ROOT, check=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[dict[str, str]]:
    """PG* settings of a server for the whole run: the one the PG* variables name, or a fresh embedded one."""
    if user_gave_warehouse(dict(os.environ)):
        yield {name: os.environ.get(name, "") for name in PG_VARIABLES}
        return
    root = Path(tempfile.mkdtemp(prefix="twilio_assets-test-pg-"))  # under /tmp: the postgres user can reach it
    server = LocalPostgres(root=root, port=free_port())
    server.start(databases=())
    try:
        yield server.env("postgres")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _admin(pg: dict[str, str]):
    connection = psycopg2.connect(
        host=pg["PGHOST"], port=pg["PGPORT"], user=pg["PGUSER"], password=pg["PGPASSWORD"], dbname="postgres"
    )
    connection.autocommit = True
    return connection


def create_database(pg: dict[str, str]) -> dict[str, str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    connection = _admin(pg)
    with connection.cursor() as cursor:
        cursor.execute(f'create database "{name}"')
    connection.close()
    return {**pg, "PGDATABASE": name}


def drop_database(pg: dict[str, str]) -> None:
    connection = _admin(pg)
    with connection.cursor() as cursor:
        cursor.execute(f'drop database if exists "{pg["PGDATABASE"]}" with (force)')
    connection.close()


@pytest.fixture
def warehouse(pg_server) -> Iterator[dict[str, str]]:
    """A fresh, empty warehouse database for one test."""
    env = create_database(pg_server)
    try:
        yield env
    finally:
        drop_database(env)


def connect(env: dict[str, str]):
    return psycopg2.connect(
        host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], password=env["PGPASSWORD"], dbname=env["PGDATABASE"]
    )


def sandbox_config(**changes: Any) -> SandboxConfig:
    return SandboxConfig(**{"now": TEST_NOW, **changes})


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config()) as server:
        yield server


def sync_env(warehouse_env: dict[str, str], server: SandboxServer) -> dict[str, str]:
    """Warehouse + sandbox settings for the default instance (the main account only)."""
    env = {**warehouse_env, **twilio_env(server.config, server.base_url)}
    env.pop("TWILIO_INSTANCES_FILE")  # the demo's file syncs subaccounts too; tests choose their own
    return env


def run_sync(
    env: dict[str, str], first: str, last: str, *, raw_only: bool = True, raise_on_error: bool = True, instance=None
):
    """Load the definitions under `env` and run the sync job over [first, last] as one single-run backfill."""
    import dagster as dg

    from twilio_assets.definitions import defs as load_definitions
    from twilio_assets.defs.automation import RANGE_END_TAG, RANGE_START_TAG, SYNC_JOB

    with pytest.MonkeyPatch.context() as patch:
        for name in (
            "TWILIO_INSTANCES_FILE",
            "TWILIO_API_KEY_SID",
            "TWILIO_API_KEY_SECRET",
            "TWILIO_OAUTH_CLIENT_ID",
            "TWILIO_OAUTH_CLIENT_SECRET",
        ):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        definitions = load_definitions()
        job = definitions.resolve_job_def(SYNC_JOB)
        selection = None
        if raw_only:
            selection = [
                key for key in definitions.resolve_asset_graph().get_all_asset_keys() if key.path[-1] in _RAW_NAMES
            ]

        def execute(target):
            return job.execute_in_process(
                instance=target,
                tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
                asset_selection=selection,
                raise_on_error=raise_on_error,
            )

        if instance is not None:  # the caller's instance outlives this run
            return execute(instance)
        with dg.DagsterInstance.ephemeral() as ephemeral:
            return execute(ephemeral)


def _raw_names() -> set[str]:
    from twilio_assets.catalog import ALL_COLLECTIONS

    return {collection.name for collection in ALL_COLLECTIONS}


_RAW_NAMES = _raw_names()


@pytest.fixture(scope="session")
def synced_warehouse(pg_server) -> Iterator[dict[str, str]]:
    """A warehouse holding every sandbox day of every collection, synced through the Dagster job (raw
    assets only); yields its PG* settings. Shared by the tests that only read it (dbt, marts)."""
    env = create_database(pg_server)
    with SandboxServer(sandbox_config()) as server:
        config = server.config
        result = run_sync(sync_env(env, server), config.first_day.isoformat(), TEST_NOW.date().isoformat())
        assert result.success
    try:
        yield env
    finally:
        drop_database(env)
