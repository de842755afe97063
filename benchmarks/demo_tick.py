"""How long does a 3-hour tick's `dbt build` take on the demo's data, and where does the time go?

The demo's sandbox (its three days, both subaccounts, every collection) is synced into a scratch
database through the Dagster sync job's raw assets, as `make demo` does, and the dbt project (with
sources for the demo's instance) is built once in full, as the demo's first run does. Then each tick
does what the schedule does: the sandbox clock moves 3 hours, the job re-reads today and the
lookback days, and `dbt build` runs: incremental models, snapshots, timelines and every data test.
Printed: per tick the build's wall time and dbt's own time by kind of node (models, snapshots,
tests, each split into compiling and running), then the medians and the slowest nodes.

    .venv/bin/python benchmarks/demo_tick.py --ticks 3

The ticks run seconds apart on the wall clock while the sandbox moves 3 hours, so the builds run
without the safety margin (a var, 15 minutes by default): with it, every tick would re-read
everything synced in the last quarter of an hour of wall-clock time, which is the whole demo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import dagster as dg
import requests
from common import use_warehouse
from psycopg2 import sql

from twilio_assets.dbt import DBT_PROJECT_DIR, dbt_executable
from twilio_assets.dbt.sources import CATALOGUE_FILE, SOURCES_FILE, write_generated_files
from twilio_assets.defs.automation import RANGE_END_TAG, RANGE_START_TAG, SYNC_JOB, lookback_range
from twilio_assets.defs.dbt_models import DBT_ASSETS_NAME
from twilio_assets.instances import load_settings
from twilio_assets.localdev.stack import demo_sandbox_config, twilio_env
from twilio_assets.sandbox.server import SandboxServer
from twilio_assets.warehouse import connect

MARGIN = "{twilio_incremental_margin: 0 seconds}"
KINDS = ("model", "snapshot", "test")


def dbt_build(project: Path, *args: str) -> dict[str, float]:
    """Run `dbt build`; return its wall time and dbt's own time per kind of node and phase."""
    started = time.monotonic()
    done = subprocess.run(
        [dbt_executable(), "build", "--project-dir", str(project), "--profiles-dir", str(project), *args],
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        failed = [line for line in done.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        print("\n".join(failed[-10:]) or done.stdout[-3000:], file=sys.stderr)
        raise SystemExit("dbt build failed")
    results = json.loads((project / "target" / "run_results.json").read_text())
    figures: dict[str, float] = {"wall": wall, "elapsed": results["elapsed_time"]}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        if kind not in KINDS:
            continue
        figures[f"{kind}s"] = figures.get(f"{kind}s", 0) + 1
        figures[kind] = figures.get(kind, 0.0) + result["execution_time"]
        for phase in result["timing"]:
            seconds = (
                dt.datetime.fromisoformat(phase["completed_at"]) - dt.datetime.fromisoformat(phase["started_at"])
            ).total_seconds()
            figures[f"{kind} {phase['name']}"] = figures.get(f"{kind} {phase['name']}", 0.0) + seconds
        figures[result["unique_id"]] = result["execution_time"]
    return figures


def describe(figures: dict[str, float]) -> str:
    parts = [f"{figures['wall']:5.1f} s wall"]
    for kind in KINDS:
        parts.append(
            f"{int(figures.get(f'{kind}s', 0))} {kind}s {figures.get(kind, 0):5.1f} s "
            f"(compile {figures.get(f'{kind} compile', 0):4.1f}, run {figures.get(f'{kind} execute', 0):4.1f})"
        )
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ticks", type=int, default=3, help="timed ticks")
    parser.add_argument("--slowest", type=int, default=8, help="slowest nodes of a tick to list")
    args = parser.parse_args()
    where = use_warehouse()
    database = f"bench_demo_tick_{uuid.uuid4().hex[:8]}"
    admin = connect(dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    os.environ["PGDATABASE"] = database
    root = Path(tempfile.mkdtemp(prefix="bench-demo-tick-"))
    config = demo_sandbox_config()
    try:
        with SandboxServer(config, port=0) as sandbox, dg.DagsterInstance.ephemeral() as instance:
            os.environ.update(twilio_env(config, sandbox.base_url))
            settings = load_settings()
            project = root / "dbt_project"
            ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", SOURCES_FILE.name, CATALOGUE_FILE.name)
            shutil.copytree(DBT_PROJECT_DIR, project, ignore=ignore)
            write_generated_files(settings, project)

            from twilio_assets.definitions import defs as load_definitions

            definitions = load_definitions()
            job = definitions.resolve_job_def(SYNC_JOB)
            # The raw assets only: the job's dbt step cannot be told to leave out the margin.
            raw_keys = [
                spec.key
                for spec in definitions.resolve_all_asset_specs()
                if definitions.resolve_assets_def(spec.key).node_def.name != DBT_ASSETS_NAME
            ]

            def sync(first: str, last: str) -> float:
                started = time.monotonic()
                result = job.execute_in_process(
                    instance=instance,
                    tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
                    asset_selection=raw_keys,
                    run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
                    raise_on_error=False,
                )
                if not result.success:
                    raise SystemExit(f"the sync of {first} .. {last} failed")
                return time.monotonic() - started

            first_day, today = config.first_day.isoformat(), config.now.date().isoformat()
            synced = sync(first_day, today)
            full = dbt_build(project, "--vars", MARGIN)
            print(
                f"Demo data ({first_day} .. {today}, {len(raw_keys)} raw assets) synced in {synced:.0f} s into "
                f"{where.rsplit('/', 1)[0]}/{database}; the first (full) build: {describe(full)}"
            )
            clock = config.now
            ticks: list[dict[str, float]] = []
            lookback = settings.instances[0].lookback_days
            for number in range(1, args.ticks + 1):
                clock += dt.timedelta(hours=3)
                requests.post(
                    f"{sandbox.base_url}/__sandbox__/clock", json={"now": clock.isoformat()}, timeout=10
                ).raise_for_status()
                synced = sync(*lookback_range(settings, lookback, clock))
                ticks.append(dbt_build(project, "--vars", MARGIN))
                print(f"  tick {number} ({clock:%H:%M}, sync {synced:4.1f} s): {describe(ticks[-1])}")
        median = {key: statistics.median(t.get(key, 0.0) for t in ticks) for key in ticks[-1]}
        print(f"Tick build, median of {args.ticks}: {describe(median)}")
        nodes = sorted((key for key in median if "." in key), key=lambda key: -median[key])
        print(
            "  slowest nodes: "
            + ", ".join(f"{key.split('.')[-1]} {median[key]:.2f} s" for key in nodes[: args.slowest])
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        admin.close()


if __name__ == "__main__":
    main()
