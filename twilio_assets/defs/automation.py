"""The "sync everything" job and the 3-hourly schedule that runs it."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from ..instances import SyncSettings
from .partitions import daily_partitions

SYNC_JOB = "twilio_sync_job"
SYNC_SCHEDULE = "twilio_sync_every_3_hours"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def sync_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        SYNC_JOB,
        selection=selection,
        description=(
            "Sync every Twilio collection of every instance for the selected days, then rebuild the dbt "
            "models. Launch it with a partition range for a backfill; the schedule launches it with today "
            "and the lookback days."
        ),
    )


def lookback_range(settings: SyncSettings, moment: dt.datetime) -> tuple[str, str]:
    """The partition keys a tick at `moment` refreshes: today (UTC) back through the largest lookback."""
    today = moment.astimezone(dt.timezone.utc).date()
    lookback = max(instance.lookback_days for instance in settings.instances)
    first = max(today - dt.timedelta(days=lookback), settings.start_date)
    return first.isoformat(), today.isoformat()


def sync_schedule(settings: SyncSettings, job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    partitions = daily_partitions(settings)

    @dg.schedule(
        name=SYNC_SCHEDULE,
        cron_schedule="0 */3 * * *",
        execution_timezone="UTC",
        job=job,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=(
            "Every 3 hours (UTC): re-read today and the lookback days of every collection, so the warehouse "
            "is never more than 3 hours behind Twilio and late changes land. Off until you turn it on."
        ),
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        first, last = lookback_range(settings, context.scheduled_execution_time)
        if partitions.has_partition_key(last) is False:  # before start_date: nothing to sync yet
            return dg.SkipReason(f"{last} is before the first partition {settings.start_date}")
        return dg.RunRequest(
            run_key=f"{context.scheduled_execution_time:%Y-%m-%dT%H:%M}",
            tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
        )

    return _schedule
