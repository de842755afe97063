"""One daily-partitioned asset per collection per instance, all built by one factory."""

import datetime as dt

import dagster as dg

from ..catalog import Collection
from ..instances import Instance, SyncSettings
from ..sync import Redaction, SyncResult, Window, sync_collection
from ..sync.accounts import resolve_accounts
from ..warehouse import META_COLUMNS
from ..warehouse.slots import PostgresSlots
from .freshness import build_freshness_check
from .partitions import daily_partitions
from .resources import TwilioResource, WarehouseResource

LISTED_EQUALS_STORED = "listed_equals_stored"
NO_DELETIONS_HELD_BACK = "no_deletions_held_back"
NO_RECORDS_REJECTED = "no_records_rejected"
# The schedule ticks every 3 hours; a sync takes minutes. Warn once 3 hours have passed without a
# successful materialization, fail after 3 h 30 min (one missed tick plus slack for a slow run).
FRESHNESS_FAIL_AFTER = dt.timedelta(hours=3, minutes=30)
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=FRESHNESS_FAIL_AFTER, warn_window=dt.timedelta(hours=3))


def raw_asset_key(instance: Instance, collection: Collection) -> dg.AssetKey:
    return dg.AssetKey([instance.schema, collection.name])


def column_schema(collection: Collection) -> dg.TableSchema:
    columns = [
        dg.TableColumn(
            name=c.name,
            type=c.kind.pg_type,
            description=c.description or None,
            constraints=dg.TableColumnConstraints(
                nullable=c.name != collection.primary_key, unique=c.name == collection.primary_key
            ),
        )
        for c in collection.columns
    ]
    columns += [dg.TableColumn(name=name, type=ddl.split()[0], description=text) for name, ddl, text in META_COLUMNS]
    return dg.TableSchema(columns=columns)


def _description(instance: Instance, collection: Collection) -> str:
    return (
        f"Twilio **{collection.name}** of instance `{instance.name}`, upserted into "
        f"`{instance.schema}.{collection.name}` by `{collection.primary_key}`.\n\n{collection.description}\n\n"
        f"Read mode `{collection.read.name}`: {collection.read.summary()}.\n\n"
        f"Each partition is one UTC day. The 3-hourly schedule refreshes today and the "
        f"{instance.lookback_days} day(s) before it, so late changes (status, duration, price, annotations) "
        "land; rows Twilio no longer lists in a re-read window get `_deleted_at`.\n\n"
        f"How {collection.name} links to the other collections: the visual schema, `docs/twilio_schema.svg` "
        "(and `.pdf`) in the repository, also shown in the dbt docs overview."
    )


def _parts_table(result: SyncResult) -> str:
    rows = "\n".join(
        f"| {label} | {listed:,} | {stored:,} | {'yes' if listed == stored else '**NO**'} |"
        for label, (listed, stored) in sorted(result.parts.items())
    )
    return "| listing | listed by Twilio | live rows stored | equal |\n|---|---:|---:|---|\n" + rows


