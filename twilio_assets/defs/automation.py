"""The "sync everything" job and the 3-hourly schedule that runs it."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from ..instances import Instance, SyncSettings

SYNC_JOB = "twilio_sync_job"
# Steps of one run syncing at once. Each step keeps one request in flight, and Twilio limits requests
# in flight per account, so this stays small whatever the machine's core count.
MAX_CONCURRENT_STEPS = 4
SYNC_SCHEDULE = "twilio_sync_every_3_hours"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def step_executor() -> dg.ExecutorDefinition:
    """Where every job's steps run (the sync job's and a Materialize click's alike): TWILIO_ASSETS_EXECUTOR
    picks `celery` (Celery workers), `k8s` (a Kubernetes Job per step), or, unset, local processes; a few
    steps at a time except on Celery, where the workers' number bounds them."""
    from ..distributed.executor import executor_for
    from ..distributed.settings import selected_executor

    return executor_for(selected_executor(), MAX_CONCURRENT_STEPS)


def sync_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        SYNC_JOB,
        selection=selection,
        executor_def=step_executor(),
        description=(
            "Sync every Twilio collection of every instance for the selected days, then rebuild the dbt "
            "models. Launch it with a partition range for a backfill; the schedule launches it with today "
            "and the lookback days."
        ),
    )


def lookback_range(settings: SyncSettings, lookback_days: int, moment: dt.datetime) -> tuple[str, str]:
    """The partition keys a tick at `moment` refreshes: today (UTC) and the `lookback_days` before it."""
    today = moment.astimezone(dt.UTC).date()
    first = max(today - dt.timedelta(days=lookback_days), settings.start_date)
    return first.isoformat(), today.isoformat()


def lookback_groups(settings: SyncSettings) -> dict[int, list[Instance]]:
    groups: dict[int, list[Instance]] = {}
    for instance in settings.instances:
        groups.setdefault(instance.lookback_days, []).append(instance)
    return dict(sorted(groups.items()))


def sync_schedule(
    settings: SyncSettings,
    job: dg.UnresolvedAssetJobDefinition,
    raw_keys: dict[str, list[dg.AssetKey]],
    model_keys: list[dg.AssetKey],
) -> dg.ScheduleDefinition:
    """raw_keys: each instance's raw asset keys, by instance name; model_keys: the dbt models."""
    groups = lookback_groups(settings)

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
    def _schedule(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time
        if moment.astimezone(dt.UTC).date() < settings.start_date:
            yield dg.SkipReason(f"{moment:%Y-%m-%d} is before the first partition {settings.start_date}")
            return
        # Instances share one run per lookback length (usually exactly one run per tick). Each run
        # rebuilds the dbt models after its raw assets, so no instance's fresh data waits a tick;
        # the `dbt` pool runs those builds one at a time.
        for lookback, instances in groups.items():
            first, last = lookback_range(settings, lookback, moment)
            keys = [key for instance in instances for key in raw_keys[instance.name]] + model_keys
            yield dg.RunRequest(
                run_key=f"{moment:%Y-%m-%dT%H:%M}/lookback-{lookback}",
                asset_selection=keys,
                tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
            )

    return _schedule
