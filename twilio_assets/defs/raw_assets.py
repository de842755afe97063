"""One daily-partitioned asset per collection per instance, all built by one factory."""

import datetime as dt

import dagster as dg
from psycopg2 import sql

from ..catalog import Collection
from ..instances import Instance, SyncSettings
from ..sync import Redaction, SyncResult, Window, sync_collection
from ..sync.accounts import resolve_accounts
from ..warehouse import META_COLUMNS, table_for
from .partitions import daily_partitions
from .resources import TwilioResource, WarehouseResource

PRIMARY_KEY_CHECK = "primary_key_unique_and_not_null"
# The schedule ticks every 3 hours; a sync takes minutes. Warn once 3 hours have passed without a
# successful materialization, fail after 3 h 30 min (one missed tick plus slack for a slow run).
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=3, minutes=30), warn_window=dt.timedelta(hours=3))


def raw_asset_key(instance: Instance, collection: Collection) -> dg.AssetKey:
    return dg.AssetKey([instance.schema, collection.name])


def column_schema(collection: Collection) -> dg.TableSchema:
    columns = [
        dg.TableColumn(
            name=c.name,
            type=c.kind.pg_type,
            description=c.description or None,
            constraints=dg.TableColumnConstraints(nullable=c.name != collection.primary_key, unique=c.name == collection.primary_key),
        )
        for c in collection.columns
    ]
    columns += [dg.TableColumn(name=name, type=ddl.split()[0], description=text) for name, ddl, text in META_COLUMNS]
    return dg.TableSchema(columns=columns)


def _description(instance: Instance, collection: Collection) -> str:
    return (
        f"Twilio **{collection.name}** of instance `{instance.name}`, upserted into "
        f"`{instance.schema}.{collection.name}` by `{collection.primary_key}`.\n\n{collection.description}\n\n"
        f"Each partition is one UTC day. The 3-hourly schedule refreshes today and the "
        f"{instance.lookback_days} day(s) before it, so late changes (status, duration, price, annotations) "
        "land; rows Twilio no longer lists in a re-read window get `_deleted_at`."
    )


def _table_counts(connection, table, primary_key: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "select count(*) filter (where _deleted_at is null), count(*) filter (where _deleted_at is not null), "
                "count(*) - count(distinct {key}), count(*) - count({key}) from {table}"
            ).format(key=sql.Identifier(primary_key), table=table.sql)
        )
        live, deleted, duplicate_keys, null_keys = cursor.fetchone()
    return {"live": live, "deleted": deleted, "duplicate_keys": duplicate_keys, "null_keys": null_keys}


def _rows_per_day(connection, table, collection: Collection, window: Window) -> dict[str, int] | None:
    """Live rows per UTC day of the window, by the collection's window column (None for whole-list reads)."""
    if not collection.windowed or collection.window_column is None:
        return None
    column = sql.Identifier(collection.window_column)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "select to_char({c} at time zone 'UTC', 'YYYY-MM-DD'), count(*) from {t} "
                "where _deleted_at is null and {c} >= %s and {c} < %s group by 1"
            ).format(c=column, t=table.sql),
            (window.start, window.end),
        )
        found = dict(cursor.fetchall())
    return {day.isoformat(): found.get(day.isoformat(), 0) for day in sorted(window.days())}


