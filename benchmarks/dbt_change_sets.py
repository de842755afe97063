"""Does an incremental dbt build ever cost more than a rebuild? Change sets from one key to everything.

The sandbox (its own process) serves one busy day of the core collections; it is synced and padded
with history (as in dbt_tick.py: copies of the day shifted back, new SIDs, links remapped), then built
in full twice (a first run, then a tick with nothing new), which is the warehouse every case starts
from. Each case copies it (`create database ... template`), changes it, takes the snapshots, and copies
it once more; then the incremental models are built incrementally on one copy and with
`--full-refresh` on the other, and dbt's own time per model is compared:

* `after backfill`: the first tick right after the backfill: the sandbox clock moves 90 minutes and
  today is synced again, with the real safety margin (15 minutes), which then re-reads everything the
  backfill stored in the last quarter of an hour of wall-clock time: all of it.
* `<share> changed`: that share of every raw table's rows is stamped changed (a re-sync that found
  them changed), with the margin at 0 and at its real 15 minutes (which also re-reads whatever else
  was stored in the last 15 minutes).

Printed per case: the models' summed time incremental and full, their ratio, the wall time of both
`dbt run`s, the snapshot run's time, the models whose incremental build was longest next to their full
refresh, and those that chose a full build (past their budget). Both copies' tables are compared row
counts, model by model, so a fast but wrong build cannot pass unnoticed.

    .venv/bin/python benchmarks/dbt_change_sets.py --calls 2300 --messages 7000 --history-days 99
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from common import client_for, sandbox_process, use_warehouse
from dbt_tick import COLLECTIONS, NOW, SCHEMA, make_project, pad_history, sync_day
from psycopg2 import sql

from twilio_assets.catalog import BY_NAME
from twilio_assets.dbt import dbt_executable
from twilio_assets.warehouse import connect

REAL_MARGIN = "15 minutes"
SHARES = (0.0001, 0.01, 0.1, 0.5, 1.0)


def dbt(project: Path, database: str, *args: str) -> dict[str, object]:
    """Run a dbt command; return its wall time and dbt's time per node (from run_results.json)."""
    started = time.monotonic()
    done = subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(project), "--profiles-dir", str(project)],
        env={**os.environ, "PGDATABASE": database},
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        failed = [line for line in done.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        print("\n".join(failed[-10:]) or done.stdout[-3000:], file=sys.stderr)
        raise SystemExit(f"dbt {args[0]} failed in {database}")
    results = json.loads((project / "target" / "run_results.json").read_text())
    nodes = {r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"] for r in results["results"]}
    full_builds = re.findall(r"(\w+): [^\n]*more than the \d+ [^\n]*; building it in full", done.stdout)
    return {"wall": wall, "nodes": nodes, "full_builds": full_builds}


def incremental_models(project: Path) -> list[str]:
    """The project's incremental models, from its manifest."""
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


def table_fingerprints(database: str, models: list[str]) -> dict[str, tuple[int, int]]:
    """Per model, its row count and the sum of its rows' hashes: equal tables, equal fingerprints."""
    connection = connect(dbname=database)
    fingerprints = {}
    with connection, connection.cursor() as cursor:
        for model in models:
            cursor.execute(
                "select table_schema from information_schema.tables where table_name = %s and table_schema like 'twilio%%'",
                (model,),
            )
            (schema,) = cursor.fetchone()
            cursor.execute(
                sql.SQL("select count(*), coalesce(sum(hashtext(t::text)::bigint), 0) from {}.{} as t").format(
                    sql.Identifier(schema), sql.Identifier(model)
                )
            )
            fingerprints[model] = cursor.fetchone()
    connection.close()
    return fingerprints


def touch(database: str, share: float) -> int:
    """Stamp `share` of every raw table's rows changed now (picked by SID hash, so the same rows in
    every case of that share)."""
    touched = 0
    connection = connect(dbname=database)
    with connection, connection.cursor() as cursor:
        for name in COLLECTIONS:
            cursor.execute(
                sql.SQL("update {}.{} set _last_changed_at = now() where (abs(hashtext({})) %% 1000000) < %s").format(
                    sql.Identifier(SCHEMA), sql.Identifier(name), sql.Identifier(BY_NAME[name].primary_key)
                ),
                (share * 1_000_000,),
            )
            touched += cursor.rowcount
    connection.close()
    return touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls per day")
    parser.add_argument("--messages", type=int, default=3000, help="messages per day")
    parser.add_argument("--conferences", type=int, default=20, help="conferences per day")
    parser.add_argument("--history-days", type=int, default=99)
    parser.add_argument("--shares", default=",".join(str(s) for s in SHARES), help="shares of rows changed")
    parser.add_argument("--worst", type=int, default=4, help="models to list per case")
    parser.add_argument("--keep", action="store_true", help="keep the base database (its name is printed)")
    args = parser.parse_args()
    where = use_warehouse()
    shares = [float(s) for s in args.shares.split(",")]
    flags = ["--now", NOW, "--days", "1", "--subaccounts", "0"]
    flags += ["--calls-per-day", str(args.calls), "--messages-per-day", str(args.messages)]
    flags += ["--conferences-per-day", str(args.conferences)]
    base_db = f"bench_changes_{uuid.uuid4().hex[:8]}"
    admin = connect(dbname="postgres")
    admin.autocommit = True
    copies: list[str] = []

    def copy_of(template: str) -> str:
        name = f"{base_db}_{len(copies)}"
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template))
            )
        copies.append(name)
        return name

    def drop(name: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))

    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("create database {}").format(sql.Identifier(base_db)))
    root = Path(tempfile.mkdtemp(prefix="bench-changes-"))
    project = make_project(root / "dbt_project")
    try:
        with sandbox_process(*flags) as (base, env):
            client = client_for(base, env)
            account = env["TWILIO_ACCOUNT_SID"]
            clock = dt.datetime.fromisoformat(NOW.replace("Z", "+00:00"))
            sync_day(client, account, base_db, clock.date())
            pad_history(base_db, args.history_days)
            raw = table_rows_raw(base_db)
            print(
                f"dbt builds by change set: {raw['calls']:,} calls, {raw['messages']:,} messages, "
                f"{sum(raw.values()):,} raw rows in all ({args.history_days + 1} days); PostgreSQL at {where}"
            )
            first = dbt(project, base_db, "build", "--vars", "{twilio_incremental_margin: 0 seconds}")
            models = incremental_models(project)
            print(
                f"  first (full) build, tests included: {first['wall']:6.1f} s wall; {len(models)} incremental models"
            )

            def compare(label: str, incremental_db: str, full_db: str, margin: str, snapshot_wall: float) -> None:
                vars_ = f"{{twilio_incremental_margin: {margin}}}"
                incremental = dbt(project, incremental_db, "run", "--vars", vars_)
                full = dbt(project, full_db, "run", "--full-refresh", "--vars", vars_)
                incremental_tables = table_fingerprints(incremental_db, models)
                full_tables = table_fingerprints(full_db, models)
                mismatched = [m for m in models if incremental_tables[m] != full_tables[m]]
                inc_sum = sum(incremental["nodes"][m] for m in models)
                full_sum = sum(full["nodes"][m] for m in models)
                print(
                    f"  {label:<28} models {inc_sum:7.1f} s vs full {full_sum:7.1f} s: {inc_sum / full_sum:5.2f}x | "
                    f"dbt run wall {incremental['wall']:6.1f} vs {full['wall']:6.1f} s | snapshots {snapshot_wall:5.1f} s"
                )
                ratios = sorted(
                    models, key=lambda m: incremental["nodes"][m] / max(full["nodes"][m], 1e-3), reverse=True
                )
                worst = ", ".join(
                    f"{m} {incremental['nodes'][m]:.2f}/{full['nodes'][m]:.2f} s" for m in ratios[: args.worst]
                )
                print(f"      highest ratios (incremental/full): {worst}")
                if incremental["full_builds"]:
                    print(f"      built in full (past the budget): {', '.join(incremental['full_builds'])}")
                if mismatched:
                    print(f"      TABLES DIFFER between the incremental and the full build: {mismatched}")
                for name in (incremental_db, full_db):
                    drop(name)

            def snapshot(database: str) -> float:
                return dbt(project, database, "snapshot", "--vars", "{twilio_incremental_margin: 0 seconds}")["wall"]

            # The first tick after the backfill: clock +90 minutes, today synced again, real margin.
            clock += dt.timedelta(minutes=90)
            requests.post(f"{base}/__sandbox__/clock", json={"now": clock.isoformat()}, timeout=10).raise_for_status()
            after = copy_of(base_db)
            sync_day(client, account, after, clock.date())
            snapshot_wall = dbt(project, after, "snapshot", "--vars", f"{{twilio_incremental_margin: {REAL_MARGIN}}}")[
                "wall"
            ]
            compare("after backfill (margin 15m)", after, copy_of(after), REAL_MARGIN, snapshot_wall)

            # The base every share starts from: a second build that finds little to do, a while later.
            dbt(project, base_db, "build", "--vars", "{twilio_incremental_margin: 0 seconds}")
            for share in shares:
                for margin in ("0 seconds", REAL_MARGIN):
                    changed = copy_of(base_db)
                    touched = touch(changed, share)
                    snapshot_wall = snapshot(changed)
                    label = f"{share:.2%} ({touched:,} rows), margin {margin.split()[0]}{margin.split()[1][0]}"
                    compare(label, changed, copy_of(changed), margin, snapshot_wall)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        for name in copies:
            drop(name)
        if args.keep:
            print(f"  kept: {base_db}")
        else:
            drop(base_db)
        admin.close()


def table_rows_raw(database: str) -> dict[str, int]:
    connection = connect(dbname=database)
    with connection, connection.cursor() as cursor:
        counts = {}
        for name in COLLECTIONS:
            cursor.execute(sql.SQL("select count(*) from {}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(name)))
            counts[name] = cursor.fetchone()[0]
    connection.close()
    return counts


if __name__ == "__main__":
    main()
