"""Per-partition freshness: were today and the lookback days synced within the freshness window?

The materialization's own check says whether a sync stored what Twilio listed; this one says whether
the recent partitions are being kept up to date at all (the schedule is on, its runs succeed). It reads
the sync log, which records each account's sync with its window in the same transaction as the data.
"""

import datetime as dt

import dagster as dg
from psycopg2 import sql

from ..catalog import Collection
from ..instances import Instance
from ..warehouse.tables import SYNC_LOG_TABLE
from .resources import WarehouseResource

RECENT_DAYS_SYNCED = "recent_days_synced"


def last_synced(cursor, schema: str, collection: str, days: list[dt.date]) -> dict[dt.date, dt.datetime | None]:
    """For each day, when a sync whose window covered it last finished (None: never)."""
    found = {}
    for day in days:
        start = dt.datetime.combine(day, dt.time(), dt.UTC)
        cursor.execute(
            sql.SQL(
                "select max(finished_at) from {}.{} where collection = %s and window_end >= %s and window_start <= %s"
            ).format(sql.Identifier(schema), sql.Identifier(SYNC_LOG_TABLE)),
            (collection, start + dt.timedelta(days=1), start),
        )
        found[day] = cursor.fetchone()[0]
    return found


def stale_days(
    synced: dict[dt.date, dt.datetime | None], now: dt.datetime, fail_after: dt.timedelta
) -> dict[dt.date, str]:
    return {
        day: ("never synced" if moment is None else f"last synced {moment:%Y-%m-%d %H:%M} UTC")
        for day, moment in sorted(synced.items())
        if moment is None or now - moment > fail_after
    }


def build_freshness_check(
    instance: Instance, collection: Collection, key: dg.AssetKey, fail_after: dt.timedelta
) -> dg.AssetChecksDefinition:
    hours = fail_after.total_seconds() / 3600

    @dg.asset_check(
        asset=key,
        name=RECENT_DAYS_SYNCED,
        description=(
            f"Today (UTC) and the {instance.lookback_days} day(s) before it were each synced within the last "
            f"{hours:g} hours, according to {instance.schema}.{SYNC_LOG_TABLE}."
        ),
        required_resource_keys={"warehouse"},
        blocking=False,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        warehouse: WarehouseResource = context.resources.warehouse
        connection = warehouse.connect()
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(
                    "select now(), to_regclass(%s) is not null", (f'"{instance.schema}"."{SYNC_LOG_TABLE}"',)
                )
                now, has_log = cursor.fetchone()
                today = now.astimezone(dt.UTC).date()
                days = [today - dt.timedelta(days=n) for n in range(instance.lookback_days, -1, -1)]
                synced = last_synced(cursor, instance.schema, collection.name, days) if has_log else dict.fromkeys(days)
        finally:
            connection.close()
        stale = stale_days(synced, now, fail_after)
        return dg.AssetCheckResult(
            passed=not stale,
            description=(
                "every recent day is fresh"
                if not stale
                else "stale: "
                + "; ".join(f"{day} {why}" for day, why in stale.items())
                + ". Fix: turn on the twilio_sync_every_3_hours schedule, or materialize these partitions."
            ),
            metadata={
                day.isoformat(): dg.MetadataValue.text(
                    "never" if moment is None else moment.isoformat(timespec="seconds")
                )
                for day, moment in synced.items()
            },
        )

    return _check