def _metadata(result: SyncResult) -> dict[str, dg.MetadataValue]:
    metadata: dict[str, dg.MetadataValue] = {
        "dagster/row_count": dg.MetadataValue.int(result.live_rows),
        "rows_marked_deleted_total": dg.MetadataValue.int(result.deleted_rows),
        "window": dg.MetadataValue.text(result.window),
        "records_fetched": dg.MetadataValue.int(result.fetched),
        "rows_inserted": dg.MetadataValue.int(result.inserted),
        "rows_updated": dg.MetadataValue.int(result.updated),
        "rows_unchanged": dg.MetadataValue.int(result.unchanged),
        "rows_deleted": dg.MetadataValue.int(result.deleted),
        "rows_revived": dg.MetadataValue.int(result.revived),
        "pages": dg.MetadataValue.int(result.pages),
        "requests": dg.MetadataValue.int(result.requests),
        "retries": dg.MetadataValue.int(result.retries),
        "warehouse_reconnects": dg.MetadataValue.int(result.warehouse_reconnects),
        "duration_seconds": dg.MetadataValue.float(round(result.seconds, 3)),
        "records_per_second": dg.MetadataValue.float(round(result.records_per_second, 1)),
        "accounts_synced": dg.MetadataValue.text(", ".join(result.accounts_synced) or "none"),
        "read_mode": dg.MetadataValue.text(result.read_mode),
    }
    if result.parts:
        metadata["listed_vs_stored"] = dg.MetadataValue.md(_parts_table(result))
        if len(result.parts) == 1:
            metadata["dagster/partition_row_count"] = dg.MetadataValue.int(next(iter(result.parts.values()))[1])
    if result.unreadable:
        metadata["days_not_readable"] = dg.MetadataValue.md(
            "Twilio refused these listings (older than it keeps); their stored rows were left as they were:\n\n"
            + "\n".join(f"- {where}: {reason}" for where, reason in sorted(result.unreadable.items()))
        )
    if result.held_back:
        metadata["deletions_held_back"] = dg.MetadataValue.md(_held_back_text(result))
    metadata["rows_held_back"] = dg.MetadataValue.int(sum(result.held_back.values()))
    metadata["deletions_pending"] = dg.MetadataValue.int(result.pending_deletions)
    metadata["records_rejected"] = dg.MetadataValue.int(len(result.rejected))
    if result.rejected:
        metadata["rejected_records"] = dg.MetadataValue.md(_rejected_table(result))
    if result.live_rows == 0 and not result.accounts_skipped:
        # An empty table is normal for a product the account does not use (no Studio flows, no Verify).
        metadata["empty"] = dg.MetadataValue.text(
            f"Twilio listed no {result.collection} for {', '.join(result.accounts_synced) or 'the accounts'}: "
            "the account does not use this product, or has no such records yet."
        )
    if result.accounts_skipped:
        metadata["accounts_skipped"] = dg.MetadataValue.md(
            "\n".join(f"- {reason}" for reason in result.accounts_skipped.values())
        )
    return metadata


def _held_back_text(result: SyncResult) -> str:
    return (
        f"Twilio's answer left out most or all of these parts of {result.collection}; their rows stay live until "
        "a later sync's complete listing confirms they are gone:\n\n"
        + "\n".join(f"- {where}: {rows:,} rows" for where, rows in sorted(result.held_back.items()))
    )


def _rejected_table(result: SyncResult) -> str:
    rows = "\n".join(
        f"| {r.account} | {r.part} | {r.key} | {r.reason.replace('|', '/')} |"
        for r in sorted(result.rejected, key=lambda r: (r.account, r.part, r.key))
    )
    return "| account | listing | key | why PostgreSQL refused it |\n|---|---|---|---|\n" + rows


def _held(result: SyncResult, label: str) -> bool:
    return any(where.endswith(f" {label}") for where in result.held_back)


def _listed_equals_stored(result: SyncResult) -> dg.AssetCheckResult:
    """Per listing of the window: the records Twilio listed equal the live rows stored for it. A part whose
    deletions were held back fails even if its counts happen to agree: it never passes on a suspect answer."""
    mismatched = result.mismatched_parts
    problems = [
        f"{label} (listed {listed:,}, stored {stored:,}"
        + (", deletions held back" if _held(result, label) else "")
        + ")"
        for label, (listed, stored) in sorted(result.parts.items())
        if label in mismatched or _held(result, label)
    ]
    description = (
        "every listing's records are stored live in its part of the window"
        if not problems
        else "stored rows differ from what Twilio listed for: " + ", ".join(problems)
    )
    return dg.AssetCheckResult(
        check_name=LISTED_EQUALS_STORED,
        passed=not problems,
        description=description,
        metadata={
            "listings_checked": dg.MetadataValue.int(len(result.parts)),
            "listings_mismatched": dg.MetadataValue.int(len(mismatched)),
            "listed_vs_stored": dg.MetadataValue.md(_parts_table(result)),
        },
    )


def _no_deletions_held_back(result: SyncResult) -> dg.AssetCheckResult:
    """Warns while one answer's mass deletion waits for a second listing to confirm it."""
    return dg.AssetCheckResult(
        check_name=NO_DELETIONS_HELD_BACK,
        passed=not result.held_back,
        severity=dg.AssetCheckSeverity.WARN,
        description=_held_back_text(result) if result.held_back else "no deletion was held back",
        metadata={
            "rows_held_back": dg.MetadataValue.int(sum(result.held_back.values())),
            "deletions_pending": dg.MetadataValue.int(result.pending_deletions),
        },
    )


