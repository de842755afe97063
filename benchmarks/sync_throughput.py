"""How fast does one large day sync, and does memory stay flat as the day grows?

Starts the sandbox in its own process with N messages per day, then syncs one day of messages with
the real engine into PostgreSQL (the PG* server, or the embedded one), and prints records/s and this
process's peak memory. Run it for two sizes: if memory is flat, peak RSS barely moves while the
records grow tenfold.

    .venv/bin/python benchmarks/sync_throughput.py --messages 20000 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time

import requests

from twilio_assets.catalog import BY_NAME
from twilio_assets.localdev.postgres import free_port
from twilio_assets.localdev.stack import warehouse_env
from twilio_assets.sync import Window, sync_collection
from twilio_assets.twilio_api import Hosts, TwilioClient
from twilio_assets.warehouse import connect

NOW = "2026-03-10T23:59:00Z"


def start_sandbox(messages_per_day: int) -> tuple[subprocess.Popen, str, dict[str, str]]:
    port = free_port()
    args = [sys.executable, "-m", "twilio_assets.sandbox", "--port", str(port), "--now", NOW, "--days", "1",
            "--messages-per-day", str(messages_per_day), "--subaccounts", "0"]
    env_lines = subprocess.run([*args, "--print-env"], capture_output=True, text=True, check=True).stdout
    env = dict(line.removeprefix("export ").split("=", 1) for line in env_lines.splitlines() if line.startswith("export "))
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{base}/__sandbox__/info", timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return process, base, env


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(messages_per_day: int, schema: str) -> None:
    process, base, env = start_sandbox(messages_per_day)
    try:
        client = TwilioClient.with_basic(
            env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"], Hosts.build(base_url=base), "benchmark"
        )
        day = dt.date.fromisoformat(NOW[:10])
        connection = connect()
        # First pass inserts every row; the second re-reads the same day (a schedule tick) and
        # finds every record unchanged, so it only compares.
        for label in ("first sync", "re-sync"):
            started = time.monotonic()
            result = sync_collection(
                client=client, connection=connection, schema=schema, collection=BY_NAME["messages"],
                window=Window.for_days(day, day), accounts=[env["TWILIO_ACCOUNT_SID"]],
                main_account_sid=env["TWILIO_ACCOUNT_SID"], run_id="benchmark",
            )
            seconds = time.monotonic() - started
            print(
                f"{messages_per_day:>10,} messages/day, {label:<10}: {result.fetched:>10,} records in "
                f"{result.pages:,} pages, {seconds:6.1f} s, {result.fetched / seconds:8,.0f} records/s "
                f"({result.inserted:,} inserted, {result.unchanged:,} unchanged), peak RSS {peak_rss_mib():4.0f} MiB"
            )
        connection.close()
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[20_000, 200_000], help="day sizes to sync")
    args = parser.parse_args()
    os.environ.update(warehouse_env())
    print(f"sync of one day of messages, sandbox in its own process, PostgreSQL at {os.environ['PGHOST']}:{os.environ['PGPORT']}")
    for size in sorted(args.messages):
        # Each size in a fresh schema, so its first pass inserts everything.
        run(size, schema=f"bench_{size}_{int(time.time())}")


if __name__ == "__main__":
    main()