def _metadata(result: SyncResult, counts: dict[str, int], per_day: dict[str, int] | None) -> dict[str, dg.MetadataValue]:
    metadata: dict[str, dg.MetadataValue] = {
        "dagster/row_count": dg.MetadataValue.int(counts["live"]),
        "rows_marked_deleted_total": dg.MetadataValue.int(counts["deleted"]),
        "window": dg.MetadataValue.text(result.window),
        "records_fetched": dg.MetadataValue.int(result.fetched),
        "rows_inserted": dg.MetadataValue.int(result.inserted),
        "rows_updated": dg.MetadataValue.int(result.updated),
        "rows_unchanged": dg.MetadataValue.int(result.unchanged),
        "rows_deleted": dg.MetadataValue.int(result.deleted),
        "pages": dg.MetadataValue.int(result.pages),
        "requests": dg.MetadataValue.int(result.requests),
        "retries": dg.MetadataValue.int(result.retries),
        "duration_seconds": dg.MetadataValue.float(round(result.seconds, 3)),
        "records_per_second": dg.MetadataValue.float(round(result.records_per_second, 1)),
        "accounts_synced": dg.MetadataValue.text(", ".join(result.accounts_synced) or "none"),
    }
    if per_day is not None:
        metadata["rows_per_day"] = dg.MetadataValue.md(
            "| day (UTC) | rows |\n|---|---:|\n" + "\n".join(f"| {day} | {n:,} |" for day, n in per_day.items())
        )
        if len(per_day) == 1:
            metadata["dagster/partition_row_count"] = dg.MetadataValue.int(next(iter(per_day.values())))
    if result.accounts_skipped:
        metadata["accounts_skipped"] = dg.MetadataValue.md(
            "\n".join(f"- {reason}" for reason in result.accounts_skipped.values())
        )
    return metadata


def build_raw_asset(
    instance: Instance, collection: Collection, partitions_def: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    key = raw_asset_key(instance, collection)
    table_name = f"{instance.schema}.{collection.name}"

    @dg.asset(
        key=key,
        description=_description(instance, collection),
        group_name=instance.group_name,
        kinds={"twilio", "postgres"},
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        required_resource_keys={instance.resource_key, "warehouse"},
        metadata={
            "dagster/table_name": f"postgres.{table_name}",
            "dagster/column_schema": column_schema(collection),
            "twilio/read_mode": collection.read.value,
            "twilio/primary_key": collection.primary_key,
        },
        check_specs=[
            dg.AssetCheckSpec(
                PRIMARY_KEY_CHECK,
                asset=key,
                description=f"Every row of {table_name} has a {collection.primary_key}, and no two share one.",
            )
        ],
        op_tags={"twilio/instance": instance.name},
        freshness_policy=FRESHNESS,
    )
    def _raw_asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        twilio: TwilioResource = getattr(context.resources, instance.resource_key)
        warehouse: WarehouseResource = context.resources.warehouse
        window = Window(*context.partition_time_window)
        main_account = twilio.require_account_sid()
        excluded, hashed = instance.privacy.for_collection(collection.name)
        redaction = Redaction(exclude=excluded, hashed=hashed, key=twilio.redaction_key(bool(hashed)))
        with twilio.build_client(on_retry=context.log.warning) as client:
            accounts = resolve_accounts(client, main_account, instance.accounts)
            connection = warehouse.connect()
            try:
                result = sync_collection(
                    client=client,
                    connection=connection,
                    schema=instance.schema,
                    collection=collection,
                    window=window,
                    accounts=accounts,
                    main_account_sid=main_account,
                    run_id=context.run.run_id,
                    redaction=redaction,
                    log=context.log.info,
                )
                table = table_for(instance.schema, collection)
                counts = _table_counts(connection, table, collection.primary_key)
                per_day = _rows_per_day(connection, table, collection, window)
            finally:
                connection.close()
        return dg.MaterializeResult(
            metadata=_metadata(result, counts, per_day),
            check_results=[
                dg.AssetCheckResult(
                    check_name=PRIMARY_KEY_CHECK,
                    passed=counts["duplicate_keys"] == 0 and counts["null_keys"] == 0,
                    metadata={
                        "duplicate_keys": dg.MetadataValue.int(counts["duplicate_keys"]),
                        "null_keys": dg.MetadataValue.int(counts["null_keys"]),
                    },
                )
            ],
        )

    return _raw_asset


def build_raw_assets(settings: SyncSettings) -> list[dg.AssetsDefinition]:
    partitions_def = daily_partitions(settings)
    return [
        build_raw_asset(instance, collection, partitions_def)
        for instance in settings.instances
        for collection in instance.collections
    ]
