"""Launching the sync job so that Celery workers can take its steps, and seeing who took which."""

from __future__ import annotations

import warnings
from collections import Counter

import dagster as dg

from ..defs.automation import RANGE_END_TAG, RANGE_START_TAG, SYNC_JOB

# dagster-celery registers its step task again for each run it submits; Celery warns, harmlessly.
warnings.filterwarnings("ignore", message="Task name 'execute_plan' is already registered")


def sync_job_for_workers() -> dg.JobDefinition:
    """The sync job, built the way every worker builds it again (a reconstructable target)."""
    from ..definitions import defs

    return defs().resolve_job_def(SYNC_JOB)


def run_on_workers(
    instance: dg.DagsterInstance,
    first: str,
    last: str,
    asset_selection: list[dg.AssetKey] | None = None,
    log_level: str = "INFO",
) -> dg.ExecuteJobResult:
    """One single-run backfill of [first, last]; the executor hands each step to the broker."""
    return dg.execute_job(
        dg.reconstructable(sync_job_for_workers),
        instance=instance,
        tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
        asset_selection=asset_selection,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        raise_on_error=False,
    )


def steps_per_process(instance: dg.DagsterInstance, run_id: str) -> Counter:
    """How many steps each process ran (each Celery worker is its own process)."""
    counts: Counter = Counter()
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START):
        if entry.dagster_event is not None:
            counts[entry.dagster_event.pid] += 1
    return counts