def _no_records_rejected(result: SyncResult) -> dg.AssetCheckResult:
    """Fails while records of the window are set aside because PostgreSQL refuses them."""
    description = (
        "PostgreSQL stored every record Twilio listed"
        if not result.rejected
        else f"{len(result.rejected)} record(s) of {result.collection} were set aside in _twilio_rejects, and their "
        "listings left out of the deletion scope: "
        + "; ".join(f"{r.key} ({r.part}): {r.reason}" for r in sorted(result.rejected, key=lambda r: r.key)[:10])
    )
    return dg.AssetCheckResult(
        check_name=NO_RECORDS_REJECTED,
        passed=not result.rejected,
        description=description,
        metadata={"records_rejected": dg.MetadataValue.int(len(result.rejected))},
    )


def build_raw_asset(
    instance: Instance, collection: Collection, partitions_def: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    key = raw_asset_key(instance, collection)
    table_name = f"{instance.schema}.{collection.name}"

    @dg.asset(
        key=key,
        description=_description(instance, collection),
        group_name=instance.group_for(collection),
        kinds={"twilio", "postgres"},
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        required_resource_keys={instance.resource_key, "warehouse"},
        metadata={
            "dagster/table_name": f"postgres.{table_name}",
            "dagster/column_schema": column_schema(collection),
            "twilio/read_mode": collection.read.name,
            "twilio/primary_key": collection.primary_key,
        },
        check_specs=[
            dg.AssetCheckSpec(
                LISTED_EQUALS_STORED,
                asset=key,
                description=(
                    f"For each listing of the synced window (a day, the pending block, a parent's children), the "
                    f"records Twilio listed equal the live rows of {table_name} in that listing's scope: catches "
                    "rows stored under the wrong day, missed deletions and records that never landed."
                ),
            ),
            dg.AssetCheckSpec(
                NO_DELETIONS_HELD_BACK,
                asset=key,
                description=(
                    "Warns when one answer from Twilio would have marked most (or all) of a listing's rows "
                    f"deleted: they stay live in {table_name} until a later complete listing confirms it."
                ),
            ),
            dg.AssetCheckSpec(
                NO_RECORDS_REJECTED,
                asset=key,
                description=(
                    f"Fails when PostgreSQL refused records of the window: they are set aside by key in "
                    f"{instance.schema}._twilio_rejects, and their listings leave the deletion scope."
                ),
            ),
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
        # One budget per Twilio account, its slots shared through the warehouse with every other step.
        slots = PostgresSlots(warehouse.connect, main_account, twilio.max_in_flight)
        with twilio.build_client(on_retry=context.log.warning, shared_slots=slots) as client:
            accounts = resolve_accounts(client, main_account, instance.accounts)
            try:
                result = sync_collection(
                    client=client,
                    connect=warehouse.connect,
                    schema=instance.schema,
                    collection=collection,
                    window=window,
                    accounts=accounts,
                    main_account_sid=main_account,
                    run_id=context.run.run_id,
                    redaction=redaction,
                    log=context.log.info,
                    safeguard=instance.deletion_safeguard,
                )
            finally:
                slots.close()
        for reason in result.unreadable.values():
            context.log.warning(f"{collection.name}: {reason}")
        if result.held_back:
            context.log.warning(_held_back_text(result))
        for rejected in result.rejected:
            context.log.warning(f"{collection.name}: set aside {rejected.key} ({rejected.part}): {rejected.reason}")
        return dg.MaterializeResult(
            metadata=_metadata(result),
            check_results=[
                _listed_equals_stored(result),
                _no_deletions_held_back(result),
                _no_records_rejected(result),
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


def build_raw_asset_checks(settings: SyncSettings) -> list[dg.AssetChecksDefinition]:
    return [
        build_freshness_check(instance, collection, raw_asset_key(instance, collection), FRESHNESS_FAIL_AFTER)
        for instance in settings.instances
        for collection in instance.collections
    ]
