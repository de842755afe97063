"""Does a tick cost the same with a year of history as with a day? One run, both tables, a ratio.

The sandbox (its own process) serves today's messages. Two schemas get the same day synced; one is
then padded with 365 days of synthetic history (copies of the day, shifted back one day at a time,
with new SIDs). A tick is what the schedule does every 3 hours: the engine re-reads today's window
(pending block included) and upserts, marks deletions in its scope, counts the listed-vs-stored check
and reads the table's totals. Each tick is timed several times on both tables, alternating; the
medians and their ratio are printed.

    .venv/bin/python benchmarks/tick_history.py --messages 5000 --history-days 365
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
import uuid

from common import client_for, sandbox_process, use_warehouse
from psycopg2 import sql

from twilio_assets.catalog import BY_NAME
from twilio_assets.sync import Window, sync_collection
from twilio_assets.warehouse import connect

NOW = "2026-03-10T21:00:00Z"
MESSAGES = BY_NAME["messages"]


def pad_history(schema: str, days: int) -> int:
    """Copy the synced day `days` times into the past, with fresh SIDs and shifted timestamps."""
    table = sql.SQL("{}.messages").format(sql.Identifier(schema))
    names = [c.name for c in MESSAGES.columns]
    shifted = {"date_sent", "date_created", "date_updated"}
    exprs = []
    for name in names:
        if name == "sid":
            exprs.append(sql.SQL("'SM' || md5(t.sid || n::text)"))
        elif name in shifted:
            exprs.append(sql.SQL("t.{} - n * interval '1 day'").format(sql.Identifier(name)))
        else:
            exprs.append(sql.SQL("t.{}").format(sql.Identifier(name)))
    connection = connect()
    with connection, connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "insert into {table} ({cols}, _raw, _first_loaded_at, _last_changed_at, _deleted_at, _run_id) "
                "select {exprs}, t._raw, t._first_loaded_at, t._last_changed_at, t._deleted_at, 'padding' "
                "from {table} t cross join generate_series(1, %s) as n where t.date_sent is not null"
            ).format(
                table=table,
                cols=sql.SQL(", ").join(sql.Identifier(n) for n in names),
                exprs=sql.SQL(", ").join(exprs),
            ),
            (days,),
        )
        padded = cursor.rowcount
        # Unsent messages are not history: they stay where the pending block is.
        # Keep the running totals honest about the padding (a sync keeps them after this).
        cursor.execute(
            sql.SQL("update {}._twilio_table_stats set live = live + %s where table_name = 'messages'").format(
                sql.Identifier(schema)
            ),
            (padded,),
        )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("vacuum analyze {}").format(table))
    connection.close()
    return padded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000, help="messages per day")
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--ticks", type=int, default=5, help="timed ticks per table")
    args = parser.parse_args()
    where = use_warehouse()
    flags = ["--now", NOW, "--days", "1", "--messages-per-day", str(args.messages), "--subaccounts", "0"]
    with sandbox_process(*flags) as (base, env):
        client = client_for(base, env)
        account = env["TWILIO_ACCOUNT_SID"]
        today = dt.date.fromisoformat(NOW[:10])
        window = Window.for_days(today, today)
        suffix = uuid.uuid4().hex[:8]
        schemas = {"1 day": f"bench_tick_short_{suffix}", f"{args.history_days + 1} days": f"bench_tick_long_{suffix}"}

        def tick(schema: str):
            return sync_collection(
                client=client,
                connect=connect,
                schema=schema,
                collection=MESSAGES,
                window=window,
                accounts=[account],
                main_account_sid=account,
                run_id="tick",
            )

        for schema in schemas.values():
            tick(schema)
        padded = pad_history(schemas[f"{args.history_days + 1} days"], args.history_days)
        print(
            f"tick of one day of messages ({args.messages:,}/day), PostgreSQL at {where}; "
            f"history padded with {padded:,} rows"
        )
        timings: dict[str, list[float]] = {label: [] for label in schemas}
        totals: dict[str, int] = {}
        for _ in range(args.ticks):
            for label, schema in schemas.items():
                started = time.monotonic()
                result = tick(schema)
                timings[label].append(time.monotonic() - started)
                totals[label] = result.live_rows
                assert not result.mismatched_parts, result.parts
        for label, values in timings.items():
            print(
                f"  history {label:>10}: median tick {statistics.median(values):6.3f} s over {len(values)} ticks "
                f"({totals[label]:,} rows in the table)"
            )
        short, long = (statistics.median(v) for v in timings.values())
        print(f"  ratio long/short history: {long / short:4.2f}")
        connection = connect()
        with connection, connection.cursor() as cursor:
            for schema in schemas.values():
                cursor.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        connection.close()


if __name__ == "__main__":
    main()
