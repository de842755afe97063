"""How fast the sandbox serves a big day: 1,000,000 messages, paged 1000 at a time.

    .venv/bin/python benchmarks/sandbox_throughput.py --pages 200

Starts a SandboxServer in-process, follows next_page_uri with one keep-alive
requests.Session, and prints records/s (client and server share the machine).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

import requests

from twilio_assets.sandbox import SandboxConfig, SandboxServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100, help="pages of 1000 to read (default 100)")
    parser.add_argument("--messages-per-day", type=int, default=1_000_000)
    args = parser.parse_args()

    day = "2025-03-10"
    config = SandboxConfig(
        now=datetime(2025, 3, 10, 23, 59, 59, tzinfo=UTC), days=1, subaccounts=0, messages_per_day=args.messages_per_day
    )
    with SandboxServer(config) as server:
        account = config.main_account_sid
        print(f"day {day}: {server.world.count(account, 'messages'):,} messages listed (after deletions)")
        session = requests.Session()
        session.auth = (account, config.auth_token)
        url = f"{server.base_url}/2010-04-01/Accounts/{account}/Messages.json"
        params = {"DateSent": day, "PageSize": 1000}
        records = pages = 0
        started = time.perf_counter()
        while url and pages < args.pages:
            response = session.get(url, params=params, timeout=60)
            response.raise_for_status()
            body = response.json()
            records += len(body["messages"])
            pages += 1
            nxt = body["next_page_uri"]
            url, params = (server.base_url + nxt, None) if nxt else (None, None)
        elapsed = time.perf_counter() - started
        print(f"{records:,} records in {pages} pages, {elapsed:.2f} s: {records / elapsed:,.0f} records/s")


if __name__ == "__main__":
    main()
