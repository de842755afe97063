"""The loader against PostgreSQL's COPY, on the same rows, in one run; and memory as the day grows.

For each day size, the sandbox (its own process) serves one day of messages; its pages are saved to
a file first, so that only loading is timed. Then, on those same records:

* the engine's loader: each page's JSON as Twilio sent it (json.loads included, as the client does it)
  merged into the messages table with the collection's typing, dedup, deletion bookkeeping and upsert;
* raw COPY: the same records, already typed as CSV, COPYed into a bare table with the same columns.

Each size runs in a child process, so its peak RSS is its own: flat memory means the peak barely
moves while the day grows tenfold.

    .venv/bin/python benchmarks/loader_vs_copy.py --messages 20000 200000
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

from common import client_for, peak_rss_mib, sandbox_process, use_warehouse
from psycopg2 import sql

from twilio_assets.catalog import BY_NAME
from twilio_assets.twilio_api.client import parse_json
from twilio_assets.warehouse import Merger, connect, ensure_schema, ensure_table, table_for

NOW = "2026-03-10T23:59:00Z"
MESSAGES = BY_NAME["messages"]


def save_pages(messages_per_day: int, path: str) -> int:
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
    records = 0
    with sandbox_process(*flags) as (base, env), open(path, "w") as out:
        client = client_for(base, env)
        url = f"{base}/2010-04-01/Accounts/{env['TWILIO_ACCOUNT_SID']}/Messages.json"
        for page in client.pages(url, {"DateSent": NOW[:10]}, "messages"):
            out.write(page.text.replace("\n", " ") + "\n")
            records += len(page.records)
    return records


def pages(path: str):
    with open(path) as source:
        yield from source


def load_with_engine(path: str, schema: str) -> tuple[int, float]:
    connection = connect()
    ensure_schema(connection, schema)
    table = table_for(schema, MESSAGES)
    records = 0
    with connection, connection.cursor() as cursor:
        # Creating the table is outside the clock, as it is for COPY's bare table.
        ensure_table(cursor, table, MESSAGES)
    started = time.monotonic()
    with connection, connection.cursor() as cursor:
        merger = Merger(cursor, table, MESSAGES, "benchmark", None, may_revive=False)
        for text in pages(path):
            records += len(parse_json(text)["messages"])  # the client parses each page once, so do we
            merger.merge_page(text, "messages", "day")
    seconds = time.monotonic() - started
    connection.close()
    return records, seconds


class _TypedCsv(io.RawIOBase):
    """The records as typed CSV, produced page by page while COPY reads (memory stays flat)."""

    def __init__(self, path: str) -> None:
        self._rows = self._generate(path)
        self._buffer = b""

    def _generate(self, path: str):
        for text in pages(path):
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            for record in json.loads(text)["messages"]:
                values = [column.extract(record) for column in MESSAGES.columns]
                writer.writerow([*values, json.dumps(record, separators=(",", ":"))])
            yield out.getvalue().encode()

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._rows)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n], self._buffer = self._buffer[:n], self._buffer[n:]
        return n


def copy_raw(path: str, schema: str) -> tuple[int, float]:
    connection = connect()
    bare = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier("messages_copy"))
    columns = [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.kind.pg_type)) for c in MESSAGES.columns]
    with connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("create table {} ({}, _raw jsonb)").format(bare, sql.SQL(", ").join(columns)))
    # Typing to CSV happens before the clock starts: only COPY is timed.
    csv_path = path + ".csv"
    with open(csv_path, "wb") as out:
        reader = _TypedCsv(path)
        while chunk := reader.read(1 << 20):
            out.write(chunk)
    started = time.monotonic()
    with connection, connection.cursor() as cursor, open(csv_path) as source:
        cursor.copy_expert(sql.SQL("copy {} from stdin with (format csv)").format(bare).as_string(cursor), source)
        rows = cursor.rowcount
    seconds = time.monotonic() - started
    os.unlink(csv_path)
    connection.close()
    return rows, seconds


def child(messages_per_day: int, path: str, repeat: int) -> None:
    # Best of `repeat` runs of each, alternating, each into a fresh schema: the machine is noisy.
    engine_seconds = copy_seconds = float("inf")
    for _ in range(repeat):
        schema = f"bench_loader_{uuid.uuid4().hex[:8]}"
        records, seconds = load_with_engine(path, schema)
        engine_seconds = min(engine_seconds, seconds)
        engine_rss = peak_rss_mib()
        rows, seconds = copy_raw(path, schema)
        copy_seconds = min(copy_seconds, seconds)
        drop(schema)
    engine_rate, copy_rate = records / engine_seconds, rows / copy_seconds
    print(
        f"{messages_per_day:>9,} messages: engine {engine_rate:8,.0f} records/s ({engine_seconds:5.1f} s), "
        f"raw COPY {copy_rate:8,.0f} rows/s ({copy_seconds:5.1f} s), COPY/engine {copy_rate / engine_rate:4.2f}x; "
        f"engine peak RSS {engine_rss:4.0f} MiB (best of {repeat})"
    )


def drop(schema: str) -> None:
    connection = connect()
    with connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[20_000, 200_000], help="day sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each loader; the best is printed")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    where = use_warehouse()
    if args.child:
        child(int(args.child[0]), args.child[1], args.repeat)
        return
    print(f"loader vs COPY, one day of messages per size, PostgreSQL at {where}")
    for size in sorted(args.messages):
        with tempfile.NamedTemporaryFile(suffix=".pages") as saved:
            save_pages(size, saved.name)
            subprocess.run(
                [sys.executable, __file__, "--child", str(size), saved.name, "--repeat", str(args.repeat)], check=True
            )


if __name__ == "__main__":
    main()
