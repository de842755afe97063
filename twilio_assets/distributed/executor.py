"""The sync job's executor: local processes, Celery workers, or a Kubernetes Job per step."""

from __future__ import annotations

from typing import Any

import dagster as dg

from .settings import BROKER_ENV


def celery_executor() -> dg.ExecutorDefinition:
    from dagster_celery import celery_executor as executor  # optional: pip install -e '.[celery]'

    return executor.configured(
        {"broker": {"env": BROKER_ENV}, "backend": {"env": BROKER_ENV}, "include": []},
        name="celery",
    )


def execution_for(executor: str, max_concurrent: int) -> dict[str, Any]:
    """`define_asset_job` arguments for the chosen executor."""
    if executor == "celery":
        return {"executor_def": celery_executor()}
    if executor == "k8s":
        from dagster_k8s import k8s_job_executor  # optional: pip install -e '.[k8s]'

        # Each step in its own pod, started from the run's image with the run's env and secrets.
        return {
            "executor_def": k8s_job_executor,
            "config": {"execution": {"config": {"max_concurrent": max_concurrent}}},
        }
    return {"config": {"execution": {"config": {"multiprocess": {"max_concurrent": max_concurrent}}}}}
