"""Does a tick's dbt build cost the same with a year of history as with a day? One run, two warehouses.

The sandbox (its own process) serves one busy day. Two databases get that day synced, every core
collection (calls, recordings, transcriptions, feedback, conferences, participants, messages,
accounts, addresses, numbers); one is then padded with 365 days of synthetic history (copies of the
day shifted back one day at a time, with new SIDs and their links remapped, and their change times
shifted too, so the history is old). Both are built once (the full build a first run does). Then
each tick does what the schedule does every 3 hours: the sandbox clock moves 3 hours, today is
re-synced, and `dbt build` runs (incremental models, snapshots, timelines and every data test), on
both warehouses in turn. Printed: the first builds, then per tick the medians of the whole build and
of the models and snapshots alone (dbt's own timings, from run_results.json), and their ratios.

    .venv/bin/python benchmarks/dbt_tick.py --calls 1000 --messages 3000 --history-days 365

The ticks run seconds apart on the wall clock while the sandbox moves 3 hours, so the builds run
without the safety margin (a var, 15 minutes by default): with it, every tick would also re-read
everything synced in the last quarter of an hour of wall-clock time, in both warehouses alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
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

import requests
from common import client_for, sandbox_process, use_warehouse
from psycopg2 import sql

from twilio_assets.catalog import BY_NAME
from twilio_assets.dbt import DBT_PROJECT_DIR, dbt_executable
from twilio_assets.dbt.sources import CATALOGUE_FILE, SOURCES_FILE, write_generated_files
from twilio_assets.instances import Instance, SyncSettings
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import TwilioClient
from twilio_assets.warehouse import connect

NOW = "2026-03-10T12:00:00Z"
SCHEMA = "twilio"
# Synced in this order: participants are read per conference, so conferences come first.
COLLECTIONS = (
    "accounts",
    "addresses",
    "incoming_phone_numbers",
    "calls",
    "conferences",
    "conference_participants",
    "recordings",
    "transcriptions",
    "messages",
    "call_feedback",
)
# Lists of what exists now, not history: left as synced.
NOT_PADDED = {"accounts", "addresses", "incoming_phone_numbers"}
# Text columns holding the SID of a padded record: remapped in each copy, so links stay inside it.
REMAPPED = {"sid", "parent_call_sid", "call_sid", "conference_sid", "recording_sid", "participant_sid"}
MARGIN = "{twilio_incremental_margin: 0 seconds}"


def sid_copy(column: sql.Composable) -> sql.Composable:
    """The SID of copy n of a record: same prefix, new hex (NULL and "" stay as they are)."""
    return sql.SQL(
        "case when coalesce({c}, '') = '' then {c} else left({c}, 2) || left(md5({c} || n::text), 32) end"
    ).format(c=column)


def sync_day(client: TwilioClient, account: str, database: str, day: dt.date) -> None:
    """Sync one day of every benchmarked collection into `database`, as a tick does."""
    for name in COLLECTIONS:
        sync_collection(
            client=client,
            connect=functools.partial(connect, dbname=database),
            schema=SCHEMA,
            collection=BY_NAME[name],
            window=Window.for_days(day, day),
            accounts=[account],
            main_account_sid=account,
            run_id="bench",
        )


def pad_history(database: str, days: int) -> int:
    """Copy the synced day `days` times into the past, every padded collection alike."""
    padded = 0
    connection = connect(dbname=database)
    with connection, connection.cursor() as cursor:
        for name in COLLECTIONS:
            if name in NOT_PADDED:
                continue
            cursor.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (SCHEMA, name),
            )
            columns = cursor.fetchall()
            exprs = []
            for column, data_type in columns:
                source = sql.SQL("t.{}").format(sql.Identifier(column))
                if column in REMAPPED:
                    exprs.append(sid_copy(source))
                elif data_type == "timestamp with time zone":
                    exprs.append(sql.SQL("{} - n * interval '1 day'").format(source))
                else:
                    exprs.append(source)
            table = sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(name))
            cursor.execute(
                sql.SQL(
                    "insert into {table} ({cols}) select {exprs} from {table} t cross join generate_series(1, %s) n"
                ).format(
                    table=table,
                    cols=sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns),
                    exprs=sql.SQL(", ").join(exprs),
                ),
                (days,),
            )
            padded += cursor.rowcount
            cursor.execute(
                sql.SQL("update {}._twilio_table_stats set live = live + %s where table_name = %s").format(
                    sql.Identifier(SCHEMA)
                ),
                (cursor.rowcount, name),
            )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("vacuum analyze")
    connection.close()
    return padded


def make_project(destination: Path) -> Path:
    """The repository's dbt project, with sources for one instance syncing the core collections."""
    ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", SOURCES_FILE.name, CATALOGUE_FILE.name)
    shutil.copytree(DBT_PROJECT_DIR, destination, ignore=ignore)
    settings = SyncSettings(instances=(Instance(name="twilio", schema=SCHEMA, collection_names=COLLECTIONS),))
    write_generated_files(settings, destination)
    return destination


