"""A 30-day backfill under one per-account in-flight budget, against a sandbox with Twilio's latency.

The sandbox (its own process) answers every request after `--latency-ms` and refuses with 429 any
request beyond `--concurrency-limit` in flight for the account. Four collections are backfilled at
once, like the steps of one Dagster run: each has its own client and its own PostgreSQL session for
the budget's slots (as each step process has), so only the shared slots keep them inside the budget.
The backfill runs with a budget of 1 (the sequential time) and with the budget; printed: both wall
times, the ideal (sequential ÷ budget), their ratio, and from the sandbox the peak number of requests
in flight and the 429s it had to send for going over.

    .venv/bin/python benchmarks/concurrency.py --budget 4 --latency-ms 200 --days 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from common import client_for, sandbox_process, use_warehouse
from psycopg2 import sql

from twilio_assets.catalog import BY_NAME
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import InFlightLimit
from twilio_assets.warehouse import connect
from twilio_assets.warehouse.slots import PostgresSlots

NOW = "2026-03-10T12:00:00Z"
STEPS = ("calls", "messages", "call_feedback", "conference_participants")


def backfill(base: str, env: dict[str, str], budget: int, days: int) -> tuple[float, int]:
    account = env["TWILIO_ACCOUNT_SID"]
    last = dt.date.fromisoformat(NOW[:10])
    window = Window.for_days(last - dt.timedelta(days=days - 1), last)
    schema = f"bench_budget_{uuid.uuid4().hex[:8]}"

    def step(name: str) -> int:
        slots = PostgresSlots(connect, account, budget)
        client = client_for(base, env, InFlightLimit(budget, slots))
        try:
            result = sync_collection(
                client=client,
                connect=connect,
                schema=schema,
                collection=BY_NAME[name],
                window=window,
                accounts=[account],
                main_account_sid=account,
                run_id="bench",
            )
            return result.requests
        finally:
            slots.close()
            client.close()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(STEPS)) as pool:
        request_count = sum(pool.map(step, STEPS))
    seconds = time.monotonic() - started
    connection = connect()
    with connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
    connection.close()
    return seconds, request_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    where = use_warehouse()
    flags = [
        "--now",
        NOW,
        "--days",
        str(args.days),
        "--subaccounts",
        "0",
        "--calls-per-day",
        "6",
        "--messages-per-day",
        "30",
        "--conferences-per-day",
        "3",
        "--latency-ms",
        str(args.latency_ms),
        "--concurrency-limit",
        str(args.budget),
    ]
    with sandbox_process(*flags) as (base, env):
        account = env["TWILIO_ACCOUNT_SID"]
        print(
            f"{args.days}-day backfill of {', '.join(STEPS)} at once; sandbox latency {args.latency_ms} ms, "
            f"429 above {args.budget} in flight; PostgreSQL at {where}"
        )
        walls = {}
        for budget in (1, args.budget):
            requests.post(f"{base}/__sandbox__/faults", json={"reset_counters": True}, timeout=5).raise_for_status()
            seconds, count = backfill(base, env, budget, args.days)
            info = requests.get(f"{base}/__sandbox__/info", timeout=5).json()
            peak = info.get("peak_inflight", {}).get(account, 0)
            over = info.get("faults_served", {}).get("concurrency", 0)
            walls[budget] = seconds
            print(
                f"  budget {budget:>2}: {count:>5,} requests in {seconds:6.1f} s; peak in flight {peak}, "
                f"429s for exceeding the limit: {over}"
            )
        ideal = walls[1] / args.budget
        print(
            f"  sequential ÷ budget = {ideal:.1f} s; wall time with the budget is {walls[args.budget] / ideal:4.2f}× that"
        )


if __name__ == "__main__":
    main()
