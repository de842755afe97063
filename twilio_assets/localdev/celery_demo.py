"""`make celery-demo`: the sync job's steps on Celery workers, with a local Redis broker.

Starts the embedded PostgreSQL (or uses PG*), a Redis broker, the sandbox with Twilio-like latency,
and N Celery workers; runs one single-run backfill of the sandbox's days (every raw collection) with
the Celery executor, recorded in the Dagster instance (`make dev` shows it); prints how many steps each
worker took, the wall time, and whether every collection equals the sandbox. With `--workers 1 2` it
runs once per worker count, each into a fresh database, so the wall times compare.

    .venv/bin/python -m twilio_assets.localdev.celery_demo --workers 1 2 --latency-ms 100
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from ..catalog import ALL_COLLECTIONS
from ..distributed.settings import BROKER_ENV, EXECUTOR_ENV
from ..sandbox.oracle import expected_records
from ..sandbox.server import SandboxServer
from .postgres import create_missing_databases
from .redis import LocalRedis
from .stack import dagster_env, demo_sandbox_config, ensure_dagster_database, warehouse_env

DATABASE = "celery_demo"


def _fresh_database(pg: dict[str, str], name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host=pg["PGHOST"], port=pg["PGPORT"], user=pg["PGUSER"], password=pg["PGPASSWORD"], dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'drop database if exists "{name}" with (force)')
    create_missing_databases(connection, [name])
    connection.close()


def _matches(pg: dict[str, str], sandbox: SandboxServer) -> list[str]:
    from ..warehouse import connect

    mismatched = []
    main = sandbox.config.main_account_sid
    connection = connect(
        host=pg["PGHOST"], port=pg["PGPORT"], user=pg["PGUSER"], password=pg["PGPASSWORD"], dbname=pg["PGDATABASE"]
    )
    with connection, connection.cursor() as cursor:
        for collection in ALL_COLLECTIONS:
            cursor.execute(
                f'select "{collection.primary_key}", _raw from twilio."{collection.name}" where _deleted_at is null'
            )
            stored = dict(cursor.fetchall())
            expected = {collection.key_of(r): r for r in expected_records(sandbox.world, collection.name, [main])}
            if stored != expected:
                mismatched.append(collection.name)
    connection.close()
    return mismatched


def run(worker_counts: list[int], latency_ms: int) -> int:
    import dagster as dg

    from ..distributed.run import run_on_workers, steps_per_process
    from ..distributed.workers import Workers

    base = warehouse_env()
    dagster = dagster_env(base)
    ensure_dagster_database(dagster)
    config = demo_sandbox_config(subaccounts=0, latency_ms=latency_ms)
    failures = 0
    with SandboxServer(config) as sandbox, LocalRedis() as broker:
        first, last = config.first_day.isoformat(), config.now.date().isoformat()
        print(
            f"sync job on Celery workers: {first} .. {last}, sandbox latency {latency_ms} ms, broker {broker.display_url}"
        )
        for count in worker_counts:
            pg = {**base, "PGDATABASE": f"{DATABASE}_{count}"}
            _fresh_database(pg, pg["PGDATABASE"])
            env = {
                **pg,
                **dagster,
                BROKER_ENV: broker.url,
                EXECUTOR_ENV: "celery",
                "TWILIO_ACCOUNT_SID": config.main_account_sid,
                "TWILIO_AUTH_TOKEN": config.auth_token,
                "TWILIO_BASE_URL": sandbox.base_url,
                "TWILIO_START_DATE": first,
            }
            os.environ.pop("TWILIO_INSTANCES_FILE", None)
            os.environ.update(env)
            raw = [dg.AssetKey(["twilio", c.name]) for c in ALL_COLLECTIONS]
            with tempfile.TemporaryDirectory() as logs, Workers(count, env, Path(logs)):
                with dg.DagsterInstance.get() as instance:
                    started = time.monotonic()
                    result = run_on_workers(instance, first, last, raw, log_level="WARNING")
                    seconds = time.monotonic() - started
                    per_process = steps_per_process(instance, result.run_id)
            mismatched = _matches(pg, sandbox) if result.success else ["(run failed)"]
            failures += bool(mismatched) or not result.success
            spread = ", ".join(f"{n}" for n in sorted(per_process.values(), reverse=True))
            print(
                f"  {count} worker(s): {seconds:6.1f} s, steps per worker [{spread}], "
                + ("every collection equals the sandbox" if not mismatched else f"MISMATCH: {', '.join(mismatched)}")
            )
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2], help="worker counts to run with")
    parser.add_argument("--latency-ms", type=int, default=100, help="sandbox latency per request")
    args = parser.parse_args()
    sys.exit(run(args.workers, args.latency_ms))


if __name__ == "__main__":
    main()
