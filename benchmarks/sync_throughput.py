"""How fast does one large day sync end to end, from the sandbox over HTTP into PostgreSQL?

Starts the sandbox in its own process with N messages per day, then syncs one day of messages with
the real engine (first sync, then a re-sync that finds everything unchanged), and prints records/s
and this process's peak memory. The sandbox shares the machine's cores with the engine and
PostgreSQL, so this is a whole-pipeline figure; `loader_vs_copy.py` measures the loader alone.

    .venv/bin/python benchmarks/sync_throughput.py --messages 20000 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from common import client_for, peak_rss_mib, sandbox_process, use_warehouse

from twilio_assets.catalog import BY_NAME
from twilio_assets.sync import Window, sync_collection
from twilio_assets.warehouse import connect

NOW = "2026-03-10T23:59:00Z"


def run(messages_per_day: int, schema: str) -> None:
    flags = [
        "--now",
        NOW,
        "--days",
        "1",
        "--messages-per-day",
        str(messages_per_day),
        "--subaccounts",
        "0",
        "--scheduled-per-day",
        "0",
    ]
    with sandbox_process(*flags) as (base, env):
        client = client_for(base, env)
        day = dt.date.fromisoformat(NOW[:10])
        for label in ("first sync", "re-sync"):
            started = time.monotonic()
            result = sync_collection(
                client=client,
                connect=connect,
                schema=schema,
                collection=BY_NAME["messages"],
                window=Window.for_days(day, day),
                accounts=[env["TWILIO_ACCOUNT_SID"]],
                main_account_sid=env["TWILIO_ACCOUNT_SID"],
                run_id="benchmark",
            )
            seconds = time.monotonic() - started
            print(
                f"{messages_per_day:>10,} messages/day, {label:<10}: {result.fetched:>10,} records in "
                f"{result.pages:,} pages, {seconds:6.1f} s, {result.fetched / seconds:8,.0f} records/s "
                f"({result.inserted:,} inserted, {result.unchanged:,} unchanged), peak RSS {peak_rss_mib():4.0f} MiB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[20_000, 200_000], help="day sizes to sync")
    args = parser.parse_args()
    where = use_warehouse()
    print(f"sync of one day of messages, sandbox in its own process, PostgreSQL at {where}")
    for size in sorted(args.messages):
        # Each size in a fresh schema, so its first pass inserts everything.
        run(size, schema=f"bench_{size}_{int(time.time())}")


if __name__ == "__main__":
    main()
