"""A dbt build never hangs: its statements run under the ceiling (twilio_assets/dbt/ceiling.py), and a
build that is stopped leaves nothing running in PostgreSQL.

A probe model (`select` after `pg_sleep`) stands for a statement that runs too long; it is added to a
copy of the project, and built by a real dbt against a real PostgreSQL, from the command line and
through the Dagster asset.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtProject

from tests.conftest import create_database, drop_database
from twilio_assets.dbt.ceiling import STATEMENT_TIMEOUT_ENV, dbt_environment, explain_build_failure
from twilio_assets.defs.dbt_models import build_dbt_definitions

from .conftest import DBT, Warehouse, copy_project, query, run_dbt

PROBE = "zz_ceiling_probe"
PROBE_KEY = dg.AssetKey(["twilio_marts", PROBE])
# Long enough that a statement still running past the waits below cannot be a slow machine.
LONG_SLEEP_SECONDS = 600
# How long PostgreSQL may take to stop a stopped client's statement: it checks every 5 seconds.
STOP_WAIT_SECONDS = 180  # how long a stopped dbt may take to exit on a loaded 2-core machine


@pytest.fixture(scope="module")
def probe_env(pg_server) -> Iterator[dict[str, str]]:
    """A database of its own: the probe's table stays out of the warehouse other tests read."""
    env = create_database(pg_server)
    try:
        yield env
    finally:
        drop_database(env)


@pytest.fixture(scope="module")
def probe_project(tmp_path_factory, dbt_warehouse: Warehouse, probe_env) -> Path:
    project = copy_project(tmp_path_factory.mktemp("ceiling") / "dbt_project", dbt_warehouse.settings)
    (project / "models" / "marts" / f"{PROBE}.sql").write_text(
        "-- Sleeps `probe_seconds`, then returns the var `probe_value`: a statement as slow as asked.\n"
        "select {{ var('probe_value', 1) }} as probe_value\n"
        "from (select pg_sleep({{ var('probe_seconds', 0) }})) as slept\n"
    )
    parsed = run_dbt(project, probe_env, "parse")
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    return project


def probe_value(env: dict[str, str]) -> int | None:
    [(exists,)] = query(env, f"select to_regclass('twilio_marts.{PROBE}') is not null")
    return query(env, f"select probe_value from twilio_marts.{PROBE}")[0][0] if exists else None


def probe_command(project: Path, seconds: int, value: int) -> list[str]:
    """`dbt run` of the probe alone, sleeping `seconds` and then storing `value`."""
    variables = json.dumps({"probe_seconds": seconds, "probe_value": value})
    return [
        DBT,
        "run",
        "--select",
        PROBE,
        "--vars",
        variables,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
    ]


def build_probe(
    project: Path, env: dict[str, str], seconds: int, value: int, timeout: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        probe_command(project, seconds, value),
        env=dbt_environment({**os.environ, **env, STATEMENT_TIMEOUT_ENV: timeout}),
        capture_output=True,
        text=True,
    )


def probe_statements(env: dict[str, str]) -> list[int]:
    """The server processes running the probe's sleep."""
    rows = query(
        env,
        "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() "
        "and state = 'active' and query like '%pg_sleep%'",
    )
    return [pid for (pid,) in rows]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_a_statement_past_the_ceiling_is_cancelled_and_the_model_kept_as_it_was(probe_project, probe_env):
    env = probe_env
    first = build_probe(probe_project, env, seconds=0, value=1, timeout="30min")
    assert first.returncode == 0, first.stdout[-3000:]
    assert probe_value(env) == 1

    slow = build_probe(probe_project, env, seconds=LONG_SLEEP_SECONDS, value=2, timeout="2s")
    assert slow.returncode != 0
    assert "canceling statement due to statement timeout" in slow.stdout
    assert probe_value(env) == 1, "the cancelled build must leave the previous table in place"
    assert probe_statements(env) == []
    results = json.loads((probe_project / "target" / "run_results.json").read_text())
    explanation = explain_build_failure(results, "2s")
    assert explanation is not None and f"dbt build --full-refresh --select {PROBE}" in explanation


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(signal.SIGKILL, id="killed"),  # a lost worker: only PostgreSQL can notice
        pytest.param(signal.SIGINT, id="cancelled"),  # what a terminated Dagster step sends dbt
    ],
)
def test_a_stopped_build_leaves_nothing_running(probe_project, probe_env, stop):
    env = probe_env
    process = subprocess.Popen(
        probe_command(probe_project, LONG_SLEEP_SECONDS, 3),
        env=dbt_environment({**os.environ, **env, STATEMENT_TIMEOUT_ENV: "0"}),  # no ceiling: only the stop ends it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: probe_statements(env), 120), "the probe's statement never started"
        os.killpg(process.pid, stop)
        process.wait(timeout=STOP_WAIT_SECONDS)
        assert wait_for(lambda: not probe_statements(env), STOP_WAIT_SECONDS), (
            f"the probe's statement still runs {STOP_WAIT_SECONDS}s after dbt stopped"
        )
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in probe_statements(env):
            query(env, "select pg_terminate_backend(%s)", (pid,))
    assert probe_value(env) != 3


def test_a_dagster_step_past_the_ceiling_fails_naming_the_model_and_the_fix(probe_project, probe_env, monkeypatch):
    for name, value in probe_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, "2s")
    # The asset passes no vars: the probe sleeps as long as its default says, here past the ceiling.
    (probe_project / "models" / "marts" / f"{PROBE}.sql").write_text(
        f"select 4 as probe_value from (select pg_sleep({LONG_SLEEP_SECONDS})) as slept\n"
    )
    parsed = run_dbt(probe_project, probe_env, "parse")
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    definitions = build_dbt_definitions(DbtProject(project_dir=probe_project, profiles_dir=probe_project))
    assets_def = definitions.resolve_assets_def(PROBE_KEY)
    before = probe_value(probe_env)
    result = dg.materialize([assets_def], selection=[PROBE_KEY], raise_on_error=False)
    assert not result.success
    [failure] = [event for event in result.all_events if event.event_type == dg.DagsterEventType.STEP_FAILURE]
    user_failure = failure.step_failure_data.user_failure_data
    description = user_failure.description if user_failure else failure.step_failure_data.error.message
    assert PROBE in description and "2s" in description and f"--full-refresh --select {PROBE}" in description
    assert probe_value(probe_env) == before
    assert probe_statements(probe_env) == []