def dbt_build(project: Path, database: str, *args: str) -> dict[str, float]:
    """Run `dbt build`; return its wall time and dbt's own time for models and snapshots, and tests."""
    started = time.monotonic()
    done = subprocess.run(
        [dbt_executable(), "build", "--project-dir", str(project), "--profiles-dir", str(project), *args],
        env={**os.environ, "PGDATABASE": database},
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        failed = [line for line in done.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        print("\n".join(failed[-10:]) or done.stdout[-3000:], file=sys.stderr)
        raise SystemExit(f"dbt build failed in {database}")
    results = json.loads((project / "target" / "run_results.json").read_text())
    by_kind = {"models": 0.0, "tests": 0.0}
    for result in results["results"]:
        kind = "tests" if result["unique_id"].startswith("test.") else "models"
        by_kind[kind] += result["execution_time"]
        by_kind[result["unique_id"]] = result["execution_time"]
    return {"wall": wall, "elapsed": results["elapsed_time"], **by_kind}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls per day")
    parser.add_argument("--messages", type=int, default=3000, help="messages per day")
    parser.add_argument("--conferences", type=int, default=20, help="conferences per day")
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--ticks", type=int, default=3, help="timed ticks per warehouse")
    parser.add_argument("--slowest", type=int, default=5, help="nodes whose tick time grows most to list")
    parser.add_argument("--keep", action="store_true", help="keep the two databases (their names are printed)")
    args = parser.parse_args()
    where = use_warehouse()
    flags = ["--now", NOW, "--days", "1", "--subaccounts", "0"]
    flags += ["--calls-per-day", str(args.calls), "--messages-per-day", str(args.messages)]
    flags += ["--conferences-per-day", str(args.conferences)]
    suffix = uuid.uuid4().hex[:8]
    long_label = f"{args.history_days + 1} days"
    databases = {"1 day": f"bench_dbt_short_{suffix}", long_label: f"bench_dbt_long_{suffix}"}
    admin = connect(dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        for database in databases.values():
            cursor.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    root = Path(tempfile.mkdtemp(prefix="bench-dbt-"))
    try:
        with sandbox_process(*flags) as (base, env):
            client = client_for(base, env)
            account = env["TWILIO_ACCOUNT_SID"]
            clock = dt.datetime.fromisoformat(NOW.replace("Z", "+00:00"))

            def sync(database: str) -> None:
                sync_day(client, account, database, clock.date())

            for database in databases.values():
                sync(database)
            padded = pad_history(databases[long_label], args.history_days)
            projects = {label: make_project(root / label.replace(" ", "_") / "dbt_project") for label in databases}
            print(
                f"dbt build of a 3-hour tick: {args.calls:,} calls, {args.messages:,} messages and "
                f"{args.conferences} conferences a day; PostgreSQL at {where}; history padded with {padded:,} rows"
            )
            for label, database in databases.items():
                first = dbt_build(projects[label], database, "--vars", MARGIN)
                print(
                    f"  first (full) build, history {label:>9}: {first['wall']:6.1f} s wall, models and snapshots "
                    f"{first['models']:6.1f} s, tests {first['tests']:6.1f} s"
                )
            timings: dict[str, list[dict[str, float]]] = {label: [] for label in databases}
            for _ in range(args.ticks):
                clock += dt.timedelta(hours=3)
                requests.post(
                    f"{base}/__sandbox__/clock", json={"now": clock.isoformat()}, timeout=10
                ).raise_for_status()
                for label, database in databases.items():
                    sync(database)
                    timings[label].append(dbt_build(projects[label], database, "--vars", MARGIN))
        medians = {
            label: {kind: statistics.median(t[kind] for t in values) for kind in ("wall", "models", "tests")}
            for label, values in timings.items()
        }
        for label, median in medians.items():
            print(
                f"  tick build, history {label:>9}: median {median['wall']:6.2f} s wall, models and snapshots "
                f"{median['models']:6.2f} s, tests {median['tests']:6.2f} s (over {args.ticks} ticks)"
            )
        short, long = medians["1 day"], medians[long_label]
        print(
            f"  ratio long/short history: whole build (wall) {long['wall'] / short['wall']:4.2f}, "
            f"models and snapshots {long['models'] / short['models']:4.2f}, tests {long['tests'] / short['tests']:4.2f}"
        )
        nodes = {
            node: [statistics.median(t.get(node, 0.0) for t in timings[label]) for label in databases]
            for node in timings["1 day"][0]
            if "." in node
        }
        growth = sorted(nodes.items(), key=lambda item: item[1][0] - item[1][1])[: args.slowest]
        if growth:
            print("  nodes whose tick time grows most with the history (median s, 1 day → long):")
            for node, (one, many) in growth:
                print(f"    {node}: {one:.2f} → {many:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if args.keep:
            print(f"  kept: {', '.join(databases.values())}")
            databases = {}
        with admin.cursor() as cursor:
            for database in databases.values():
                cursor.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        admin.close()


if __name__ == "__main__":
    main()
