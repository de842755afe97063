"""`make demo`: sync every sandbox day of every collection through Dagster, then compare with the sandbox.

It starts (or reuses) the warehouse, starts the sandbox in this process, runs the sync job over the
sandbox's days as one single-run backfill recorded in the Dagster instance (so the runs show up in
`make dev`), and prints, per collection, the rows in the warehouse next to the sandbox's own count.
Exit status 0 means every collection matched and none was empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ..catalog import Collection
from ..instances import load_settings
from ..sandbox.server import SandboxServer
from .expected import expected_rows
from .stack import (
    SANDBOX_PORT,
    dagster_env,
    demo_sandbox_config,
    ensure_dagster_database,
    twilio_env,
    warehouse_env,
)


def _count_live_rows(connection, schema: str, collection: Collection) -> int:
    from psycopg2 import sql

    with connection.cursor() as cursor:
        cursor.execute("select to_regclass(%s)", (f"{schema}.{collection.name}",))
        if cursor.fetchone()[0] is None:
            return 0
        cursor.execute(
            sql.SQL("select count(*) from {}.{} where _deleted_at is null").format(
                sql.Identifier(schema), sql.Identifier(collection.name)
            )
        )
        return cursor.fetchone()[0]


def demo_accounts(config, selection) -> list[str]:
    """The sandbox accounts an instance's `accounts` setting selects."""
    if selection == "main":
        return [config.main_account_sid]
    if selection == "all":
        return [config.main_account_sid, *config.subaccount_sids]
    return list(selection)


def run_demo() -> int:
    started = time.monotonic()
    pg = warehouse_env()
    os.environ.update(pg)
    dagster = dagster_env(pg)
    os.environ.update(dagster)
    ensure_dagster_database(dagster)

    config = demo_sandbox_config()
    with SandboxServer(config, port=SANDBOX_PORT) as sandbox:
        os.environ.update(twilio_env(config, sandbox.base_url))
        # dbt sources for the demo's instance (not for any twilio_instances.yaml of yours).
        subprocess.run([sys.executable, "-m", "twilio_assets.dbt.prepare"], check=True)
        import dagster as dg

        from ..definitions import defs as load_definitions
        from ..defs.automation import RANGE_END_TAG, RANGE_START_TAG, SYNC_JOB
        from ..warehouse import connect

        settings = load_settings()
        definitions = load_definitions()
        job = definitions.resolve_job_def(SYNC_JOB)
        first, last = config.first_day.isoformat(), config.now.date().isoformat()
        print(
            f"Syncing {first} .. {last} from the sandbox at {sandbox.base_url} into {pg['PGHOST']}:{pg['PGPORT']}/{pg['PGDATABASE']}"
        )
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(
                instance=instance,
                tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
                # Progress lines only; every event is still in the instance for `make dev` to show.
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
                raise_on_error=False,
            )
        if not result.success:
            for event in result.all_events:
                if event.is_failure:
                    print(event.message, file=sys.stderr)
            print("The sync job failed; see the errors above.", file=sys.stderr)
            return 1

        print()
        header = f"{'instance':<12} {'collection':<26} {'warehouse':>10} {'sandbox':>10}  match"
        print(header)
        print("-" * len(header))
        all_match = True
        connection = connect()
        try:
            for instance_settings in settings.instances:
                for collection in instance_settings.collections:
                    warehouse_rows = _count_live_rows(connection, instance_settings.schema, collection)
                    accounts = demo_accounts(config, instance_settings.accounts)
                    sandbox_rows = len(list(expected_rows(sandbox.world, collection, accounts)))
                    match = warehouse_rows == sandbox_rows and sandbox_rows > 0
                    all_match &= match
                    print(
                        f"{instance_settings.name:<12} {collection.name:<26} {warehouse_rows:>10,} "
                        f"{sandbox_rows:>10,}  {'yes' if match else 'NO'}"
                    )
        finally:
            connection.close()
        print()
        print(f"{'dbt mart':<44} {'rows':>10}")
        print("-" * 55)
        connection = connect()
        try:
            graph = definitions.resolve_asset_graph()
            marts = sorted(key for key in graph.get_all_asset_keys() if graph.get(key).group_name == "marts")
            with connection.cursor() as cursor:
                for key in marts:
                    schema, name = key.path[-2], key.path[-1]
                    cursor.execute(f'select count(*) from "{schema}"."{name}"')
                    rows = cursor.fetchone()[0]
                    all_match &= rows > 0
                    print(f"{schema + '.' + name:<44} {rows:>10,}")
        finally:
            connection.close()
    print(
        f"\nDone in {time.monotonic() - started:.0f} s. "
        + ("Every collection matches and every mart has rows." if all_match else "Mismatches above.")
    )
    return 0 if all_match else 1


def main() -> None:
    sys.exit(run_demo())


if __name__ == "__main__":
    main()
